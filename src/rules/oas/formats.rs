//! The `format` checks of `ajv-formats` 2.1.1 in its default ("full") mode, which the reference
//! registers on every validator: the same regular expressions and functions, including their
//! quirks (a `date-time` without a time zone passes; `byte` is a multi-line base64 test).

use std::cell::RefCell;
use std::sync::LazyLock;

use regress::Regex;
use rustc_hash::FxHashMap;

use crate::rules::pattern::JsRegex;

/// A format name the validator knows; anything else is ignored, as `ajv` does with
/// `strict: false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Date,
    Time,
    DateTime,
    Duration,
    Uri,
    UriReference,
    UriTemplate,
    Url,
    Email,
    Hostname,
    Ipv4,
    Ipv6,
    Regex,
    Uuid,
    JsonPointer,
    JsonPointerUriFragment,
    RelativeJsonPointer,
    Byte,
    Int32,
    Int64,
    Float,
    Double,
    Password,
    Binary,
}

impl Format {
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "date" => Format::Date,
            "time" => Format::Time,
            "date-time" => Format::DateTime,
            "duration" => Format::Duration,
            "uri" => Format::Uri,
            "uri-reference" => Format::UriReference,
            "uri-template" => Format::UriTemplate,
            "url" => Format::Url,
            "email" => Format::Email,
            "hostname" => Format::Hostname,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            "regex" => Format::Regex,
            "uuid" => Format::Uuid,
            "json-pointer" => Format::JsonPointer,
            "json-pointer-uri-fragment" => Format::JsonPointerUriFragment,
            "relative-json-pointer" => Format::RelativeJsonPointer,
            "byte" => Format::Byte,
            "int32" => Format::Int32,
            "int64" => Format::Int64,
            "float" => Format::Float,
            "double" => Format::Double,
            "password" => Format::Password,
            "binary" => Format::Binary,
            _ => return None,
        })
    }

    /// Formats that apply to numbers; the others apply to strings.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            Format::Int32 | Format::Int64 | Format::Float | Format::Double
        )
    }

    /// Whether a string passes the format (string formats only).
    pub fn check_str(self, s: &str) -> bool {
        match self {
            Format::Date => date(s),
            Format::Time => time(s),
            Format::DateTime => date_time(s),
            Format::Duration => test(&DURATION, s),
            Format::Uri => uri(s),
            Format::UriReference => uri_reference(s),
            Format::UriTemplate => test(&URI_TEMPLATE, s),
            Format::Url => test(&URL, s),
            Format::Email => test(&EMAIL, s),
            Format::Hostname => test(&HOSTNAME, s),
            Format::Ipv4 => test(&IPV4, s),
            Format::Ipv6 => test(&IPV6, s),
            Format::Regex => regex(s),
            Format::Uuid => test(&UUID, s),
            Format::JsonPointer => test(&JSON_POINTER, s),
            Format::JsonPointerUriFragment => test(&JSON_POINTER_URI_FRAGMENT, s),
            Format::RelativeJsonPointer => test(&RELATIVE_JSON_POINTER, s),
            Format::Byte => test(&BYTE, s),
            Format::Password | Format::Binary => true,
            Format::Int32 | Format::Int64 | Format::Float | Format::Double => true,
        }
    }

    /// Whether a number passes the format (numeric formats only).
    pub fn check_number(self, n: f64) -> bool {
        match self {
            Format::Int32 => n.fract() == 0.0 && (-2_147_483_648.0..=2_147_483_647.0).contains(&n),
            Format::Int64 => n.is_finite() && n.fract() == 0.0,
            _ => true,
        }
    }
}

fn re(source: &str, flags: &str) -> Regex {
    Regex::with_flags(source, flags).expect("ajv-formats regular expression compiles")
}

/// A regular expression used only to test strings: on the automaton when it can be.
fn js(source: &str, flags: &str) -> JsRegex {
    JsRegex::new(source, flags).expect("ajv-formats regular expression compiles")
}

fn test(regex: &JsRegex, s: &str) -> bool {
    regex.test(s)
}

static DURATION: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^P(?!$)((\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?|(\d+W)?)$",
        "",
    )
});
static URI_REFERENCE: LazyLock<JsRegex> = LazyLock::new(|| js(URI_REFERENCE_SOURCE, "i"));
static URI_TEMPLATE: LazyLock<JsRegex> = LazyLock::new(|| js(URI_TEMPLATE_SOURCE, "i"));
static URL: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^(?:https?|ftp):\/\/(?:\S+(?::\S*)?@)?(?:(?!(?:10|127)(?:\.\d{1,3}){3})(?!(?:169\.254|192\.168)(?:\.\d{1,3}){2})(?!172\.(?:1[6-9]|2\d|3[0-1])(?:\.\d{1,3}){2})(?:[1-9]\d?|1\d\d|2[01]\d|22[0-3])(?:\.(?:1?\d{1,2}|2[0-4]\d|25[0-5])){2}(?:\.(?:[1-9]\d?|1\d\d|2[0-4]\d|25[0-4]))|(?:(?:[a-z0-9\u{00a1}-\u{ffff}]+-)*[a-z0-9\u{00a1}-\u{ffff}]+)(?:\.(?:[a-z0-9\u{00a1}-\u{ffff}]+-)*[a-z0-9\u{00a1}-\u{ffff}]+)*(?:\.(?:[a-z\u{00a1}-\u{ffff}]{2,})))(?::\d{2,5})?(?:\/[^\s]*)?$",
        "iu",
    )
});
static EMAIL: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
        "i",
    )
});
static HOSTNAME: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$",
        "i",
    )
});
static IPV4: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)$",
        "",
    )
});
static IPV6: LazyLock<JsRegex> = LazyLock::new(|| js(IPV6_SOURCE, "i"));
static UUID: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$",
        "i",
    )
});
static JSON_POINTER: LazyLock<JsRegex> = LazyLock::new(|| js(r"^(?:\/(?:[^~/]|~0|~1)*)*$", ""));
static JSON_POINTER_URI_FRAGMENT: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^#(?:\/(?:[a-z0-9_\-.!$&'()*+,;:=@]|%[0-9a-f]{2}|~0|~1)*)*$",
        "i",
    )
});
static RELATIVE_JSON_POINTER: LazyLock<JsRegex> =
    LazyLock::new(|| js(r"^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~0|~1)*)*)$", ""));
static BYTE: LazyLock<JsRegex> = LazyLock::new(|| {
    js(
        r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
        "m",
    )
});
static DATE_RE: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d\d\d\d)-(\d\d)-(\d\d)$", ""));
static TIME_RE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(\d\d):(\d\d):(\d\d)(\.\d+)?(z|[+-]\d\d(?::?\d\d)?)?$",
        "i",
    )
});
static URI_RE: LazyLock<JsRegex> = LazyLock::new(|| js(URI_SOURCE, "i"));

const IPV6_SOURCE: &str = r"^((([0-9a-f]{1,4}:){7}([0-9a-f]{1,4}|:))|(([0-9a-f]{1,4}:){6}(:[0-9a-f]{1,4}|((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){5}(((:[0-9a-f]{1,4}){1,2})|:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})|:))|(([0-9a-f]{1,4}:){4}(((:[0-9a-f]{1,4}){1,3})|((:[0-9a-f]{1,4})?:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){3}(((:[0-9a-f]{1,4}){1,4})|((:[0-9a-f]{1,4}){0,2}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){2}(((:[0-9a-f]{1,4}){1,5})|((:[0-9a-f]{1,4}){0,3}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(([0-9a-f]{1,4}:){1}(((:[0-9a-f]{1,4}){1,6})|((:[0-9a-f]{1,4}){0,4}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:))|(:(((:[0-9a-f]{1,4}){1,7})|((:[0-9a-f]{1,4}){0,5}:((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}))|:)))$";
const URI_SOURCE: &str = r"^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'()*+,;=:@]|%[0-9a-f]{2})*)*)(?:\?(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9a-f]{2})*)?$";
const URI_REFERENCE_SOURCE: &str = r#"^(?:[a-z][a-z0-9+\-.]*:)?(?:\/?\/(?:(?:[a-z0-9\-._~!$&'()*+,;=:]|%[0-9a-f]{2})*@)?(?:\[(?:(?:(?:(?:[0-9a-f]{1,4}:){6}|::(?:[0-9a-f]{1,4}:){5}|(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){4}|(?:(?:[0-9a-f]{1,4}:){0,1}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){3}|(?:(?:[0-9a-f]{1,4}:){0,2}[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4}:){2}|(?:(?:[0-9a-f]{1,4}:){0,3}[0-9a-f]{1,4})?::[0-9a-f]{1,4}:|(?:(?:[0-9a-f]{1,4}:){0,4}[0-9a-f]{1,4})?::)(?:[0-9a-f]{1,4}:[0-9a-f]{1,4}|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?))|(?:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})?::[0-9a-f]{1,4}|(?:(?:[0-9a-f]{1,4}:){0,6}[0-9a-f]{1,4})?::)|[Vv][0-9a-f]+\.[a-z0-9\-._~!$&'()*+,;=:]+)\]|(?:(?:25[0-5]|2[0-4]\d|[01]?\d\d?)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d\d?)|(?:[a-z0-9\-._~!$&'"()*+,;=]|%[0-9a-f]{2})*)(?::\d*)?(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*|\/(?:(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*)?|(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})+(?:\/(?:[a-z0-9\-._~!$&'"()*+,;=:@]|%[0-9a-f]{2})*)*)?(?:\?(?:[a-z0-9\-._~!$&'"()*+,;=:@/?]|%[0-9a-f]{2})*)?(?:#(?:[a-z0-9\-._~!$&'"()*+,;=:@/?]|%[0-9a-f]{2})*)?$"#;
const URI_TEMPLATE_SOURCE: &str = r#"^(?:(?:[^\x00-\x20"'<>%\\^`{|}]|%[0-9a-f]{2})|\{[+#./;?&=,!@|]?(?:[a-z0-9_]|%[0-9a-f]{2})+(?::[1-9][0-9]{0,3}|\*)?(?:,(?:[a-z0-9_]|%[0-9a-f]{2})+(?::[1-9][0-9]{0,3}|\*)?)*\})*$"#;

#[allow(clippy::manual_is_multiple_of)] // `is_multiple_of` is newer than the crate's MSRV
fn is_leap_year(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn date(s: &str) -> bool {
    let Some(m) = DATE_RE.find(s) else {
        return false;
    };
    let group = |i: usize| {
        m.group(i)
            .map(|r| s[r].parse::<u32>().unwrap_or(0))
            .unwrap_or(0)
    };
    let (year, month, day) = (group(1), group(2), group(3));
    const DAYS: [u32; 13] = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (1..=12).contains(&month)
        && day >= 1
        && day
            <= if month == 2 && is_leap_year(year) {
                29
            } else {
                DAYS[month as usize]
            }
}

fn time(s: &str) -> bool {
    let Some(m) = TIME_RE.find(s) else {
        return false;
    };
    let group = |i: usize| {
        m.group(i)
            .map(|r| s[r].parse::<u32>().unwrap_or(0))
            .unwrap_or(0)
    };
    let (hour, minute, second) = (group(1), group(2), group(3));
    // ajv-formats also requires a time zone for `date-time`, but compares the missing match
    // (`undefined`) with "", so the requirement never fails.
    (hour <= 23 && minute <= 59 && second <= 59) || (hour == 23 && minute == 59 && second == 60)
}

fn date_time(s: &str) -> bool {
    // `str.split(/t|\s/i)` must give exactly two parts.
    let parts: Vec<&str> = s
        .split(|c: char| c == 't' || c == 'T' || super::js::is_js_whitespace(c))
        .collect();
    parts.len() == 2 && date(parts[0]) && time(parts[1])
}

fn uri_reference(s: &str) -> bool {
    // Local `$ref`s (`#/…`) are most of the strings this format sees; after a leading `#` the
    // expression has only a fragment left to match, so this check is the whole answer.
    if let Some(fragment) = s.strip_prefix('#') {
        return made_of(fragment.as_bytes(), |c| is_tail(c, true));
    }
    surely_uri_reference(s) || test(&URI_REFERENCE, s)
}

fn uri(s: &str) -> bool {
    (s.contains('/') || s.contains(':')) && (surely_uri(s) || test(&URI_RE, s))
}

// Quick accepts for the usual shapes of URIs (`https://host/path?query#fragment`, relative
// paths, local references). The expressions are long, the regex engine backtracks through them
// for every string, and compiling one costs a small document's whole lint (~0.15 ms): these
// accept only what the expression accepts, and leave anything else to it.

/// `pchar` of the expressions besides letters, digits and `%` escapes. The uri-reference
/// expression also lets `"` into paths, queries, fragments and host names; the uri one does not.
fn is_pchar(c: u8, quote: bool) -> bool {
    c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&c) || (quote && c == b'"')
}

/// Characters of a query or a fragment besides `%` escapes: pchars, `/` and `?`.
fn is_tail(c: u8, quote: bool) -> bool {
    is_pchar(c, quote) || c == b'/' || c == b'?'
}

/// Whether `part` is made of `allowed` characters and `%` escapes (two hex digits).
fn made_of(part: &[u8], allowed: impl Fn(u8) -> bool) -> bool {
    let mut i = 0;
    while i < part.len() {
        match part[i] {
            b'%' => {
                if !(part.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && part.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
                {
                    return false;
                }
                i += 3;
            }
            c if allowed(c) => i += 1,
            _ => return false,
        }
    }
    true
}

/// `s` split into what precedes the query and fragment, and whether the query and fragment
/// (without their `?` and `#`) are made of the characters the expressions allow there.
fn hier_part(s: &str, quote: bool) -> Option<&[u8]> {
    let (before, fragment) = match s.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (s, None),
    };
    let (hier, query) = match before.split_once('?') {
        Some((hier, query)) => (hier, Some(query)),
        None => (before, None),
    };
    let tail_ok = |t: &str| {
        made_of(t.as_bytes(), |c| {
            is_pchar(c, quote) || c == b'/' || c == b'?'
        })
    };
    (query.is_none_or(tail_ok) && fragment.is_none_or(tail_ok)).then_some(hier.as_bytes())
}

/// A URI reference that is pchars and `/` not starting with `//` (then a query and fragment):
/// the expression matches it as a path without a scheme (`:` being a pchar, `https:` is a
/// first segment), relative (`pchar+(/pchar*)*`) or absolute (`/`, then the same).
fn surely_uri_reference(s: &str) -> bool {
    hier_part(s, true).is_some_and(|hier| {
        !hier.starts_with(b"//") && made_of(hier, |c| is_pchar(c, true) || c == b'/')
    })
}

/// A scheme and then either `//host[:port]` and a path, or a non-empty path not starting with
/// `//` (then a query and fragment). Host names here are the expression's `reg-name`, which
/// also matches every IPv4 address; user information (`@`) and IP literals (`[…]`) are left
/// to the expression.
fn surely_uri(s: &str) -> bool {
    let Some((scheme, rest)) = s.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme
        .as_bytes()
        .first()
        .is_some_and(u8::is_ascii_alphabetic)
        && scheme
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"+-.".contains(&c));
    let path_ok = |path: &[u8]| made_of(path, |c| is_pchar(c, false) || c == b'/');
    scheme_ok
        && hier_part(rest, false).is_some_and(|hier| match hier.strip_prefix(b"//") {
            Some(after) => {
                let (authority, path) =
                    after.split_at(after.iter().position(|&c| c == b'/').unwrap_or(after.len()));
                let (host, port) = match authority.iter().position(|&c| c == b':') {
                    Some(colon) => (&authority[..colon], &authority[colon + 1..]),
                    None => (authority, &[][..]),
                };
                made_of(host, |c| is_pchar(c, false) && c != b':' && c != b'@')
                    && port.iter().all(u8::is_ascii_digit)
                    && path_ok(path)
            }
            None => !hier.is_empty() && path_ok(hier),
        })
}

fn regex(s: &str) -> bool {
    // `/[^\\]\\Z/`: a `\Z` not preceded by a backslash.
    let b = s.as_bytes();
    if (2..b.len()).any(|i| b[i] == b'Z' && b[i - 1] == b'\\' && b[i - 2] != b'\\') {
        return false;
    }
    compiles(s)
}

/// Patterns a thread remembers the verdict of, and the longest one it keeps.
const REMEMBERED_PATTERNS: usize = 1024;
const REMEMBERED_PATTERN_LEN: usize = 512;

thread_local! {
    /// Whether a pattern compiles, by pattern. An API repeats a few patterns in many schemas, and
    /// the 3.1 schema asks this of every `pattern`; compiling one takes microseconds, looking it
    /// up nanoseconds. Bounded (cleared when full, long patterns never kept) so that hostile
    /// input cannot grow it.
    static PATTERN_COMPILES: RefCell<FxHashMap<Box<str>, bool>> = RefCell::default();
}

fn compiles(pattern: &str) -> bool {
    let compile = || super::ajv::js_regex(pattern, "").is_ok();
    if pattern.len() > REMEMBERED_PATTERN_LEN {
        return compile();
    }
    if let Some(verdict) = PATTERN_COMPILES.with_borrow(|known| known.get(pattern).copied()) {
        return verdict;
    }
    let verdict = compile();
    PATTERN_COMPILES.with_borrow_mut(|known| {
        if known.len() >= REMEMBERED_PATTERNS {
            known.clear();
        }
        known.insert(pattern.into(), verdict);
    });
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::testing::every_string;

    /// Which formats test on the automaton (their patterns are among `nfa.rs`'s tested ones)
    /// and which need the regex engine.
    #[test]
    fn formats_on_the_automaton() {
        let on_automaton = |regex: &JsRegex| matches!(regex, JsRegex::Nfa(_));
        for regex in [
            &EMAIL,
            &UUID,
            &IPV4,
            &JSON_POINTER,
            &JSON_POINTER_URI_FRAGMENT,
            &RELATIVE_JSON_POINTER,
            // Longer than 128 instructions: on the list simulation.
            &IPV6,
            // A lookahead right after `^`: a pattern of its own.
            &HOSTNAME,
            &URI_RE,
            &URI_REFERENCE,
            &URI_TEMPLATE,
        ] {
            assert!(on_automaton(regex), "{regex:?}");
        }
        // Lookahead after `^P`, the `iu` and `m` flags.
        for regex in [&DURATION, &URL, &BYTE] {
            assert!(!on_automaton(regex), "{regex:?}");
        }
    }

    /// The formats whose expressions are longer than 128 instructions run on the automaton's
    /// list simulation: each tests as regress does, on every string of up to four characters
    /// of an alphabet of their syntax and on usual shapes.
    #[test]
    fn long_format_expressions_test_as_regress() {
        const ALPHABET: &[&str] = &[
            "a", "F", "9", ":", "/", "?", "#", "@", "%", "[", "]", ".", "{", "é",
        ];
        let mut strings: Vec<String> = [
            "https://example.com/api/v1/zaken/1234?expand=true#top",
            "urn:isbn:0451450523",
            "//host:8080/path",
            "http://[2001:db8::1]/x",
            "http://[v1.fe]/",
            "http://192.168.0.1:80/",
            "2001:db8:85a3::8a2e:370:7334",
            "::ffff:192.168.1.1",
            "1:2:3:4:5:6:7:8",
            "1::2::3",
            "https://x.nl/api/{id}/x{?a,b}",
            "{+path:12}/here",
            "mailto:a@b.nl",
        ]
        .map(String::from)
        .to_vec();
        strings.extend(every_string(ALPHABET, 4));
        for (regex, source) in [
            (&IPV6, IPV6_SOURCE),
            (&URI_RE, URI_SOURCE),
            (&URI_REFERENCE, URI_REFERENCE_SOURCE),
            (&URI_TEMPLATE, URI_TEMPLATE_SOURCE),
        ] {
            let reference = re(source, "i");
            for s in &strings {
                let expected = reference.find(s).is_some();
                assert_eq!(test(regex, s), expected, "/{source}/i on {s:?}");
            }
        }
    }

    #[test]
    fn uri_reference_fragments_as_the_regex() {
        for s in [
            "#",
            "#/components/schemas/Pet",
            "#/paths/~1pets~1{id}",
            "#/a%2Fb",
            "#/a%2",
            "#/a%zz",
            "#/ä",
            "#a#b",
            "#/a b",
            "#/A-Z._~!$&'\"()*+,;=:@/?",
            "#/a\\b",
            "#/a[0]",
        ] {
            assert_eq!(uri_reference(s), test(&URI_REFERENCE, s), "{s:?}");
        }
    }

    /// The quick accepts never accept what the expressions reject, on every string of up to
    /// five characters of an alphabet that exercises each part of them (and on longer ones
    /// built from it), and they do accept the usual shapes.
    #[test]
    fn quick_uri_accepts_are_what_the_expressions_accept() {
        const ALPHABET: &[&str] = &[
            "a", "9", ":", "/", "?", "#", "@", "%", "\"", "[", "]", "F", ".", " ",
        ];
        let mut strings = every_string(ALPHABET, 5);
        for stem in ["http://h", "x:/", "//h", "./a", "a"] {
            for tail in [
                "", ":80/p", ":8a", "@h/", "/%41?q#f", "#f#g", "?a/?b", "/\"q", ":/p",
            ] {
                strings.push(format!("{stem}{tail}"));
            }
        }
        let (mut uris, mut references) = (0, 0);
        for s in &strings {
            if surely_uri(s) {
                uris += 1;
                assert!(test(&URI_RE, s), "uri {s:?}");
            }
            if surely_uri_reference(s) {
                references += 1;
                assert!(test(&URI_REFERENCE, s), "uri-reference {s:?}");
            }
            if s.starts_with('#') {
                assert_eq!(uri_reference(s), test(&URI_REFERENCE, s), "{s:?}");
            }
        }
        assert!(uris > 1000 && references > 1000, "{uris} {references}");
        for usual in [
            "https://example.com/a?b#c",
            "http://localhost:8080/api/v1",
            "https://www.overheid.nl",
            "mailto:a",
            "urn:isbn:0451450523",
        ] {
            assert!(surely_uri(usual), "{usual}");
            assert!(surely_uri_reference(usual), "{usual}");
        }
        for usual in ["./schemas.yaml#/Pet", "/api/v1", "common.json", "#/a/b"] {
            assert!(surely_uri_reference(usual), "{usual}");
        }
    }

    #[test]
    fn formats_as_ajv_formats() {
        assert!(!Format::Uri.check_str("not a uri"));
        assert!(!Format::Uri.check_str("urn"));
        assert!(Format::Uri.check_str("https://example.com/a?b#c"));
        assert!(Format::UriReference.check_str("#/components/schemas/A"));
        assert!(Format::DateTime.check_str("2020-01-01T00:00:00"));
        assert!(!Format::DateTime.check_str("2020-02-30T00:00:00Z"));
        assert!(Format::Date.check_str("2020-02-29"));
        assert!(!Format::Date.check_str("2021-02-29"));
        assert!(!Format::Byte.check_str("abc"));
        assert!(Format::Byte.check_str("abc\n"));
        assert!(Format::Byte.check_str("YWJj"));
        assert!(!Format::Int32.check_number(3_000_000_000.0));
        assert!(Format::Email.check_str("a@b.nl"));
        assert!(!Format::Regex.check_str("("));
        assert!(!Format::Regex.check_str("a\\Z"));
    }

    #[test]
    fn remembered_pattern_verdicts_stay_right_and_bounded() {
        let patterns: Vec<String> = (0..REMEMBERED_PATTERNS + 100)
            .map(|i| {
                if i % 3 == 0 {
                    format!("({i}")
                } else {
                    format!("^a{{{i}}}$")
                }
            })
            .collect();
        for _ in 0..2 {
            for (i, pattern) in patterns.iter().enumerate() {
                assert_eq!(Format::Regex.check_str(pattern), i % 3 != 0, "{pattern}");
            }
        }
        assert!(PATTERN_COMPILES.with_borrow(|known| known.len()) <= REMEMBERED_PATTERNS);
        let long = format!("({}", "a".repeat(REMEMBERED_PATTERN_LEN));
        assert!(!Format::Regex.check_str(&long));
        assert!(PATTERN_COMPILES.with_borrow(|known| !known.contains_key(long.as_str())));
    }
}
