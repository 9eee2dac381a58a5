//! (being implemented)

use super::{Check, Sink};
use crate::document::Document;

#[derive(Debug)]
pub struct DateFieldFormat;

impl Check for DateFieldFormat {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct DateTimeInsteadOfDate;

impl Check for DateTimeInsteadOfDate {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}

#[derive(Debug)]
pub struct DateTimeFormat {
    pub forbidden: &'static str,
}

impl Check for DateTimeFormat {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}
