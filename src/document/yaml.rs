//! YAML into [`Tree`] nodes with the reference linter's ranges (placeholder until the saphyr
//! loader lands).

use super::limits::Limits;
use super::tree::{FileId, NodeId, Tree};
use super::{LoadError, ParseDiagnostic};

/// Parses `tree.file(file).text` as YAML; `Ok(None)` for an empty document.
pub fn parse(
    _tree: &mut Tree,
    _file: FileId,
    _limits: &Limits,
    _diagnostics: &mut Vec<ParseDiagnostic>,
) -> Result<Option<NodeId>, LoadError> {
    Err(LoadError::Syntax {
        message: "YAML is not supported yet".into(),
        offset: 0,
    })
}
