//! (being implemented)

use super::{Check, Sink};
use crate::document::Document;

#[derive(Debug)]
pub struct UseProblemSchema;

impl Check for UseProblemSchema {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct ProblemSchemaMembers;

impl Check for ProblemSchemaMembers {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

