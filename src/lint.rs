//! Runs a ruleset over a document and produces the findings, de-duplicated and ordered as the
//! reference linter does.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use rustc_hash::FxHashSet;
use serde::Serialize;

use crate::document::{Document, LoadError, LoadOptions, Range, Segment, Tree};
use crate::helper::{self, cores};
use crate::rules::{print_value, Report, Sink};
use crate::ruleset::{Applies, RuleEntry, Ruleset};

/// Stack a thread needs to lint the deepest documents the loader admits: the schema validators
/// recurse some twenty frames per level of a 256-deep document.
pub const LINT_STACK_BYTES: usize = 64 << 20;

thread_local! {
    static DEEP_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Declares that the calling thread was started with at least [`LINT_STACK_BYTES`] of stack, so
/// lints on it run in place; elsewhere each [`lint`] starts a thread of that size, which costs
/// ~0.1 ms a time. Call it where such threads start (tokio's `on_thread_start` with
/// `thread_stack_size(LINT_STACK_BYTES)`).
pub fn mark_thread_stack_deep() {
    DEEP_STACK.with(|d| d.set(true));
}

/// Runs `f` with [`LINT_STACK_BYTES`] of stack: in place on a thread marked as having it, else
/// on a scoped thread of that size, marked so that what `f` lints validates in place (inline if
/// no thread can be started). A panic in `f` is resumed here.
pub fn with_lint_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if DEEP_STACK.with(|d| d.get()) {
        return f();
    }
    let mut f = Some(f);
    let spawned = std::thread::scope(|scope| {
        let run = || {
            mark_thread_stack_deep();
            f.take().map(|f| f())
        };
        match std::thread::Builder::new()
            .name("lint".into())
            .stack_size(LINT_STACK_BYTES)
            .spawn_scoped(scope, run)
        {
            Ok(handle) => Some(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            ),
            Err(_) => None,
        }
    });
    match spawned.flatten() {
        Some(r) => r,
        None => (f.take().expect("not run"))(),
    }
}

/// Finding severity, numbered as Spectral's JSON output does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error = 0,
    Warn = 1,
    Info = 2,
    Hint = 3,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warn => "warn",
            Severity::Info => "info",
            Severity::Hint => "hint",
        }
    }
}

/// One problem found in a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    pub code: String,
    pub message: String,
    pub severity: Severity,
    /// JSON path of the finding in `source`, as the reference reports it.
    pub path: Vec<Segment>,
    pub source: String,
    pub range: Range,
    /// The ADR rule the finding enforces (e.g. `/core/version-header`), where the ruleset maps one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub adr_rule: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documentation_url: Option<&'static str>,
}

/// Loads `text` as `name` and lints it with `ruleset`. Load failures that the reference reports
/// as findings (syntax errors) become a `parser` finding; the rest are returned as errors.
pub fn lint_bytes(
    name: &str,
    text: &[u8],
    ruleset: &'static Ruleset,
    options: &LoadOptions,
) -> Result<Vec<Finding>, LoadError> {
    lint_bytes_with_future(name, text, ruleset, None, options).map(|l| l.findings)
}

/// A document's findings under its ruleset, and (when asked) what the next ADR version adds.
#[derive(Debug, Clone, Default)]
pub struct Linted {
    pub findings: Vec<Finding>,
    /// See [`future_findings`]; empty unless a next ruleset was given.
    pub future: Vec<Finding>,
}

/// [`lint_bytes`], and with `next` also the [`future_findings`] of that ruleset, from one load.
pub fn lint_bytes_with_future(
    name: &str,
    text: &[u8],
    ruleset: &'static Ruleset,
    next: Option<&'static Ruleset>,
    options: &LoadOptions,
) -> Result<Linted, LoadError> {
    match Document::load(name, text, options) {
        Ok(doc) => {
            let doc = Arc::new(doc);
            let findings = lint(&doc, ruleset);
            let future = next.map_or_else(Vec::new, |next| future_findings(&doc, &findings, next));
            Ok(Linted { findings, future })
        }
        Err(e @ LoadError::Syntax { .. }) => {
            let text = String::from_utf8_lossy(text).into_owned();
            let file = crate::document::SourceFile::new(
                name.to_string(),
                text,
                crate::document::Syntax::Yaml,
            );
            let at = file.position(e.offset());
            Ok(Linted {
                findings: vec![Finding {
                    code: "parser".into(),
                    message: e.to_string(),
                    severity: Severity::Error,
                    path: Vec::new(),
                    source: name.to_string(),
                    range: Range { start: at, end: at },
                    adr_rule: None,
                    documentation_url: None,
                }],
                future: Vec::new(),
            })
        }
        Err(e) => Err(e),
    }
}

/// What moving to the `next` ADR version would break: its errors that are not already errors
/// of the same rule at the same place in `current` (rules compare without the `nlgov:` prefix
/// that 2.2 introduced). They come back as warnings whose message names the version, as the
/// national register's rulesets preview a coming version.
pub fn future_findings(
    doc: &Arc<Document>,
    current: &[Finding],
    next: &'static Ruleset,
) -> Vec<Finding> {
    let rule = |code: &str| code.strip_prefix("nlgov:").unwrap_or(code).to_string();
    let already: HashSet<(String, &str, &[Segment])> = current
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (rule(&f.code), f.source.as_str(), f.path.as_slice()))
        .collect();
    lint(doc, next)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| !already.contains(&(rule(&f.code), f.source.as_str(), f.path.as_slice())))
        .map(|f| Finding {
            severity: Severity::Warn,
            message: format!("{} [error in {}]", f.message, next.id.title()),
            ..f
        })
        .collect()
}

/// Lints a loaded document (shared, so that a helper thread may run some of its rules).
pub fn lint(doc: &Arc<Document>, ruleset: &'static Ruleset) -> Vec<Finding> {
    // One deep-stack thread for the whole lint when the caller's thread is not marked, rather
    // than one per validating rule.
    with_lint_stack(|| lint_in_place(doc, ruleset))
}

/// Documents with at least this many nodes (about 30 KB of JSON) have their rules run by two
/// threads where two cores are available. Below it a lint takes well under a millisecond, less
/// than starting the thread is worth; above it even a webhook under load gains (the 96 KB BRP
/// document at 200 requests/s: p99 6.2–7.3 ms on one thread, 5.4 ms on two).
const PARALLEL_MIN_NODES: usize = 1_000;

fn lint_in_place(doc: &Arc<Document>, ruleset: &'static Ruleset) -> Vec<Finding> {
    let mut findings = Vec::new();
    parser_findings(doc, &mut findings);
    ref_findings(doc, &mut findings);
    if doc.formats.is_unrecognized() {
        findings.push(unrecognized_format(doc));
    }
    let entries = applicable_entries(ruleset, doc);
    let parallel = doc.tree.node_count() >= PARALLEL_MIN_NODES && cores() > 1;
    for rule_findings in run_rules(doc, entries, parallel) {
        findings.extend(rule_findings);
    }
    dedupe_and_sort(findings)
}

/// Each rule's findings, in the order of `entries`. With `parallel`, this thread and the
/// process's helper thread (see [`crate::helper`]) each take the next rule nobody has taken yet,
/// whole-document validation first, so the result is the same as one thread's, only sooner.
/// This thread waits only for rules the helper has taken: when the helper is busy (another
/// lint, or no core free to run it), this thread takes every rule itself.
fn run_rules(
    doc: &Arc<Document>,
    entries: Vec<&'static RuleEntry>,
    parallel: bool,
) -> Vec<Vec<Finding>> {
    if !parallel {
        return entries.iter().map(|entry| run_rule(doc, entry)).collect();
    }
    let mut queue: Vec<usize> = (0..entries.len()).collect();
    queue.sort_by_key(|&i| !entries[i].check.validates_whole_document());
    let shared = Arc::new(SharedLint {
        doc: Arc::clone(doc),
        results: Mutex::new(entries.iter().map(|_| None).collect()),
        entries,
        queue,
        next: AtomicUsize::new(0),
        done: Condvar::new(),
    });
    // A helper that gets to the job after this lint returned finds nothing to upgrade.
    let weak = Arc::downgrade(&shared);
    helper::offer(Box::new(move || {
        if let Some(shared) = weak.upgrade() {
            shared.work();
        }
    }));
    shared.work();
    shared.wait_for_all()
}

/// A rule's findings, or its panic.
type RuleOutcome = std::thread::Result<Vec<Finding>>;

/// One lint's rules as both threads see them.
struct SharedLint {
    doc: Arc<Document>,
    entries: Vec<&'static RuleEntry>,
    /// Indices into `entries`, in the order they are taken.
    queue: Vec<usize>,
    /// The next place in `queue` to take.
    next: AtomicUsize,
    /// Each rule's outcome, once run.
    results: Mutex<Vec<Option<RuleOutcome>>>,
    done: Condvar,
}

impl SharedLint {
    fn work(&self) {
        while let Some(&i) = self.queue.get(self.next.fetch_add(1, Ordering::Relaxed)) {
            let entry = self.entries[i];
            // Caught, so that a panic on the helper reaches the lint's own thread (below).
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run_rule(&self.doc, entry)
            }));
            self.lock()[i] = Some(result);
            self.done.notify_all();
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Option<RuleOutcome>>> {
        // Rules run outside the lock, so it cannot be poisoned by one.
        self.results.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Called once this thread found the queue empty: every rule is run or being run.
    fn wait_for_all(&self) -> Vec<Vec<Finding>> {
        let mut results = self.lock();
        while results.iter().any(Option::is_none) {
            results = self
                .done
                .wait(results)
                .unwrap_or_else(PoisonError::into_inner);
        }
        std::mem::take(&mut *results)
            .into_iter()
            .map(|result| match result {
                Some(Ok(findings)) => findings,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => unreachable!("waited until every rule had run"),
            })
            .collect()
    }
}

fn run_rule(doc: &Document, entry: &RuleEntry) -> Vec<Finding> {
    let mut sink = Sink::default();
    entry.check.check(doc, &mut sink);
    // A rule reports a node once per way it reaches it (a parameter `$ref`'d by 20 operations:
    // 20 times); the repeats would become identical findings that `dedupe_and_sort` drops, so
    // they are skipped before their path, range and message are built.
    let mut seen = FxHashSet::default();
    sink.reports
        .iter()
        .filter(|report| seen.insert(*report))
        .map(|report| finding(doc, entry, report))
        .collect()
}

/// The rules of `ruleset` that run on `doc` (its OpenAPI version), in the ruleset's order.
fn applicable_entries(ruleset: &'static Ruleset, doc: &Document) -> Vec<&'static RuleEntry> {
    ruleset
        .entries()
        .iter()
        .filter(|entry| applies(entry.applies, doc))
        .collect()
}

fn applies(applies: Applies, doc: &Document) -> bool {
    let f = doc.formats;
    match applies {
        Applies::All => true,
        Applies::Oas2 => f.oas2,
        Applies::Oas3 => f.oas3,
        Applies::Oas2Or3 => f.oas2 || f.oas3,
        Applies::Oas2Or3_0 => f.oas2 || f.oas3_0,
        Applies::Oas3_1Or3_2 => f.oas3_1 || f.oas3_2,
        Applies::Oas3_2 => f.oas3_2,
    }
}

fn finding(doc: &Document, entry: &RuleEntry, report: &Report) -> Finding {
    let at = doc.location(report.node);
    let mut path = doc.tree.path(at);
    path.extend(report.subpath.iter().cloned());
    let range = if report.subpath.is_empty() {
        doc.tree.range(at)
    } else {
        range_at_path(&doc.tree, doc.tree.node(at).file, &path).unwrap_or(doc.tree.range(at))
    };
    let message = render(entry.message, doc, report, &path);
    Finding {
        code: entry.code.to_string(),
        message,
        severity: entry.severity,
        path,
        source: doc.tree.source(at).to_string(),
        range,
        adr_rule: entry.adr_rule,
        documentation_url: entry.documentation_url,
    }
}

/// Fills a message template the way Spectral does (`{{value}}`, `{{property}}`, `{{error}}`,
/// `{{path}}`); a variable without a value renders empty.
fn render(template: &str, doc: &Document, report: &Report, path: &[Segment]) -> String {
    if !template.contains("{{") {
        return template.to_string();
    }
    let value = report
        .value
        .clone()
        .unwrap_or_else(|| print_value(doc, report.node));
    let property = report
        .property
        .clone()
        .or_else(|| path.last().map(|s| s.to_string()))
        .unwrap_or_default();
    let pointer = if path.is_empty() {
        "#".to_string()
    } else {
        let segs: Vec<String> = path
            .iter()
            .map(|s| s.to_string().replace('~', "~0").replace('/', "~1"))
            .collect();
        format!("#/{}", segs.join("/"))
    };
    template
        .replace("{{value}}", &value)
        .replace("{{property}}", &property)
        .replace("{{error}}", report.error.as_deref().unwrap_or(""))
        .replace("{{path}}", &pointer)
}

/// Range of an exact physical path in `file`, if every segment exists.
fn range_at_path(tree: &Tree, file: crate::document::FileId, path: &[Segment]) -> Option<Range> {
    let mut cur = tree.file(file).root?;
    for seg in path {
        cur = match seg {
            Segment::Key(k) => tree.raw_get(cur, k)?,
            Segment::Index(i) => *tree.items(cur).get(*i as usize)?,
        };
    }
    Some(tree.range(cur))
}

fn parser_findings(doc: &Document, out: &mut Vec<Finding>) {
    for d in &doc.diagnostics {
        let path = match &d.object {
            Some((obj, key)) => {
                let mut p = doc.tree.path(*obj);
                p.push(Segment::Key(key.clone()));
                p
            }
            None => Vec::new(),
        };
        let file = doc.tree.file(d.file);
        out.push(Finding {
            code: "parser".into(),
            message: d.message.clone(),
            severity: Severity::Error,
            path,
            source: file.name.clone(),
            range: file.range(d.start, d.end),
            adr_rule: None,
            documentation_url: None,
        });
    }
}

/// `invalid-ref` findings. The reference keeps only the first error of each message (so one
/// unreachable file gives one finding, at its first reference in document order) and reports
/// every one against the root document; for a reference inside another file it keeps that
/// file's path, which usually does not exist in the root document and then gets the empty
/// range at 0:0.
fn ref_findings(doc: &Document, out: &mut Vec<Finding>) {
    let mut messages = HashSet::new();
    for e in doc
        .ref_errors
        .iter()
        .filter(|e| messages.insert(&e.message))
    {
        let mut path = e.path.clone();
        path.push(Segment::Key("$ref".into()));
        let source = e.source.unwrap_or(doc.root_file);
        out.push(Finding {
            code: "invalid-ref".into(),
            message: e.message.clone(),
            severity: Severity::Error,
            // The reference looks the range up in the root document, whatever the source.
            range: range_at_path(&doc.tree, doc.root_file, &path).unwrap_or_default(),
            path,
            source: doc.tree.file(source).name.clone(),
            adr_rule: None,
            documentation_url: None,
        });
    }
}

/// The names Spectral 6.16.3 lists for the formats `spectral:oas` registers.
const REGISTERED_FORMATS: &str =
    "OpenAPI 2.0 (Swagger), OpenAPI 3.x, OpenAPI 3.0.x, OpenAPI 3.1.x, OpenAPI 3.2.x";

fn unrecognized_format(doc: &Document) -> Finding {
    Finding {
        code: "unrecognized-format".into(),
        message: format!(
            "The provided document does not match any of the registered formats [{REGISTERED_FORMATS}]"
        ),
        severity: Severity::Warn,
        path: Vec::new(),
        source: doc.root_name().to_string(),
        range: Range::default(),
        adr_rule: None,
        documentation_url: None,
    }
}

/// Spectral drops results with the same code, path, source and message (range instead of path
/// when the path is empty), then orders by source, position, code and path.
fn dedupe_and_sort(findings: Vec<Finding>) -> Vec<Finding> {
    let mut seen = FxHashSet::default();
    let keep: Vec<bool> = findings
        .iter()
        .map(|f| {
            let place = f.path.is_empty().then_some(f.range);
            seen.insert((
                f.code.as_str(),
                f.path.as_slice(),
                place,
                f.source.as_str(),
                f.message.as_str(),
            ))
        })
        .collect();
    let mut out: Vec<Finding> = findings
        .into_iter()
        .zip(keep)
        .filter_map(|(f, keep)| keep.then_some(f))
        .collect();
    out.sort_by(|a, b| {
        a.source
            .cmp(&b.source)
            .then(a.range.start.cmp(&b.range.start))
            .then(a.code.cmp(&b.code))
            .then(a.path.cmp(&b.path))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ruleset::RulesetId;

    const INTELLIFI: &str = "large/medium-intellifi-nl.oas30.json";

    /// A document of the shared corpus, loaded.
    fn corpus_document(file: &str) -> Arc<Document> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus")
            .join(file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        Arc::new(Document::load(file, &bytes, &LoadOptions::default()).unwrap())
    }

    /// Two threads taking rules as they come give each rule's findings in rule order, exactly
    /// as one thread does; on real documents with many findings and shared selections.
    #[test]
    fn rules_run_by_two_threads_find_what_one_finds() {
        for file in [
            INTELLIFI,
            "large/small-petstore.oas31.yaml",
            "nl-gov/VNG-Realisatie__Haal-Centraal-BRK-bevragen__specificatie--genereervariant--openapi.json",
        ] {
            let doc = corpus_document(file);
            for id in [RulesetId::LATEST, RulesetId::Adr20] {
                let entries = applicable_entries(id.ruleset(), &doc);
                let serial = with_lint_stack(|| run_rules(&doc, entries.clone(), false));
                let parallel = with_lint_stack(|| run_rules(&doc, entries.clone(), true));
                assert!(serial.iter().map(Vec::len).sum::<usize>() > 0, "{file} {id}");
                assert_eq!(serial, parallel, "{file} {id}");
            }
        }
    }

    /// With the helper stuck on other work, a parallel lint runs every rule on its own thread
    /// and returns; it does not wait for the helper to come round to it.
    #[test]
    fn a_busy_helper_does_not_hold_a_lint_up() {
        let doc = corpus_document(INTELLIFI);
        let entries = applicable_entries(RulesetId::LATEST.ruleset(), &doc);
        let serial = with_lint_stack(|| run_rules(&doc, entries.clone(), false));

        let (release, blocked) = std::sync::mpsc::channel::<()>();
        helper::offer(Box::new(move || {
            let _ = blocked.recv();
        }));
        let (finished, outcome) = std::sync::mpsc::channel();
        let lint_doc = Arc::clone(&doc);
        std::thread::spawn(move || {
            let parallel = with_lint_stack(|| run_rules(&lint_doc, entries, true));
            let _ = finished.send(parallel);
        });
        let parallel = outcome.recv_timeout(std::time::Duration::from_secs(60));
        release.send(()).unwrap();
        assert_eq!(parallel.expect("the lint waited for the helper"), serial);
    }

    /// A rule that panics, on whichever thread runs it, panics the lint that ran it, and
    /// does not leave it waiting.
    #[test]
    fn a_panicking_rule_panics_the_lint() {
        #[derive(Debug)]
        struct Panics;
        impl crate::rules::Check for Panics {
            fn check(&self, _: &Document, _: &mut Sink) {
                panic!("rule bug");
            }
        }
        let entry: &'static RuleEntry = Box::leak(Box::new(RuleEntry {
            code: "panics",
            severity: Severity::Error,
            message: "",
            adr_rule: None,
            documentation_url: None,
            applies: Applies::All,
            check: Box::new(Panics),
        }));
        let doc = corpus_document(INTELLIFI);
        let lint = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            with_lint_stack(|| run_rules(&doc, vec![entry; 8], true))
        }));
        let panic = lint.expect_err("the rule panics");
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"rule bug"));
    }

    /// A parameter `$ref`'d by three operations is one place in the document: one finding,
    /// though the rule reports it three times (checked first, so the test keeps its point).
    #[test]
    fn a_node_reached_three_ways_is_one_finding() {
        let text = r##"
openapi: 3.0.3
info: {title: t, version: 1.0.0}
paths:
  /a:
    get: {parameters: [{$ref: '#/components/parameters/Bad'}], responses: {}}
    put: {parameters: [{$ref: '#/components/parameters/Bad'}], responses: {}}
  /b:
    get: {parameters: [{$ref: '#/components/parameters/Bad'}], responses: {}}
components:
  parameters:
    Bad: {name: not_camel, in: query, schema: {type: string}}
"##;
        let doc =
            Arc::new(Document::load("api.yaml", text.as_bytes(), &LoadOptions::default()).unwrap());
        let ruleset = RulesetId::LATEST.ruleset();
        let entry = ruleset
            .entries()
            .iter()
            .find(|e| e.code == "nlgov:query-keys-camel-case")
            .unwrap();
        let mut sink = Sink::default();
        entry.check.check(&doc, &mut sink);
        assert_eq!(sink.reports.len(), 3);

        let findings = lint(&doc, ruleset);
        let camel: Vec<&Finding> = findings.iter().filter(|f| f.code == entry.code).collect();
        assert_eq!(camel.len(), 1, "{findings:#?}");
        let path: Vec<String> = camel[0].path.iter().map(ToString::to_string).collect();
        assert_eq!(path, ["components", "parameters", "Bad", "name"]);
    }
}
