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

macro_rules! vendored {
    ($($file:literal),* $(,)?) => {
        LazyLock::new(|| Vendored::parse(&[$(($file, include_str!(concat!("schemas/", $file)))),*]))
    };
}

/// The vendored documents, parsed once.
static VENDORED: LazyLock<Vendored> = vendored![
    "oas-2.0.json",
    "oas-3.0.json",
    "oas-3.1.json",
    "oas-3.1-dialect.json",
    "oas-3.1-meta.json",
    "oas-3.2.json",
    "oas-3.2-dialect.json",
    "oas-3.2-meta.json",
    "stoplight-2020-12.json",
    "stoplight-2020-12-validation.json",
    "json-schema-draft-04.json",
    "json-schema-2020-12.json",
    "json-schema-2020-12-core.json",
    "json-schema-2020-12-applicator.json",
    "json-schema-2020-12-unevaluated.json",
    "json-schema-2020-12-validation.json",
    "json-schema-2020-12-meta-data.json",
    "json-schema-2020-12-format-annotation.json",
    "json-schema-2020-12-content.json",
];

/// The two documents an OpenAPI 3.0 lint needs refer to no other: parsed on their own, a 3.0
/// lint does not parse the other 220 KB at start-up (a tenth of a small document's lint).
static OAS_3_0_ALONE: LazyLock<Vendored> = vendored!["oas-3.0.json"];
static DRAFT4_ALONE: LazyLock<Vendored> = vendored!["json-schema-draft-04.json"];

fn compile(dialect: Dialect, root: &str) -> Compiled {
    compile_from(&VENDORED, dialect, root)
}

fn compile_from(vendored: &'static Vendored, dialect: Dialect, root: &str) -> Compiled {
    let mut c = StaticCompiler::new(dialect, vendored);
    let root = c.root(root);
    Compiled {
        set: c.set,
        root,
        dialect,
    }
}

/// The Swagger 2.0 document schema `oas2-schema` validates with. It is an `ajv` 2020 schema
/// that refers into the draft-04 meta-schema; those parts keep draft-04 semantics and, as in
/// the reference's precompiled validator, check `format` (`pattern` must be a `regex`).
pub static OAS_2_0: LazyLock<Compiled> = LazyLock::new(|| {
    let mut c = StaticCompiler::new(Dialect::Draft2020, &VENDORED);
    c.meta_formats = true;
    let root = c.root("http://swagger.io/v2/schema.json#");
    Compiled {
        set: c.set,
        root,
        dialect: Dialect::Draft2020,
    }
});

/// The OpenAPI 3.0 document schema `oas3-schema` validates 3.0 (and unknown 3.x) documents with.
pub static OAS_3_0: LazyLock<Compiled> = LazyLock::new(|| {
    compile_from(
        &OAS_3_0_ALONE,
        Dialect::Draft2020,
        "https://spec.openapis.org/oas/3.0/schema/2019-04-02",
    )
});

/// The OpenAPI 3.1 document schema (with its Schema Object dialect).
pub static OAS_3_1: LazyLock<Compiled> = LazyLock::new(|| {
    compile(
        Dialect::Draft2020,
        "https://spec.openapis.org/oas/3.1/schema/2021-09-28",
    )
});

/// The OpenAPI 3.2 document schema (with its Schema Object dialect).
pub static OAS_3_2: LazyLock<Compiled> = LazyLock::new(|| {
    compile(
        Dialect::Draft2020,
        "https://spec.openapis.org/oas/3.2/schema/2025-11-23",
    )
});

/// The draft-04 meta-schema, which example schemas of OpenAPI 3.0 documents must conform to.
pub static META_DRAFT4: LazyLock<Compiled> =
    LazyLock::new(|| compile_from(&DRAFT4_ALONE, Dialect::Draft4, DRAFT4));

const DRAFT4: &str = "http://json-schema.org/draft-04/schema";

/// The 2020-12 meta-schema, which example schemas of OpenAPI 3.1/3.2 documents must conform to.
pub static META_2020: LazyLock<Compiled> = LazyLock::new(|| {
    compile(
        Dialect::Draft2020,
        "https://json-schema.org/draft/2020-12/schema",
    )
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendored_schemas_compile() {
        for c in [
            &*OAS_2_0,
            &*OAS_3_0,
            &*OAS_3_1,
            &*OAS_3_2,
            &*META_DRAFT4,
            &*META_2020,
        ] {
            assert!(!c.set.nodes.is_empty());
        }
    }

    #[test]
    fn documents_compiled_alone_compile_as_among_all() {
        let oas_3_0 = "https://spec.openapis.org/oas/3.0/schema/2019-04-02";
        for (alone, among_all) in [
            (&*OAS_3_0, compile(Dialect::Draft2020, oas_3_0)),
            (&*META_DRAFT4, compile(Dialect::Draft4, DRAFT4)),
        ] {
            assert_eq!(alone.root, among_all.root);
            assert_eq!(
                format!("{:?}", alone.set.nodes),
                format!("{:?}", among_all.set.nodes)
            );
        }
    }
}
