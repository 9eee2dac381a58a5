//! (being implemented)

use super::{Check, Sink};
use crate::document::Document;

#[derive(Debug)]
pub enum ServersUseHttps {
    HttpsOnly,
    NotHttp,
}

impl Check for ServersUseHttps {
    fn check(&self, _doc: &Document, _sink: &mut Sink) {}
}
