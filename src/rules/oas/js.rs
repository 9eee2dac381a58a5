//! JavaScript semantics the reference relies on: property order, `String()`/`JSON.stringify`
//! printing, Spectral's path printing, `leven`, `encodeURI`, `String.prototype.replace` and a
//! WHATWG `new URL()` validity check, and the keys `in` finds on every object.

use crate::document::{js_number, NodeId, Segment, Tree, Value};

/// The keys every plain JavaScript object inherits from `Object.prototype`: `name in object`
/// finds them on any object parsed from a document.
pub const OBJECT_PROTOTYPE_KEYS: [&str; 12] = [
    "constructor",
    "__defineGetter__",
    "__defineSetter__",
    "hasOwnProperty",
    "__lookupGetter__",
    "__lookupSetter__",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toString",
    "valueOf",
    "__proto__",
    "toLocaleString",
];

/// Whether `key` is an array index as JavaScript property ordering sees it: a canonical decimal
/// integer below 2^32 - 1.
pub fn is_array_index(key: &str) -> bool {
    let b = key.as_bytes();
    if b.is_empty() || b.len() > 10 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    if b.len() > 1 && b[0] == b'0' {
        return false;
    }
    key.parse::<u64>().is_ok_and(|n| n < 4_294_967_295)
}

/// The positions of `entries` in JavaScript's key order (`Object.keys`: array-index keys
/// first, ascending, then the others in insertion order); `None` when that is their order.
pub fn key_order(entries: &[(Box<str>, NodeId)]) -> Option<Vec<usize>> {
    if !entries.iter().any(|(k, _)| is_array_index(k)) {
        return None;
    }
    let (mut index, other): (Vec<usize>, Vec<usize>) =
        (0..entries.len()).partition(|&i| is_array_index(&entries[i].0));
    index.sort_by_key(|&i| entries[i].0.parse::<u64>().unwrap_or(0));
    index.extend(other);
    Some(index)
}

/// The entries of an object in JavaScript property order (`Object.keys`, `for…in`): array-index
/// keys first in ascending numeric order, then the other keys in insertion order. The parser has
/// already merged duplicate keys the way JavaScript object construction does.
pub fn ordered(entries: &[(Box<str>, NodeId)]) -> std::borrow::Cow<'_, [(Box<str>, NodeId)]> {
    match key_order(entries) {
        None => std::borrow::Cow::Borrowed(entries),
        Some(order) => order.into_iter().map(|i| entries[i].clone()).collect(),
    }
}

/// `JSON.stringify` of a number (non-finite numbers print as `null`).
pub fn json_number(n: f64) -> String {
    if n.is_finite() {
        js_number(n)
    } else {
        "null".into()
    }
}

/// `JSON.stringify` of a string.
pub fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// JavaScript `String(value)` of a node.
pub fn js_string(tree: &Tree, id: NodeId) -> String {
    match tree.value(id) {
        Value::Array(items) => items
            .iter()
            .map(|&i| match tree.value(i) {
                Value::Null => String::new(),
                _ => js_string(tree, i),
            })
            .collect::<Vec<_>>()
            .join(","),
        Value::Number(n) => js_number(*n),
        v => crate::document::js_string(v),
    }
}

/// Spectral's `printPath(path, PrintStyle.Dot)`.
pub fn print_path_dot(path: &[Segment]) -> String {
    let mut out = String::new();
    for (i, seg) in path.iter().enumerate() {
        let text = seg.to_string();
        let bracket = match seg {
            Segment::Index(n) => Some(format!("[{n}]")),
            Segment::Key(k) if k.is_empty() => Some("['']".to_string()),
            Segment::Key(k) if k.chars().any(is_js_whitespace) => Some(format!("['{k}']")),
            Segment::Key(k) if is_js_numeric(k) => Some(format!("[{k}]")),
            _ => None,
        };
        match bracket {
            Some(b) => out.push_str(&b),
            None => {
                if i > 0 {
                    out.push('.');
                }
                out.push_str(&text);
            }
        }
    }
    // `decodePointerFragment` on the result.
    out.replace("~1", "/").replace("~0", "~")
}

/// JavaScript `/\s/`.
pub fn is_js_whitespace(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// `!Number.isNaN(Number(s))` for a string.
fn is_js_numeric(s: &str) -> bool {
    !js_to_number(s).is_nan()
}

/// JavaScript's `Number(s)` for a string: white space trimmed, `""` is 0, `0x`/`0o`/`0b`
/// integers, `Infinity` with an optional sign, decimal literals; anything else is `NaN`.
pub fn js_to_number(s: &str) -> f64 {
    let t = s.trim_matches(is_js_whitespace);
    if t.is_empty() {
        return 0.0;
    }
    let lower = t.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            if rest.is_empty() || !rest.chars().all(|c| c.is_digit(radix)) {
                return f64::NAN;
            }
            return rest.chars().fold(0.0, |n, c| {
                n * f64::from(radix) + f64::from(c.to_digit(radix).unwrap_or(0))
            });
        }
    }
    let (negative, unsigned) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    if unsigned == "Infinity" {
        return sign * f64::INFINITY;
    }
    // A decimal literal: digits with an optional fraction (either side of the point may be
    // empty, not both) and an optional exponent. Rust's parser would also take `inf`, `NaN`.
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = |d: &str| d.chars().all(|c| c.is_ascii_digit());
    let mantissa_ok = digits(int) && digits(frac) && !(int.is_empty() && frac.is_empty());
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if !(mantissa_ok && exponent_ok) {
        return f64::NAN;
    }
    unsigned.parse::<f64>().map_or(f64::NAN, |n| sign * n)
}

/// `leven(a, b)`: Levenshtein distance over UTF-16 code units.
pub fn leven(a: &str, b: &str) -> usize {
    let a: Vec<u16> = a.encode_utf16().collect();
    let b: Vec<u16> = b.encode_utf16().collect();
    if a.is_empty() {
        return b.len();
    }
    if b.is_empty() {
        return a.len();
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The closest of `allowed` to `value` as Spectral picks a "Did you mean" suggestion.
pub fn best_match<'a>(value: &str, allowed: &[&'a str], allowed_len: usize) -> Option<&'a str> {
    let mut best: Option<(&str, usize)> = None;
    for candidate in allowed {
        let weight = leven(candidate, value);
        if best.is_none_or(|(_, w)| weight < w) {
            best = Some((candidate, weight));
        }
    }
    let (value, weight) = best?;
    (allowed_len == 1 || weight < value.encode_utf16().count()).then_some(value)
}

/// `encodeURI(s)`.
pub fn encode_uri(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() || ";,/?:@&=+$-_.!~*'()#".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// `s.replace(/<literal>/g, replacement)`: every occurrence of `needle`, with the `$` patterns
/// of a replacement string (the regex has no capture groups).
pub fn replace_all_js(s: &str, needle: &str, replacement: &str) -> String {
    if needle.is_empty() {
        return s.to_string();
    }
    let mut out = String::new();
    let mut last = 0;
    for (at, _) in s.match_indices(needle) {
        out.push_str(&s[last..at]);
        let end = at + needle.len();
        let mut chars = replacement.char_indices().peekable();
        while let Some((_, c)) = chars.next() {
            if c != '$' {
                out.push(c);
                continue;
            }
            match chars.peek().map(|&(_, c)| c) {
                Some('$') => {
                    out.push('$');
                    chars.next();
                }
                Some('&') => {
                    out.push_str(needle);
                    chars.next();
                }
                Some('`') => {
                    out.push_str(&s[..at]);
                    chars.next();
                }
                Some('\'') => {
                    out.push_str(&s[end..]);
                    chars.next();
                }
                _ => out.push('$'),
            }
        }
        last = end;
    }
    out.push_str(&s[last..]);
    out
}

/// Whether WHATWG `new URL(s)` (no base) accepts `s`: an absolute URL with a valid scheme and,
/// for the special schemes, a valid host and port.
pub fn is_valid_url(input: &str) -> bool {
    let trimmed = input.trim_matches(|c: char| c <= ' ');
    let s: String = trimmed
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s[..colon];
    let mut sc = scheme.chars();
    if !sc.next().is_some_and(|c| c.is_ascii_alphabetic())
        || !sc.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        return false;
    }
    let scheme = scheme.to_ascii_lowercase();
    let rest = &s[colon + 1..];
    let special = matches!(
        scheme.as_str(),
        "http" | "https" | "ws" | "wss" | "ftp" | "file"
    );
    if !special {
        // Opaque or hierarchical non-special URL: only an authority can be invalid.
        return match rest.strip_prefix("//") {
            Some(after) => {
                let end = after.find(['/', '?', '#']).unwrap_or(after.len());
                valid_authority(&after[..end], false)
            }
            None => true,
        };
    }
    let after = rest.trim_start_matches(['/', '\\']);
    if scheme == "file" {
        let end = after.find(['/', '\\', '?', '#']).unwrap_or(after.len());
        let host = &after[..end];
        return host.is_empty() || valid_host(host, true) || is_windows_drive(host);
    }
    let end = after.find(['/', '\\', '?', '#']).unwrap_or(after.len());
    valid_authority(&after[..end], true)
}

fn is_windows_drive(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 2 && b[0].is_ascii_alphabetic() && (b[1] == b':' || b[1] == b'|')
}

fn valid_authority(authority: &str, special: bool) -> bool {
    let host_port = match authority.rfind('@') {
        Some(at) => &authority[at + 1..],
        None => authority,
    };
    let (host, port) = if host_port.starts_with('[') {
        match host_port.find(']') {
            Some(end) => {
                let rest = &host_port[end + 1..];
                if !rest.is_empty() && !rest.starts_with(':') {
                    return false;
                }
                (&host_port[..=end], rest.strip_prefix(':'))
            }
            None => return false,
        }
    } else {
        match host_port.rfind(':') {
            Some(c) => (&host_port[..c], Some(&host_port[c + 1..])),
            None => (host_port, None),
        }
    };
    if let Some(port) = port {
        if !port.chars().all(|c| c.is_ascii_digit()) {
            return false;
        }
        if !port.is_empty() && port.parse::<u64>().map_or(true, |p| p > 65535) {
            return false;
        }
    }
    if host.is_empty() {
        return !special && port.is_none_or(str::is_empty);
    }
    valid_host(host, special)
}

fn valid_host(host: &str, special: bool) -> bool {
    if let Some(inner) = host.strip_prefix('[') {
        return inner
            .strip_suffix(']')
            .is_some_and(|v6| v6.parse::<std::net::Ipv6Addr>().is_ok());
    }
    if !special {
        return !host.chars().any(|c| {
            matches!(
                c,
                '\0' | '\t'
                    | '\n'
                    | '\r'
                    | ' '
                    | '#'
                    | '/'
                    | ':'
                    | '<'
                    | '>'
                    | '?'
                    | '@'
                    | '['
                    | '\\'
                    | ']'
                    | '^'
                    | '|'
            )
        });
    }
    let decoded = percent_decode(host);
    let forbidden = |c: char| {
        c <= '\u{1f}'
            || c == '\u{7f}'
            || matches!(
                c,
                ' ' | '#' | '%' | '/' | ':' | '<' | '>' | '?' | '@' | '[' | '\\' | ']' | '^' | '|'
            )
    };
    if decoded.chars().any(forbidden) || decoded.is_empty() {
        return false;
    }
    let lower = decoded.to_lowercase();
    // A host whose last label is numeric is parsed as IPv4 and must be a valid address.
    let labels: Vec<&str> = lower.trim_end_matches('.').split('.').collect();
    let last = labels.last().copied().unwrap_or("");
    let numeric = |l: &str| {
        !l.is_empty()
            && (l.chars().all(|c| c.is_ascii_digit())
                || l.strip_prefix("0x")
                    .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit())))
    };
    if numeric(last) {
        return parse_ipv4(&lower);
    }
    true
}

fn parse_ipv4(host: &str) -> bool {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.len() > 4 || parts.iter().any(|p| p.is_empty()) {
        return false;
    }
    let mut numbers = Vec::new();
    for p in &parts {
        let n = if let Some(hex) = p.strip_prefix("0x") {
            if hex.is_empty() {
                Some(0)
            } else {
                u64::from_str_radix(hex, 16).ok()
            }
        } else if p.len() > 1 && p.starts_with('0') {
            u64::from_str_radix(&p[1..], 8).ok()
        } else {
            p.parse::<u64>().ok()
        };
        match n {
            Some(n) => numbers.push(n),
            None => return false,
        }
    }
    let (last, init) = numbers.split_last().expect("at least one part");
    if init.iter().any(|&n| n > 255) {
        return false;
    }
    *last < 256u64.pow(5 - numbers.len() as u32)
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (
                (bytes[i + 1] as char).to_digit(16),
                (bytes[i + 2] as char).to_digit(16),
            ) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_validity() {
        assert!(is_valid_url("https://x.example/v1"));
        assert!(is_valid_url("https://x.x/{ver}/x"));
        assert!(is_valid_url("http://localhost:8080"));
        assert!(is_valid_url("urn:isbn:123"));
        assert!(!is_valid_url("/rel/a"));
        assert!(!is_valid_url("https://"));
        assert!(!is_valid_url("https://a b/"));
        assert!(!is_valid_url("http://x:99999/"));
        assert!(!is_valid_url("http://1.2.3.256/"));
        assert!(is_valid_url("http://[::1]:80/"));
    }

    #[test]
    fn printing() {
        assert_eq!(js_number(1e21), "1e+21");
        assert_eq!(js_number(0.5), "0.5");
        assert_eq!(js_number(3.0), "3");
        assert_eq!(
            print_path_dot(&[Segment::Key("one".into()), Segment::Key("value".into())]),
            "one.value"
        );
        assert_eq!(
            print_path_dot(&[Segment::Key("1".into()), Segment::Key("value".into())]),
            "[1].value"
        );
        assert_eq!(leven("abd", "abc"), 1);
        assert_eq!(replace_all_js("a{x}b{x}", "{x}", "$&!"), "a{x}!b{x}!");
        assert_eq!(encode_uri("a b/é"), "a%20b/%C3%A9");
    }
}
