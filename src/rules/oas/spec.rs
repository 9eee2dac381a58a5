//! The vendored schema documents (see `schemas/README.md`), each compiled once per process.

use std::sync::LazyLock;

use super::ajv::{Dialect, SIdx, SchemaSet};
use super::compile::{StaticCompiler, Vendored};

/// A compiled schema document and the dialect it is validated with.
pub struct Compiled {
    pub set: SchemaSet,
    pub root: SIdx,
    pub dialect: Dialect,
}

/// Vendored documents: their names and texts.
type Files = &'static [(&'static str, &'static str)];

macro_rules! files {
    ($($file:literal),* $(,)?) => {
        &[$(($file, include_str!(concat!("schemas/", $file)))),*]
    };
}

// The documents in groups, by what refers to what.
const SWAGGER_2_0_FILES: Files = files!["oas-2.0.json"];
const OAS_3_0_FILES: Files = files!["oas-3.0.json"];
const OAS_3_1_FILES: Files = files![
    "oas-3.1.json",
    "oas-3.1-dialect.json",
    "oas-3.1-meta.json",
    "stoplight-2020-12.json",
    "stoplight-2020-12-validation.json",
];
const OAS_3_2_FILES: Files = files!["oas-3.2.json", "oas-3.2-dialect.json", "oas-3.2-meta.json"];
const DRAFT4_FILES: Files = files!["json-schema-draft-04.json"];
const JSON_SCHEMA_2020_12_FILES: Files = files![
    "json-schema-2020-12.json",
    "json-schema-2020-12-core.json",
    "json-schema-2020-12-applicator.json",
    "json-schema-2020-12-unevaluated.json",
    "json-schema-2020-12-validation.json",
    "json-schema-2020-12-meta-data.json",
    "json-schema-2020-12-format-annotation.json",
    "json-schema-2020-12-content.json",
];

fn parse(groups: &[Files]) -> Vendored {
    Vendored::parse(&groups.concat())
}

/// All the vendored documents: what each compiled schema below is checked against (it must
/// compile the same from the documents it is given alone).
#[cfg(test)]
static VENDORED: LazyLock<Vendored> = LazyLock::new(|| {
    parse(&[
        SWAGGER_2_0_FILES,
        OAS_3_0_FILES,
        OAS_3_1_FILES,
        OAS_3_2_FILES,
        DRAFT4_FILES,
        JSON_SCHEMA_2020_12_FILES,
    ])
});

// Each compiled schema is made from the vendored documents it refers to, parsed once: a lint
// parses only what its OpenAPI version needs at start-up (all 270 KB of them took a tenth of a
// small document's lint).
static OAS_3_0_DOCUMENTS: LazyLock<Vendored> = LazyLock::new(|| parse(&[OAS_3_0_FILES]));
static DRAFT4_DOCUMENTS: LazyLock<Vendored> = LazyLock::new(|| parse(&[DRAFT4_FILES]));
static SWAGGER_2_0_DOCUMENTS: LazyLock<Vendored> =
    LazyLock::new(|| parse(&[SWAGGER_2_0_FILES, DRAFT4_FILES]));
static OAS_3_1_DOCUMENTS: LazyLock<Vendored> =
    LazyLock::new(|| parse(&[OAS_3_1_FILES, JSON_SCHEMA_2020_12_FILES]));
static OAS_3_2_DOCUMENTS: LazyLock<Vendored> =
    LazyLock::new(|| parse(&[OAS_3_2_FILES, JSON_SCHEMA_2020_12_FILES]));
static JSON_SCHEMA_2020_12_DOCUMENTS: LazyLock<Vendored> =
    LazyLock::new(|| parse(&[JSON_SCHEMA_2020_12_FILES]));

/// The schema at `root` of `vendored`. `meta_formats`: check `format` inside meta-schema parts
/// too (only the Swagger 2.0 schema's precompiled validator does).
fn compile_from(
    vendored: &'static Vendored,
    dialect: Dialect,
    root: &str,
    meta_formats: bool,
) -> Compiled {
    let mut c = StaticCompiler::new(dialect, vendored);
    c.meta_formats = meta_formats;
    let root = c.root(root);
    Compiled {
        set: c.set,
        root,
        dialect,
    }
}

const SWAGGER_2_0: &str = "http://swagger.io/v2/schema.json#";
const OAS_3_0_URI: &str = "https://spec.openapis.org/oas/3.0/schema/2019-04-02";
const OAS_3_1_URI: &str = "https://spec.openapis.org/oas/3.1/schema/2021-09-28";
const OAS_3_2_URI: &str = "https://spec.openapis.org/oas/3.2/schema/2025-11-23";
const DRAFT4: &str = "http://json-schema.org/draft-04/schema";
const JSON_SCHEMA_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The Swagger 2.0 document schema `oas2-schema` validates with. It is an `ajv` 2020 schema
/// that refers into the draft-04 meta-schema; those parts keep draft-04 semantics and, as in
/// the reference's precompiled validator, check `format` (`pattern` must be a `regex`).
pub static OAS_2_0: LazyLock<Compiled> = LazyLock::new(|| {
    compile_from(
        &SWAGGER_2_0_DOCUMENTS,
        Dialect::Draft2020,
        SWAGGER_2_0,
        true,
    )
});

/// The OpenAPI 3.0 document schema `oas3-schema` validates 3.0 (and unknown 3.x) documents with.
pub static OAS_3_0: LazyLock<Compiled> =
    LazyLock::new(|| compile_from(&OAS_3_0_DOCUMENTS, Dialect::Draft2020, OAS_3_0_URI, false));

/// The OpenAPI 3.1 document schema (with its Schema Object dialect).
pub static OAS_3_1: LazyLock<Compiled> =
    LazyLock::new(|| compile_from(&OAS_3_1_DOCUMENTS, Dialect::Draft2020, OAS_3_1_URI, false));

/// The OpenAPI 3.2 document schema (with its Schema Object dialect).
pub static OAS_3_2: LazyLock<Compiled> =
    LazyLock::new(|| compile_from(&OAS_3_2_DOCUMENTS, Dialect::Draft2020, OAS_3_2_URI, false));

/// The draft-04 meta-schema, which example schemas of OpenAPI 3.0 documents must conform to.
pub static META_DRAFT4: LazyLock<Compiled> =
    LazyLock::new(|| compile_from(&DRAFT4_DOCUMENTS, Dialect::Draft4, DRAFT4, false));

/// The 2020-12 meta-schema, which example schemas of OpenAPI 3.1/3.2 documents must conform to.
pub static META_2020: LazyLock<Compiled> = LazyLock::new(|| {
    compile_from(
        &JSON_SCHEMA_2020_12_DOCUMENTS,
        Dialect::Draft2020,
        JSON_SCHEMA_2020_12,
        false,
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    /// Each schema compiles from the documents it is given exactly as from all of them (a
    /// document left out would make `StaticCompiler::root` panic instead).
    #[test]
    fn each_schema_compiles_from_its_documents_as_from_all() {
        let among_all = |dialect, uri| compile_from(&VENDORED, dialect, uri, false);
        for (alone, all) in [
            (
                &*OAS_2_0,
                compile_from(&VENDORED, Dialect::Draft2020, SWAGGER_2_0, true),
            ),
            (&*OAS_3_0, among_all(Dialect::Draft2020, OAS_3_0_URI)),
            (&*OAS_3_1, among_all(Dialect::Draft2020, OAS_3_1_URI)),
            (&*OAS_3_2, among_all(Dialect::Draft2020, OAS_3_2_URI)),
            (&*META_DRAFT4, among_all(Dialect::Draft4, DRAFT4)),
            (
                &*META_2020,
                among_all(Dialect::Draft2020, JSON_SCHEMA_2020_12),
            ),
        ] {
            assert!(!alone.set.nodes.is_empty());
            assert_eq!(alone.root, all.root);
            assert_eq!(
                format!("{:?}", alone.set.nodes),
                format!("{:?}", all.set.nodes)
            );
        }
    }
}
