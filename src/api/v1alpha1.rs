//! `ApiPublication` v1alpha1: an API team publishes an OpenAPI document and says which ADR
//! ruleset it must meet, how strictly, and which rules it explains away for a while.
//!
//! Structural rules live here as CEL (`x-kubernetes-validations`) so the API server enforces
//! them without calling the webhook; the webhook only checks what CEL cannot see (the document).

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::core::{Message, Rule};
use kube::{CustomResource, KubeSchema};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ruleset::RulesetId;

/// An OpenAPI document that must meet the NL GOV API Design Rules.
// Each `printcolumn(...)` repeats `type_`/`json_path`, which clippy reads as duplicated attributes.
#[allow(clippy::duplicated_attributes)]
#[derive(CustomResource, KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[kube(
    group = "apistrategie.nl",
    version = "v1alpha1",
    kind = "ApiPublication",
    namespaced,
    status = "ApiPublicationStatus",
    shortname = "apipub",
    category = "api-governance",
    derive = "PartialEq",
    cel,
    doc = "An OpenAPI document that must meet the NL GOV API Design Rules (ADR)",
    printcolumn(
        name = "Ruleset",
        type_ = "string",
        description = "ADR ruleset the document was last checked against",
        json_path = ".status.ruleset"
    ),
    printcolumn(
        name = "Enforcement",
        type_ = "string",
        description = "Effective enforcement (the resource's, else the namespace's, else the operator's)",
        json_path = ".status.enforcement"
    ),
    printcolumn(
        name = "Compliant",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Compliant\")].status"
    ),
    printcolumn(
        name = "Errors",
        type_ = "integer",
        json_path = ".status.summary.errors"
    ),
    printcolumn(
        name = "Warnings",
        type_ = "integer",
        json_path = ".status.summary.warnings"
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct ApiPublicationSpec {
    /// Where the OpenAPI document is: exactly one of `inline`, `configMapRef` or `url`.
    pub openapi: OpenApiSource,

    /// ADR ruleset id (`adr-2.2` is the latest 2.2.x). Defaults to the operator's default ruleset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 32))]
    #[x_kube(validation = ruleset_rule())]
    pub ruleset: Option<String>,

    /// `Enforce` denies a non-compliant document, `Warn` admits it with warnings, `Audit` only
    /// records it in the status. Defaults to the namespace label `apistrategie.nl/enforcement`,
    /// then to the operator's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement: Option<Enforcement>,

    /// Rules this API does not (yet) meet, each with a reason and an end date ("pas toe of leg
    /// uit": comply or explain). An exemption stops applying after its `expires` date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    #[x_kube(merge_strategy = kube::core::ListMerge::Map(vec!["rule".into()]))]
    pub exemptions: Vec<Exemption>,
}

/// The three places an OpenAPI document can come from.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[x_kube(
    cel,
    validation = Rule::new(
        "(has(self.inline) ? 1 : 0) + (has(self.configMapRef) ? 1 : 0) + (has(self.url) ? 1 : 0) == 1"
    ).message("exactly one of openapi.inline, openapi.configMapRef or openapi.url must be set")
)]
#[serde(rename_all = "camelCase")]
pub struct OpenApiSource {
    /// The document itself, as JSON or YAML text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub inline: Option<String>,

    /// A key of a ConfigMap in the publication's namespace that holds the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_map_ref: Option<ConfigMapSource>,

    /// An `https://` URL the controller fetches the document from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 2048))]
    #[x_kube(validation = Rule::new("self.startsWith('https://') && isURL(self)")
        .message("openapi.url must be an https:// URL"))]
    pub url: Option<String>,
}

/// A key of a ConfigMap in the same namespace.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
pub struct ConfigMapSource {
    /// Name of the ConfigMap.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
    /// Key in its `data` that holds the document.
    #[schemars(length(min = 1, max = 253))]
    pub key: String,
}

/// How a non-compliant document is treated.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Enforcement {
    /// Deny it at admission.
    #[default]
    Enforce,
    /// Admit it, with one warning per finding.
    Warn,
    /// Admit it silently; only the status records the findings.
    Audit,
}

impl Enforcement {
    pub const ALL: [Enforcement; 3] = [Enforcement::Enforce, Enforcement::Warn, Enforcement::Audit];

    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Enforce => "Enforce",
            Enforcement::Warn => "Warn",
            Enforcement::Audit => "Audit",
        }
    }
}

impl std::fmt::Display for Enforcement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Enforcement {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Enforcement::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| format!("unknown enforcement '{s}' (known: Enforce, Warn, Audit)"))
    }
}

/// One rule this API explains away until a date.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[x_kube(cel)]
pub struct Exemption {
    /// The finding code, as `adr-operator lint` prints it (`nlgov:query-keys-camel-case`).
    #[schemars(length(min = 1, max = 128))]
    pub rule: String,

    /// Why the rule is not met, and what will change (shown in reviews and the status).
    #[schemars(length(max = 1024))]
    #[x_kube(validation = Rule::new("self.trim().size() > 0")
        .message("exemptions[].reason must explain the exemption"))]
    pub reason: String,

    /// Last day (`YYYY-MM-DD`, UTC) on which the exemption applies.
    // NOTE: no `format: date` here. The API server types a string with that format as a CEL
    // timestamp, so `self` would stop being a string and the rule below would not compile there.
    #[schemars(length(min = 10, max = 10))]
    #[x_kube(validation = Rule::new("!format.date().validate(self).hasValue()")
        .message("exemptions[].expires must be a date, YYYY-MM-DD"))]
    pub expires: String,
}

/// What the controller last observed. Written only through the status subresource.
#[derive(KubeSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ApiPublicationStatus {
    /// The `metadata.generation` this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,

    /// `Ready`, `Resolved` (the document could be read) and `Compliant`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[x_kube(merge_strategy = kube::core::ListMerge::Map(vec!["type".into()]))]
    pub conditions: Vec<Condition>,

    /// The exact ruleset checked (`adr-2.2.1` when the spec says `adr-2.2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ruleset: Option<String>,

    /// The enforcement in effect, after namespace and operator defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforcement: Option<Enforcement>,

    /// `sha256:<hex>` of the document that was checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_digest: Option<String>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,

    /// The earliest `expires` (`YYYY-MM-DD`) among the exemptions that still apply: after that
    /// day the verdict can change without any edit. The controller re-checks then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_exemption_expiry: Option<String>,

    /// The first findings, in the order `adr-operator lint` prints them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<FindingStatus>,

    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_validated: Option<Time>,
}

/// Counts over all findings (not only those listed in `findings`).
#[derive(JsonSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// Error-severity findings that no valid exemption covers.
    pub errors: i32,
    pub warnings: i32,
    /// Findings covered by a valid exemption.
    pub exempted: i32,
    /// Errors under the next ADR version's ruleset (a heads-up, never enforced).
    #[serde(default)]
    pub future_errors: i32,
}

/// One finding as the status lists it.
#[derive(JsonSchema, Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FindingStatus {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adr_rule: Option<String>,
    pub severity: String,
    /// Path in the document, as `adr-operator lint` prints it (`paths./zaken.get`).
    pub path: String,
    /// 1-based line in the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<i32>,
    pub message: String,
}

/// Ruleset ids the CRD accepts: those of DESIGN's contract (plus any newer one) that this
/// engine knows. Derived from the engine so a new ruleset reaches the CRD by regenerating it.
pub fn known_rulesets() -> Vec<&'static str> {
    let contract = [
        "adr-2.0",
        "adr-2.1",
        "adr-2.2",
        "adr-2.2.0",
        "adr-2.2.1",
        "adr-draft",
    ];
    let mut ids: Vec<&'static str> = contract
        .into_iter()
        .chain(RulesetId::ALL.iter().map(|id| id.as_str()))
        .filter(|id| id.parse::<RulesetId>().is_ok())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

fn ruleset_rule() -> Rule {
    let ids = known_rulesets();
    let list = ids
        .iter()
        .map(|id| format!("'{id}'"))
        .collect::<Vec<_>>()
        .join(", ");
    Rule::new(format!("self in [{list}]")).message(Message::Message(format!(
        "ruleset must be one of {}",
        ids.join(", ")
    )))
}
