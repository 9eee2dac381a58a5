//! (being implemented)

use super::{Check, Sink};
use crate::document::Document;

#[derive(Debug)]
pub struct MissingVersionHeader;

impl Check for MissingVersionHeader {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct MissingHeader;

impl Check for MissingHeader {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

