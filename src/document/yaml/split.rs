//! Where to cut a YAML document, so that two threads can load it.
//!
//! A [`Split`] is a run of entries of one block mapping, from a line to the end of that mapping:
//! the helper thread loads those entries ([`super::fast::FastEvents::only`]), and those of a
//! second split after it, while the lint's own thread loads everything else
//! ([`super::fast::FastEvents::all_but`]), and the loader puts them where they belong. The plan
//! is a guess from indentation alone; the producers check it as they read, and anything that
//! does not line up makes the load start over on one thread.

/// Documents smaller than this load on one thread: a helper's start is worth ~0.3 ms of load
/// at best.
pub const MIN_BYTES: usize = 32 * 1024;

/// Cuts deeper than this are not looked for (OpenAPI documents split well at 2 to 6), and
/// lines indented deeper are passed over without counting their indentation.
const MAX_COL: usize = 8;

/// Lines `from..to` of the text (byte offsets of line starts, `to` possibly the text's end):
/// entries of one block mapping whose keys are at column `col`, the first of them not the
/// mapping's first entry, and `to` the first line after them indented less.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    pub from: usize,
    pub to: usize,
    pub col: usize,
}

/// The splits that load soonest: none, one, or two one after the other (the helper loads them
/// in turn). Each must give the helper at least a sixteenth of the text, and together they
/// must save at least an eighth of the time to load it on one thread.
///
/// This thread loads the text up to a split while the helper loads the split, and goes on after
/// the split only once its entries are in place (they come first in the tree). The time of a
/// plan is modelled in bytes loaded ([`cost`]); the best single split starts about half way into
/// the mapping that ends nearest the end of the text, and a second one helps where that mapping
/// ends well before it (VNG zaken: `paths` end at 70 %, `components` follow).
pub fn plan(text: &str) -> Vec<Split> {
    let len = text.len();
    if len < MIN_BYTES {
        return Vec::new();
    }
    let all: Vec<Split> = candidates(text)
        .into_iter()
        .filter(|s| s.to - s.from >= len / 16)
        .collect();
    // Pairs from a sample: the first candidate at or after every 64th of the text.
    let mut sample = Vec::new();
    for s in &all {
        if sample
            .last()
            .is_none_or(|last: &Split| s.from >= last.from + len / 64)
        {
            sample.push(*s);
        }
    }
    let mut pairs = Vec::new();
    for (i, &a) in sample.iter().enumerate() {
        pairs.extend(
            sample[i + 1..]
                .iter()
                .filter(|b| b.from >= a.to)
                .map(|&b| [a, b]),
        );
    }
    let singles = all.iter().map(std::slice::from_ref);
    singles
        .chain(pairs.iter().map(|pair| &pair[..]))
        .map(|splits| ((cost(len, splits), splits.len(), splits[0].col), splits))
        .filter(|((cost, ..), _)| *cost <= len - len / 8)
        // The cheapest, then the one with fewer splits, then the shallower.
        .min_by_key(|(key, _)| *key)
        .map_or_else(Vec::new, |(_, splits)| splits.to_vec())
}

/// When a load of `len` bytes split at `splits` would end, in bytes loaded: this thread loads
/// up to each split, waits for the helper's part if it is not done, and goes on after it; the
/// helper loads the parts one after the other.
fn cost(len: usize, splits: &[Split]) -> usize {
    let (mut here, mut helper, mut at) = (0, 0, 0);
    for s in splits {
        here += s.from - at;
        helper += s.to - s.from;
        here = here.max(helper);
        at = s.to;
    }
    here + (len - at)
}

/// Every split the indentation suggests, in the order of the text.
fn candidates(text: &str) -> Vec<Split> {
    let mut all = Vec::new();
    for_each_split(text, |s| all.push(s));
    all.sort_by_key(|s| s.from);
    all
}

/// The start of a line indented deeper than [`MAX_COL`].
const DEEP: &[u8; MAX_COL + 1] = &[b' '; MAX_COL + 1];

/// Calls `f` with every split the indentation suggests, each mapping's as it ends: every line
/// with content whose first character may start a key, indented 1 to [`MAX_COL`], that is not
/// the first line at its indentation since a line indented less (so not the first entry of its
/// mapping), up to the next line indented less. One pass over the lines, which does nothing
/// more for a line indented deeper than [`MAX_COL`] than find its end (0.15 ms on a 0.5 MB
/// document; finding the line breaks 32 bytes at a time as a bit mask was no faster).
fn for_each_split(text: &str, mut f: impl FnMut(Split)) {
    let b = text.as_bytes();
    // The indentations open at the line being read, shallowest first, each with where its
    // candidates start in `froms`.
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut froms: Vec<usize> = Vec::new();
    let mut close_deeper = |open: &mut Vec<(usize, usize)>, froms: &mut Vec<usize>, indent, to| {
        while let Some(&(col, first)) = open.last() {
            if col <= indent {
                break;
            }
            open.pop();
            for &from in &froms[first..] {
                f(Split { from, to, col });
            }
            froms.truncate(first);
        }
    };
    for_each_line(b, |start, line| {
        if line.get(..=MAX_COL) == Some(DEEP) {
            return;
        }
        let indent = line.iter().position(|&c| c != b' ').unwrap_or(line.len());
        if matches!(line.get(indent), None | Some(b'\r' | b'#')) {
            return; // blank or a comment
        }
        close_deeper(&mut open, &mut froms, indent, start);
        match open.last() {
            Some(&(col, _)) if col == indent => {
                if indent > 0 && may_start_key(line[indent]) {
                    froms.push(start);
                }
            }
            _ => open.push((indent, froms.len())),
        }
    });
    // Lines at column 0 are never candidates, so this ends every one that is left.
    close_deeper(&mut open, &mut froms, 0, b.len());
}

/// Calls `f` with the start and bytes (without the `\n`) of every line of `b`.
fn for_each_line(b: &[u8], mut f: impl FnMut(usize, &[u8])) {
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', b) {
        f(start, &b[start..end]);
        start = end + 1;
    }
    if start < b.len() {
        f(start, &b[start..]);
    }
}

/// Whether a line starting with `c` may be a mapping entry (the producers make sure it is).
fn may_start_key(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'/' | b'$' | b'"' | b'\'')
}

/// How a split load of a text compares with loading it whole ([`check_split_loads`]).
#[derive(Debug, Default)]
pub struct SplitCheck {
    /// Plans tried (one split or two).
    pub tried: usize,
    /// Of those, the ones whose parts lined up (the others fell back to one thread).
    pub lined_up: usize,
    /// Whether [`plan`]'s choice was among them and lined up.
    pub planned_lined_up: bool,
}

/// Loads `text` split at [`plan`]'s choice, at up to `samples` other candidates spread over the
/// text, and at pairs of those, and compares every split load that lines up with the load of the whole text on
/// one thread: every node (value, parent, place, range) and every diagnostic must be the same.
/// `Err` describes the first difference. For tests and fuzzing.
pub fn check_split_loads(text: &str, samples: usize) -> Result<SplitCheck, String> {
    use std::sync::Arc;

    use super::super::limits::Limits;
    use super::super::tree::{SourceFile, Syntax, Tree};

    type Loaded = Result<(Vec<String>, Vec<super::ParseDiagnostic>), String>;
    let load = |splits: Option<&[Split]>| -> Option<Loaded> {
        let mut tree = Tree::new();
        let file = tree.add_file(SourceFile::new("t".into(), String::new(), Syntax::Yaml));
        let text = Arc::new(text.to_string());
        let mut diagnostics = Vec::new();
        let limits = Limits::default();
        let result = match splits {
            Some(splits) => {
                super::load_split(&text, splits, &mut tree, file, &limits, &mut diagnostics).ok()?
            }
            None => match super::load_whole(&text, &mut tree, file, &limits, &mut diagnostics) {
                Ok(root) => root,
                Err(e) => return Some(Err(e.to_string())),
            },
        };
        diagnostics.sort_by_key(|d| d.start);
        let nodes = (0..tree.node_count() as u32)
            .map(|id| format!("{:?}", tree.node(id)))
            .chain([format!("root {result:?}")])
            .collect();
        Some(Ok((nodes, diagnostics)))
    };
    let whole = load(None).expect("a whole load always gives a result");
    // Splits are offsets into the text without its byte order mark, as the loader plans them.
    let body = super::body_of(text);
    let all = candidates(body);
    let step = (all.len() / samples.max(1)).max(1);
    let planned = plan(body);
    let sampled: Vec<Split> = all.iter().step_by(step).copied().collect();
    // Each sampled split alone, and with the next sampled one after it.
    let mut plans: Vec<Vec<Split>> = Vec::new();
    for (i, &a) in sampled.iter().enumerate() {
        plans.push(vec![a]);
        if let Some(&b) = sampled[i + 1..].iter().find(|b| b.from >= a.to) {
            plans.push(vec![a, b]);
        }
    }
    if !planned.is_empty() {
        plans.push(planned.clone());
    }
    let mut check = SplitCheck::default();
    for split in plans {
        check.tried += 1;
        let Some(loaded) = load(Some(&split)) else {
            continue;
        };
        check.lined_up += 1;
        check.planned_lined_up |= split == planned;
        let (Ok((nodes, diags)), Ok((whole_nodes, whole_diags))) = (&loaded, &whole) else {
            return Err(format!(
                "{split:?}: a split load succeeded where the whole failed"
            ));
        };
        if nodes.len() != whole_nodes.len() {
            return Err(format!(
                "{split:?}: {} nodes, {} in the whole",
                nodes.len(),
                whole_nodes.len()
            ));
        }
        if let Some((a, b)) = nodes.iter().zip(whole_nodes).find(|(a, b)| a != b) {
            return Err(format!("{split:?}: node {a} is {b} in the whole"));
        }
        if diags != whole_diags {
            return Err(format!(
                "{split:?}: diagnostics {diags:?}, {whole_diags:?} in the whole"
            ));
        }
    }
    Ok(check)
}

#[cfg(test)]
mod tests {
    use super::super::fast;
    use super::*;

    /// `entries` entries of `size` bytes each under `key`, at column 2.
    fn section(key: &str, entries: usize, size: usize) -> String {
        let mut s = format!("{key}:\n");
        for i in 0..entries {
            s.push_str(&format!("  e{i}:\n    v: {}\n", "x".repeat(size)));
        }
        s
    }

    #[test]
    fn cuts_half_way_through_the_mapping_that_ends_nearest_the_end() {
        let text = format!("a: 1\n{}b: 2\n", section("paths", 100, 1000));
        let [split] = plan(&text)[..] else {
            panic!("one split")
        };
        assert_eq!(split.col, 2);
        assert!(text[split.from..].starts_with("  e"));
        assert!(text[split.to..].starts_with("b: 2"));
        assert!(split.from.abs_diff(text.len() / 2) < 1100, "{split:?}");
    }

    #[test]
    fn cuts_twice_where_the_mapping_ends_well_before_the_text() {
        // `paths` ends at 60 %: a single split leaves 60 % of the text on one thread whatever
        // it does; one in each section leaves about half.
        let text = format!("{}{}", section("paths", 150, 1000), section("c", 100, 1000));
        let splits = plan(&text);
        let [first, second] = splits[..] else {
            panic!("two splits: {splits:?}")
        };
        let half = text.find("c:").unwrap();
        assert_eq!((first.to, second.to), (half, text.len()));
        assert!(
            cost(text.len(), &splits) <= text.len() / 2 + 2 * 1100,
            "{splits:?}"
        );
    }

    #[test]
    fn the_cost_of_a_plan_is_the_longer_thread_and_what_waits_for_the_helper() {
        let split = |from, to| Split { from, to, col: 2 };
        // 40 here while the helper does 50, then 10 more.
        assert_eq!(cost(100, &[split(40, 90)]), 60);
        // 20 here, the helper's 30 first, then 10 more here and the helper's 30: 60, then 10.
        assert_eq!(cost(100, &[split(20, 50), split(60, 90)]), 70);
        assert_eq!(cost(100, &[]), 100);
    }

    #[test]
    fn runs_to_the_end_of_the_text_when_the_mapping_does() {
        let text = format!("a: 1\n{}", section("components", 100, 1000));
        let [split] = plan(&text)[..] else {
            panic!("one split")
        };
        assert_eq!(split.to, text.len());
    }

    #[test]
    fn split_loads_of_a_text_with_a_byte_order_mark_equal_its_whole_load() {
        // The splits are offsets into the text without the mark (fuzzing found them used on
        // the text with it).
        let text = format!("\u{feff}{}", section("paths", 20, 10));
        let check = check_split_loads(&text, usize::MAX).expect("same loads");
        assert!(check.lined_up > 10, "{check:?}");
        // And a split that is not one of the text's does not line up: no panic, no result.
        let split = Split {
            from: text.len() - 2,
            to: text.len() + 10,
            col: 2,
        };
        assert!(fast::FastEvents::only(&text, split).next().is_none());
    }

    #[test]
    fn no_split_for_small_documents_or_lopsided_ones() {
        assert_eq!(plan(&section("paths", 10, 100)), []);
        // One huge entry: any cut leaves one part nearly empty.
        let text = format!("paths:\n  big:\n{}  small: 1\n", "    - x\n".repeat(10_000));
        assert_eq!(plan(&text), []);
    }

    #[test]
    fn never_cuts_at_a_first_entry_a_sequence_item_or_a_comment() {
        let text = format!("list:\n{}", "  - a: 1\n    b: 2\n  # c: 3\n".repeat(4000));
        // Every `b` is the first entry after a `- a`, and every other line a comment or an
        // item: nothing to cut at.
        assert_eq!(plan(&text), []);
    }
}
