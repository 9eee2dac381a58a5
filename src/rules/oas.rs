//! (being implemented)

use super::{Check, Sink};
use crate::document::Document;

#[derive(Debug)]
pub struct Oas3Schema;

impl Check for Oas3Schema {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct OperationIdUnique;

impl Check for OperationIdUnique {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct PathParams;

impl Check for PathParams {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct TagsUniqueness;

impl Check for TagsUniqueness {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct ValidMediaExample;

impl Check for ValidMediaExample {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct ValidSchemaExample;

impl Check for ValidSchemaExample {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct ServerVariables;

impl Check for ServerVariables {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct ApiServers;

impl Check for ApiServers {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct PathKeysNoTrailingSlash;

impl Check for PathKeysNoTrailingSlash {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}
