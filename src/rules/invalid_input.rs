//! (being implemented)

use super::{Check, Sink};
use crate::document::Document;

#[derive(Debug)]
pub struct ProblemInvalidInput;

impl Check for ProblemInvalidInput {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

