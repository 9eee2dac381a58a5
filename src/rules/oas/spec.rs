//! The vendored schema documents (see `schemas/README.md`), compiled: each built once per
//! process from its baked form (`baked/`), which a test keeps equal to compiling the documents.

use std::sync::LazyLock;

use super::ajv::{Dialect, SIdx, SchemaSet};
use super::baked;

/// A compiled schema document and the dialect it is validated with.
pub struct Compiled {
    pub set: SchemaSet,
    pub root: SIdx,
    pub dialect: Dialect,
}

/// The Swagger 2.0 document schema `oas2-schema` validates with. It is an `ajv` 2020 schema
/// that refers into the draft-04 meta-schema; those parts keep draft-04 semantics and, as in
/// the reference's precompiled validator, check `format` (`pattern` must be a `regex`).
pub static OAS_2_0: LazyLock<Compiled> = LazyLock::new(baked::oas_2_0::compiled);

/// The OpenAPI 3.0 document schema `oas3-schema` validates 3.0 (and unknown 3.x) documents with.
pub static OAS_3_0: LazyLock<Compiled> = LazyLock::new(baked::oas_3_0::compiled);

/// The OpenAPI 3.1 document schema (with its Schema Object dialect).
pub static OAS_3_1: LazyLock<Compiled> = LazyLock::new(baked::oas_3_1::compiled);

/// The OpenAPI 3.2 document schema (with its Schema Object dialect).
pub static OAS_3_2: LazyLock<Compiled> = LazyLock::new(baked::oas_3_2::compiled);

/// The draft-04 meta-schema, which example schemas of OpenAPI 3.0 documents must conform to.
pub static META_DRAFT4: LazyLock<Compiled> = LazyLock::new(baked::meta_draft4::compiled);

/// The 2020-12 meta-schema, which example schemas of OpenAPI 3.1/3.2 documents must conform to.
pub static META_2020: LazyLock<Compiled> = LazyLock::new(baked::meta_2020::compiled);

/// The schemas compiled from the vendored documents, which the baked ones must equal.
#[cfg(test)]
pub(crate) mod tests {
    use std::sync::LazyLock;

    use super::Compiled;
    use crate::rules::oas::ajv::Dialect;
    use crate::rules::oas::compile::vendored::{StaticCompiler, Vendored};

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
    const OAS_3_2_FILES: Files =
        files!["oas-3.2.json", "oas-3.2-dialect.json", "oas-3.2-meta.json"];
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

    /// How a baked schema is compiled from the vendored documents.
    struct Source {
        /// Its module under `baked/`.
        module: &'static str,
        /// The groups of documents it is made of (what it refers to, and nothing else).
        groups: &'static [Files],
        dialect: Dialect,
        root: &'static str,
        /// Check `format` inside meta-schema parts too (only the Swagger 2.0 schema's
        /// precompiled validator does).
        meta_formats: bool,
    }

    const SOURCES: &[Source] = &[
        Source {
            module: "oas_2_0",
            groups: &[SWAGGER_2_0_FILES, DRAFT4_FILES],
            dialect: Dialect::Draft2020,
            root: "http://swagger.io/v2/schema.json#",
            meta_formats: true,
        },
        Source {
            module: "oas_3_0",
            groups: &[OAS_3_0_FILES],
            dialect: Dialect::Draft2020,
            root: "https://spec.openapis.org/oas/3.0/schema/2019-04-02",
            meta_formats: false,
        },
        Source {
            module: "oas_3_1",
            groups: &[OAS_3_1_FILES, JSON_SCHEMA_2020_12_FILES],
            dialect: Dialect::Draft2020,
            root: "https://spec.openapis.org/oas/3.1/schema/2021-09-28",
            meta_formats: false,
        },
        Source {
            module: "oas_3_2",
            groups: &[OAS_3_2_FILES, JSON_SCHEMA_2020_12_FILES],
            dialect: Dialect::Draft2020,
            root: "https://spec.openapis.org/oas/3.2/schema/2025-11-23",
            meta_formats: false,
        },
        Source {
            module: "meta_draft4",
            groups: &[DRAFT4_FILES],
            dialect: Dialect::Draft4,
            root: "http://json-schema.org/draft-04/schema",
            meta_formats: false,
        },
        Source {
            module: "meta_2020",
            groups: &[JSON_SCHEMA_2020_12_FILES],
            dialect: Dialect::Draft2020,
            root: "https://json-schema.org/draft/2020-12/schema",
            meta_formats: false,
        },
    ];

    fn parse(groups: &[Files]) -> Vendored {
        Vendored::parse(&groups.concat())
    }

    /// Each source's own documents, parsed (the compiler needs them for the whole process).
    static ALONE: LazyLock<Vec<Vendored>> =
        LazyLock::new(|| SOURCES.iter().map(|s| parse(s.groups)).collect());

    /// All the vendored documents: each schema must compile the same from them as from the
    /// documents it is given alone.
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
        let mut set = c.set;
        set.mark_property_branches();
        Compiled { set, root, dialect }
    }

    /// Each baked schema compiled from the vendored documents: its module under `baked/`, the
    /// documents it is compiled from, and the result.
    pub(crate) fn from_sources() -> Vec<(&'static str, String, Compiled)> {
        SOURCES
            .iter()
            .zip(&*ALONE)
            .map(|(s, documents)| {
                let files: Vec<&str> = s
                    .groups
                    .iter()
                    .flat_map(|g| g.iter().map(|f| f.0))
                    .collect();
                let compiled = compile_from(documents, s.dialect, s.root, s.meta_formats);
                (
                    s.module,
                    format!("schemas/{{{}}}", files.join(", ")),
                    compiled,
                )
            })
            .collect()
    }

    /// Each schema compiles from the documents it is given exactly as from all of them (a
    /// document left out would make `StaticCompiler::root` panic instead).
    #[test]
    fn each_schema_compiles_from_its_documents_as_from_all() {
        for (s, (_, _, alone)) in SOURCES.iter().zip(from_sources()) {
            let all = compile_from(&VENDORED, s.dialect, s.root, s.meta_formats);
            assert!(!alone.set.nodes.is_empty());
            assert_eq!(alone.root, all.root);
            assert_eq!(
                format!("{:?}", alone.set.nodes),
                format!("{:?}", all.set.nodes)
            );
        }
    }
}
