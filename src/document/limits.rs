//! Bounds on what a document may cost to load, so hostile input fails fast with a clear error.

/// Limits applied while loading a document and its referenced files.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest accepted input file, in bytes.
    pub max_input_bytes: usize,
    /// Deepest accepted nesting of arrays and objects.
    pub max_depth: usize,
    /// Longest accepted single string, in bytes.
    pub max_string_bytes: usize,
    /// Most nodes a YAML document may expand to through aliases (guards "billion laughs").
    pub max_alias_nodes: usize,
    /// Most files a multi-file description may pull in through `$ref`.
    pub max_files: usize,
    /// Most `$ref`s resolved across all files.
    pub max_refs: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 64 * 1024 * 1024,
            max_depth: 256,
            max_string_bytes: 16 * 1024 * 1024,
            max_alias_nodes: 1_000_000,
            max_files: 512,
            max_refs: 1_000_000,
        }
    }
}
