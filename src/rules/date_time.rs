//! `nlgov:date-time-ensure-timezone`, `nlgov:time-without-timezone` — `/core/date-time/format`
//! (filed under `/core/date-time/timezone` by the official configuration) — and
//! `nlgov:specify-format-for-date-and-time`, `nlgov:use-date-instead-of-datetime` —
//! `/core/date-time/date-omit-time-portion`.

use std::sync::LazyLock;

use super::pattern::JsPattern;
use super::selections::Selections;
use super::walk::{report_node, walk, Place};
use super::{Check, Sink};
use crate::document::{Document, Value};

/// The official name filter `@property.match(/((\w+D)|(_[dD]))((ate)|(atum))/)`: unanchored and
/// case-sensitive, so `geboorteDatum`, `birthDate`, `expiration_date` and `validDates` match but
/// `geboortedatum` and `Date` do not.
static DATE_NAME: LazyLock<JsPattern> =
    LazyLock::new(|| JsPattern::new(r"((\w+D)|(_[dD]))((ate)|(atum))"));

/// Whether a key of a `properties` map names a date: the official selectors
/// `$..properties[date,datum]` and `$..properties[?(@property && @property.match(…))]`.
fn is_date_name(key: &str) -> bool {
    // Every match of the filter contains `Dat` or `_dat`: a cheap test first.
    key == "date"
        || key == "datum"
        || ((key.contains("Dat") || key.contains("_dat")) && DATE_NAME.test(key))
}

/// Calls `each` with every `properties` node of the resolved document (`$..properties`, any
/// depth; also keys named `properties` that are not schema keywords, as the reference does).
fn properties_nodes(doc: &Document, mut each: impl FnMut(Place)) {
    for &place in &doc.shared(Selections::collect).properties {
        each(place);
    }
}

/// The `format` of a property must not be the forbidden value: `date-time-local`
/// (`nlgov:date-time-ensure-timezone`) or `time` (`nlgov:time-without-timezone`). Official
/// selector `$..properties[*].format` with `pattern` `notMatch: "/^<forbidden>$/"`: every child
/// of any `properties` node at any depth of the resolved document; a `format` that is not a
/// string is skipped. Reported at the `format` value.
#[derive(Debug)]
pub struct DateTimeFormat {
    pub forbidden: &'static str,
}

impl Check for DateTimeFormat {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        properties_nodes(doc, |properties| {
            for (_, property) in properties.children(doc) {
                let Some(format) = property.field(doc, "format") else {
                    continue;
                };
                if doc.as_str(format.node) == Some(self.forbidden) {
                    sink.node(format.report(doc));
                }
            }
        });
    }
}

/// A date-named property (see [`is_date_name`]) must set `format`, directly or in each of its
/// `allOf` members. Official selectors as in [`is_date_name`] with a `schema` check
/// `anyOf: [{required: [format]}, {properties: {allOf: {type: array, items: {required: [format]}}},
/// required: [allOf]}]`. Reproduced behaviour of the reference:
/// - any property with such a name is checked, also object-typed ones (BRP's `datum` objects
///   with the polymorphic `AbstractDatum` schema fail); non-object values pass (`required`
///   ignores them);
/// - the failure is reported at the property, and a second time where the `allOf` branch
///   failed below it: at `allOf` when it is not an array, at the first `allOf` member without
///   `format` otherwise (the reference reports each path of the schema errors).
#[derive(Debug)]
pub struct DateFieldFormat;

impl DateFieldFormat {
    fn inspect(doc: &Document, property: Place, sink: &mut Sink) {
        if !doc.is_object(property.node) || property.field(doc, "format").is_some() {
            return;
        }
        let deeper = match property.field(doc, "allOf") {
            None => None,
            Some(all_of) => match doc.value(all_of.node) {
                Value::Array(_) => match all_of
                    .children(doc)
                    .map(|(_, m)| m)
                    .find(|m| doc.is_object(m.node) && m.field(doc, "format").is_none())
                {
                    Some(member) => Some(member),
                    None => return,
                },
                _ => Some(all_of),
            },
        };
        sink.node(property.report(doc));
        if let Some(place) = deeper {
            sink.node(place.report(doc));
        }
    }
}

impl Check for DateFieldFormat {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        properties_nodes(doc, |properties| {
            for (name, property) in properties.children(doc) {
                if name.is_some_and(is_date_name) {
                    Self::inspect(doc, property, sink);
                }
            }
        });
    }
}

/// No `format: date-time` anywhere below a date-named property. Official selectors
/// `$..properties[date,datum]..format` and `$..properties[?(…date name…)]..format` with
/// `pattern` `notMatch: "/^date-time$/"`: every key `format` at any depth below the property
/// in the resolved document (so also in `items`, `allOf` members and referenced schemas, which
/// are reported where they are defined). Reported at the `format` value.
#[derive(Debug)]
pub struct DateTimeInsteadOfDate;

impl Check for DateTimeInsteadOfDate {
    fn check(&self, doc: &Document, sink: &mut Sink) {
        properties_nodes(doc, |properties| {
            for (name, property) in properties.children(doc) {
                let Some(name) = name.filter(|n| is_date_name(n)) else {
                    continue;
                };
                walk(
                    doc,
                    property.phys,
                    Some(name),
                    property.parent_physical,
                    |v| {
                        if v.key == Some("format") && doc.as_str(v.node) == Some("date-time") {
                            sink.node(report_node(doc, v.phys, *v.state));
                        }
                        Some(*v.state && v.phys == v.node)
                    },
                );
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::run;

    const DOC: &str = r##"{"paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
          "date-time-local": {"type": "string", "format": "date-time-local"},
          "timestamp": {"type": "string", "format": "time"},
          "date": {"type": "string", "format": "date-time"},
          "datum": {"$ref": "#/components/schemas/LocalDateTime"},
          "geboorteDatum": {"type": "string", "format": "date"},
          "geboortedatum": {"type": "string"},
          "expiration_Date": {"type": "array", "items": {"type": "string", "format": "date-time"}},
          "missingFormatDate": {"type": "string"},
          "startDate": {"allOf": [{"$ref": "#/components/schemas/Day"}, {"description": "x"}]},
          "endDate": {"allOf": {"format": "date"}},
          "validDate": {"allOf": [{"format": "date"}, "text"]},
          "Date": {"type": "string"},
          "list": [{"format": "time"}]}}}}}}}}},
      "components": {"schemas": {
        "LocalDateTime": {"type": "string", "format": "date-time"},
        "Day": {"type": "string", "format": "date"},
        "Period": {"properties": [{"format": "time"}]},
        "Local": {"properties": [{"format": "date-time-local"}]}}}}"##;

    const PROPS: &str = "paths./a.get.responses.200.content.application/json.schema.properties";

    fn under(paths: &[&str]) -> Vec<String> {
        paths
            .iter()
            .map(|p| match p.strip_prefix('.') {
                Some(rest) => format!("{PROPS}.{rest}"),
                None => p.to_string(),
            })
            .collect()
    }

    #[test]
    fn date_time_ensure_timezone() {
        let rule = DateTimeFormat {
            forbidden: "date-time-local",
        };
        assert_eq!(
            run(&rule, DOC),
            under(&[
                ".date-time-local.format",
                "components.schemas.Local.properties.0.format"
            ])
        );
    }

    #[test]
    fn time_without_timezone() {
        let rule = DateTimeFormat { forbidden: "time" };
        assert_eq!(
            run(&rule, DOC),
            under(&[
                ".timestamp.format",
                "components.schemas.Period.properties.0.format"
            ])
        );
    }

    #[test]
    fn specify_format_for_date_and_time() {
        assert_eq!(
            run(&DateFieldFormat, DOC),
            under(&[
                ".expiration_Date",
                ".missingFormatDate",
                ".startDate",
                ".startDate.allOf.1",
                ".endDate",
                ".endDate.allOf",
            ])
        );
    }

    #[test]
    fn use_date_instead_of_datetime() {
        assert_eq!(
            run(&DateTimeInsteadOfDate, DOC),
            under(&[
                ".date.format",
                "components.schemas.LocalDateTime.format",
                ".expiration_Date.items.format"
            ])
        );
    }

    #[test]
    fn sibling_refs_keep_their_place_on_physical_paths() {
        // As BRP's `datum: {$ref: AbstractDatum, description: …}`: reported at the reference
        // object where the component is linted in place, at the target where it is reached
        // through another reference.
        let doc = r##"{"paths": {"/a": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/Geboorte"}}}}}}}},
          "components": {"schemas": {
            "Geboorte": {"properties": {
              "datum": {"$ref": "#/components/schemas/AbstractDatum", "description": "x"}}},
            "AbstractDatum": {"type": "object", "properties": {"type": {"type": "string"}}}}}}"##;
        assert_eq!(
            run(&DateFieldFormat, doc),
            [
                "components.schemas.AbstractDatum",
                "components.schemas.Geboorte.properties.datum",
            ]
        );
    }
}
