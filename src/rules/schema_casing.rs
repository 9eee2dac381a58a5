//! (being implemented)

use super::{Check, Sink};
use crate::document::Document;

#[derive(Debug)]
pub struct SchemaCamelCase;

impl Check for SchemaCamelCase {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct PropertyCasing;

impl Check for PropertyCasing {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

