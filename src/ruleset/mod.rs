//! ADR versions: which rules run, under which code, severity and message — transcribed from the
//! official linter configuration of each version: Logius's `media/linter.yaml` (2.1.0 and later)
//! and developer.overheid.nl's hosted ruleset (2.0).
//!
//! One file per family of configurations: [`adr20_21`] (2.0 and 2.1.0, which switch on every
//! recommended `spectral:oas` rule, listed in [`spectral_oas`]) and [`adr22`] (2.2.0, 2.2.1, draft).

mod adr20_21;
mod adr22;
mod spectral_oas;

use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use crate::lint::Severity;
use crate::rules::*;

/// Which documents a rule runs on (the reference's `formats`; rules without are run on all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    All,
    Oas2,
    Oas3,
    Oas2Or3,
    /// Swagger 2.0 and OpenAPI 3.0.x (`no-$ref-siblings`: later versions allow siblings).
    Oas2Or3_0,
    /// OpenAPI 3.1.x and 3.2.x (webhooks).
    Oas3_1Or3_2,
    Oas3_2,
}

/// One rule as a ruleset switches it on.
#[derive(Debug)]
pub struct RuleEntry {
    /// The code findings carry (`nlgov:missing-header`, `oas3-schema`, …).
    pub code: &'static str,
    pub severity: Severity,
    /// Message template (`{{value}}`, `{{property}}`, `{{error}}`, `{{path}}`).
    pub message: &'static str,
    /// The ADR rule it enforces, where the official configuration says so.
    pub adr_rule: Option<&'static str>,
    pub documentation_url: Option<&'static str>,
    pub applies: Applies,
    pub check: Box<dyn Check>,
}

/// The ADR versions the engine knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RulesetId {
    Adr20,
    Adr21,
    Adr220,
    Adr221,
    AdrDraft,
}

impl RulesetId {
    pub const ALL: [RulesetId; 5] = [
        RulesetId::Adr20,
        RulesetId::Adr21,
        RulesetId::Adr220,
        RulesetId::Adr221,
        RulesetId::AdrDraft,
    ];

    /// The current final version, used when none is asked for.
    pub const LATEST: RulesetId = RulesetId::Adr221;

    pub fn as_str(self) -> &'static str {
        match self {
            RulesetId::Adr20 => "adr-2.0",
            RulesetId::Adr21 => "adr-2.1",
            RulesetId::Adr220 => "adr-2.2.0",
            RulesetId::Adr221 => "adr-2.2.1",
            RulesetId::AdrDraft => "adr-draft",
        }
    }

    /// The version as people name it: "ADR 2.1.0", "the ADR draft".
    pub fn title(self) -> &'static str {
        match self {
            RulesetId::Adr20 => "ADR 2.0",
            RulesetId::Adr21 => "ADR 2.1.0",
            RulesetId::Adr220 => "ADR 2.2.0",
            RulesetId::Adr221 => "ADR 2.2.1",
            RulesetId::AdrDraft => "the ADR draft",
        }
    }

    /// Where the official configuration this ruleset transcribes is published.
    pub fn origin(self) -> &'static str {
        match self {
            RulesetId::Adr20 => {
                "developer.overheid.nl static/adr/ruleset.yaml, final version (don-static b9342c5^)"
            }
            RulesetId::Adr21 => {
                "https://gitdocumentatie.logius.nl/publicatie/api/adr/2.1.0/media/linter.yaml"
            }
            RulesetId::Adr220 => {
                "https://gitdocumentatie.logius.nl/publicatie/api/adr/2.2.0/media/linter.yaml"
            }
            RulesetId::Adr221 => {
                "https://gitdocumentatie.logius.nl/publicatie/api/adr/2.2.1/media/linter.yaml"
            }
            RulesetId::AdrDraft => {
                "Logius-standaarden/API-Design-Rules develop@6edd13c (2026-05-18) media/linter.yaml"
            }
        }
    }

    /// The ruleset, built at its first use in the process (building compiles its patterns)
    /// and shared from then on: a lint's helper thread runs rules of it after the lint that
    /// handed them over may have returned.
    pub fn ruleset(self) -> &'static Ruleset {
        static BUILT: [OnceLock<Ruleset>; RulesetId::ALL.len()] =
            [const { OnceLock::new() }; RulesetId::ALL.len()];
        BUILT[self as usize].get_or_init(|| self.build())
    }

    fn build(self) -> Ruleset {
        let mut entries = Entries::default();
        match self {
            RulesetId::Adr20 | RulesetId::Adr21 => adr20_21::build(self, &mut entries),
            RulesetId::Adr220 | RulesetId::Adr221 | RulesetId::AdrDraft => {
                adr22::build(self, &mut entries)
            }
        }
        Ruleset {
            id: self,
            entries: entries.0,
        }
    }

    /// The version whose errors `--future` previews: the next published one (2.2.x → draft).
    pub fn next(self) -> Option<RulesetId> {
        match self {
            RulesetId::Adr20 => Some(RulesetId::Adr21),
            RulesetId::Adr21 | RulesetId::Adr220 => Some(RulesetId::Adr221),
            RulesetId::Adr221 => Some(RulesetId::AdrDraft),
            RulesetId::AdrDraft => None,
        }
    }
}

impl fmt::Display for RulesetId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RulesetId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "adr-2.0" => Ok(RulesetId::Adr20),
            "adr-2.1" | "adr-2.1.0" => Ok(RulesetId::Adr21),
            "adr-2.2.0" => Ok(RulesetId::Adr220),
            "adr-2.2.1" | "adr-2.2" => Ok(RulesetId::Adr221),
            "adr-draft" => Ok(RulesetId::AdrDraft),
            other => Err(format!(
                "unknown ruleset '{other}' (known: adr-2.0, adr-2.1 = adr-2.1.0, adr-2.2.0, adr-2.2.1, adr-2.2 = adr-2.2.1, adr-draft)"
            )),
        }
    }
}

/// The rules of one ADR version.
#[derive(Debug)]
pub struct Ruleset {
    pub id: RulesetId,
    entries: Vec<RuleEntry>,
}

impl Ruleset {
    /// The ruleset a publication names (`spec.ruleset`), or `default` when it names none.
    pub fn named(name: Option<&str>, default: RulesetId) -> Result<&'static Ruleset, String> {
        Ok(name.map_or(Ok(default), str::parse::<RulesetId>)?.ruleset())
    }

    pub fn entries(&self) -> &[RuleEntry] {
        &self.entries
    }

    pub fn entry(&self, code: &str) -> Option<&RuleEntry> {
        self.entries.iter().find(|e| e.code == code)
    }
}

/// The entries a ruleset is built from, in configuration order.
#[derive(Default)]
struct Entries(Vec<RuleEntry>);

impl Entries {
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        code: &'static str,
        severity: Severity,
        message: &'static str,
        adr_rule: Option<&'static str>,
        documentation_url: Option<&'static str>,
        applies: Applies,
        check: Box<dyn Check>,
    ) {
        self.0.push(RuleEntry {
            code,
            severity,
            message,
            adr_rule,
            documentation_url,
            applies,
            check,
        });
    }

    /// Switches on the recommended `spectral:oas` rules `picks` (code, ADR rule), in that order,
    /// at `severity`.
    fn enable_oas(&mut self, severity: Severity, picks: &[(&str, Option<&'static str>)]) {
        let mut recommended = spectral_oas::recommended();
        for &(code, adr_rule) in picks {
            let at = recommended
                .iter()
                .position(|r| r.code == code)
                .unwrap_or_else(|| panic!("{code} is not a recommended spectral:oas rule"));
            let mut entry = recommended.swap_remove(at);
            entry.severity = severity;
            entry.adr_rule = adr_rule;
            self.0.push(entry);
        }
    }

    /// Every recommended `spectral:oas` rule at its default severity (`extends: spectral:oas`).
    fn extend_oas(&mut self) {
        self.0.extend(spectral_oas::recommended());
    }

    /// The configuration's override of an inherited rule (`info-contact: error`).
    fn get_mut(&mut self, code: &str) -> &mut RuleEntry {
        self.0
            .iter_mut()
            .find(|e| e.code == code)
            .unwrap_or_else(|| panic!("ruleset overrides unknown rule {code}"))
    }
}

/// `https://developer.overheid.nl/kennisbank/apis/api-design-rules/hoe-te-voldoen/<slug>`.
macro_rules! docs {
    ($slug:literal) => {
        Some(concat!(
            "https://developer.overheid.nl/kennisbank/apis/api-design-rules/hoe-te-voldoen/",
            $slug
        ))
    };
}
use docs;
