//! `adr-operator check <PATH>...`: the admission webhook's decision for every `ApiPublication`
//! in a set of manifests (a GitOps repository, `helm template` or `kustomize build` output)
//! before any of it reaches a cluster.
//!
//! Nothing here decides. Each publication goes, as the AdmissionReview the API server would
//! send, through the webhook's own [`Admission`], whose reads of the cluster are answered from
//! the manifests given ([`ManifestCluster`]): ConfigMaps for `configMapRef`, Namespaces for
//! the `apistrategie.nl/enforcement` label. What the API server checks before it calls the
//! webhook is run too: the typed spec and the CRD's CEL rules (client-side, as `tests/crd.rs`
//! does). A `url` source is fetched only with `--allow-network`; without it the webhook's own
//! "not fetched at admission" warning is what the user sees, as in the cluster.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use k8s_openapi::api::core::v1::ConfigMap;
use saphyr_parser::{Event, Parser, ScalarStyle, Tag};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::admission::{self, Admission};
use crate::api::{ApiPublication, Enforcement, ENFORCEMENT_LABEL, OPENAPI_LABEL};
use crate::metrics::Metrics;
use crate::policy;
use crate::report::xml_escape;
use crate::ruleset::RulesetId;
use crate::source::{BoxFuture, Cluster, ClusterError};

/// Largest manifest file read (a file may hold many objects, each with a document).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Values (alias expansions included) one file may produce: bounds "billion laughs" YAML.
const MAX_VALUES_PER_FILE: usize = 2_000_000;

/// Directories a walk never enters (besides hidden ones).
const SKIPPED_DIRS: [&str; 2] = ["node_modules", "target"];

// === command line ===

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// For people: one block per publication.
    Text,
    /// One object with every publication's decision, message, warnings and notes.
    Json,
    /// SARIF 2.1.0: a result per denial and per warning, located at the manifest.
    Sarif,
    /// JUnit XML: a test case per publication, failed when denied.
    Junit,
}

/// When `check` exits with 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A publication would be denied.
    Denied,
    /// A publication would be denied or admitted with warnings.
    Warning,
    /// Never (only input errors exit non-zero).
    None,
}

/// `adr-operator check` flags.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Manifest files or directories (searched recursively for *.yaml, *.yml and *.json,
    /// hidden directories skipped); `-` reads standard input.
    #[arg(required = true)]
    pub paths: Vec<String>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Exit with 1 when a publication would be denied (`denied`), also when it would get
    /// warnings (`warning`), or never (`none`).
    #[arg(long, value_enum, default_value_t = FailOn::Denied)]
    pub fail_on: FailOn,
    /// Namespace of objects that name none (as kubectl's current namespace).
    #[arg(long, short = 'n', default_value = "default")]
    pub namespace: String,
    /// The operator's --default-enforcement: for publications that set none in namespaces
    /// without the apistrategie.nl/enforcement label.
    #[arg(long, default_value = "Enforce", value_parser = parse_enforcement)]
    pub default_enforcement: Enforcement,
    /// The operator's --default-ruleset: for publications that set none.
    #[arg(long, default_value = RulesetId::LATEST.as_str(), value_parser = parse_ruleset)]
    pub default_ruleset: RulesetId,
    /// The operator's --max-document-bytes.
    #[arg(long, default_value_t = 3 * 1024 * 1024)]
    pub max_document_bytes: usize,
    /// Fetch `spec.openapi.url` documents (https only, public addresses only) and decide on
    /// them as the controller will; without it they get the webhook's "not fetched" warning.
    #[arg(long)]
    pub allow_network: bool,
    /// Never colour the text output (colour is used only on a terminal anyway).
    #[arg(long)]
    pub no_color: bool,
}

fn parse_enforcement(s: &str) -> Result<Enforcement, String> {
    s.parse()
}

fn parse_ruleset(s: &str) -> Result<RulesetId, String> {
    s.parse()
}

/// Runs `check` for the command line: prints the report, returns the exit code
/// (0 nothing at or above `--fail-on`, 1 something is, 2 input or usage error).
pub fn main(args: Args) -> ExitCode {
    let manifests = match read_paths(&args.paths) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("adr-operator: {e}");
            return ExitCode::from(2);
        }
    };
    for s in &manifests.skipped {
        eprintln!("adr-operator: skipped {}: {}", s.file, s.reason);
    }
    let options = Options {
        default_namespace: args.namespace.clone(),
        admission: admission::Config {
            default_enforcement: args.default_enforcement,
            default_ruleset: args.default_ruleset,
            max_document_bytes: args.max_document_bytes,
            budget: CHECK_BUDGET,
            ..admission::Config::default()
        },
    };
    // The controller's guarded fetcher (https only, public addresses only, size and time
    // limits), so a check fetches what the cluster would.
    let fetcher: Option<Arc<dyn Fetch>> = args.allow_network.then(|| {
        Arc::new(crate::fetch::Fetcher::new(crate::fetch::Config {
            max_bytes: args.max_document_bytes,
            ..crate::fetch::Config::default()
        })) as Arc<dyn Fetch>
    });
    // As in `run`: lints on these threads have the stack to validate in place.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(crate::lint::LINT_STACK_BYTES)
        .on_thread_start(crate::lint::mark_thread_stack_deep)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("adr-operator: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let set = ManifestSet::new(manifests.items, &options.default_namespace);
    let outcomes = runtime.block_on(check(&set, &options, fetcher.as_deref()));
    let color =
        args.format == CheckFormat::Text && !args.no_color && std::io::stdout().is_terminal();
    let out = match args.format {
        CheckFormat::Text => render_text(&outcomes, &set, color),
        CheckFormat::Json => render_json(&outcomes, &set),
        CheckFormat::Sarif => render_sarif(&outcomes),
        CheckFormat::Junit => render_junit(&outcomes),
    };
    if let Err(e) = write_stdout(&out) {
        eprintln!("adr-operator: cannot write output: {e}");
        return ExitCode::from(2);
    }
    exit_code(&outcomes, args.fail_on)
}

/// 1 when an outcome is at or above `fail_on`, else 0.
pub fn exit_code(outcomes: &[Outcome], fail_on: FailOn) -> ExitCode {
    let failed = outcomes.iter().any(|o| match fail_on {
        FailOn::Denied => o.decision == Decision::Denied,
        FailOn::Warning => o.decision != Decision::Allowed,
        FailOn::None => false,
    });
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A check is not bound by the API server's webhook timeout: a generous budget, so a slow CI
/// machine never turns a decision into "not finished within the budget".
const CHECK_BUDGET: Duration = Duration::from_secs(120);

// === reading manifests ===

/// One Kubernetes object from a manifest file.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The file as named on the command line or found in a directory (`-` for standard input).
    pub file: String,
    /// 1-based line where the object starts.
    pub line: usize,
    pub object: Value,
}

/// A file left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    pub file: String,
    pub reason: String,
}

/// What a set of paths holds.
#[derive(Debug, Clone, Default)]
pub struct Manifests {
    pub items: Vec<Manifest>,
    /// Files found in a directory that are not YAML (Helm templates, say): skipped, not fatal.
    pub skipped: Vec<Skipped>,
}

/// Why the input cannot be checked at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {size} bytes exceeds the limit of {limit} bytes")]
    TooLarge { path: String, size: u64, limit: u64 },
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
}

/// Reads every manifest under `paths`. A file named on the command line must parse; a file
/// found in a directory that does not is skipped with a reason (a chart's templates are not
/// YAML until rendered).
pub fn read_paths(paths: &[String]) -> Result<Manifests, InputError> {
    let mut out = Manifests::default();
    for path in paths {
        if path == "-" {
            let text = read_stdin().map_err(|source| InputError::Read {
                path: "-".into(),
                source,
            })?;
            add_file(&mut out, "-", &text).map_err(|message| InputError::Syntax {
                path: "-".into(),
                message,
            })?;
            continue;
        }
        let meta = std::fs::metadata(path).map_err(|source| InputError::Read {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            let mut files = Vec::new();
            walk(Path::new(path), &mut files).map_err(|source| InputError::Read {
                path: path.clone(),
                source,
            })?;
            for file in files {
                let name = file.display().to_string();
                match read_file(&file) {
                    Ok(text) => {
                        if let Err(reason) = add_file(&mut out, &name, &text) {
                            out.skipped.push(Skipped { file: name, reason });
                        }
                    }
                    Err(InputError::Read { source, .. })
                        if source.kind() == std::io::ErrorKind::InvalidData =>
                    {
                        out.skipped.push(Skipped {
                            file: name,
                            reason: "not UTF-8 text".into(),
                        })
                    }
                    Err(e) => return Err(e),
                }
            }
        } else {
            let text = read_file(Path::new(path))?;
            add_file(&mut out, path, &text).map_err(|message| InputError::Syntax {
                path: path.clone(),
                message,
            })?;
        }
    }
    Ok(out)
}

fn read_stdin() -> std::io::Result<String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut buf)?;
    if buf.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "more than {MAX_FILE_BYTES} bytes"
        )));
    }
    String::from_utf8(buf).map_err(|_| std::io::Error::other("not UTF-8 text"))
}

fn read_file(path: &Path) -> Result<String, InputError> {
    let name = path.display().to_string();
    let size = std::fs::metadata(path)
        .map_err(|source| InputError::Read {
            path: name.clone(),
            source,
        })?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(InputError::TooLarge {
            path: name,
            size,
            limit: MAX_FILE_BYTES,
        });
    }
    std::fs::read_to_string(path).map_err(|source| InputError::Read { path: name, source })
}

/// Files with a manifest extension under `dir`, in a stable (sorted) order. Hidden entries,
/// `node_modules` and `target` are skipped; symbolic links to directories are not followed.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries = std::fs::read_dir(dir)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_ref()) {
                walk(&path, out)?;
            }
        } else if (kind.is_file() || (kind.is_symlink() && path.is_file()))
            && matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml" | "json")
            )
        {
            out.push(path);
        }
    }
    Ok(())
}

fn add_file(out: &mut Manifests, file: &str, text: &str) -> Result<(), String> {
    out.items.extend(parse_manifests(file, text)?);
    Ok(())
}

/// The Kubernetes objects of one file's text (documents without `apiVersion` and `kind`, such
/// as an OpenAPI document beside the manifests, are left out).
pub fn parse_manifests(file: &str, text: &str) -> Result<Vec<Manifest>, String> {
    let mut out = Vec::new();
    for (line, object) in parse_stream(text)? {
        push_object(&mut out, file, line, object);
    }
    Ok(out)
}

/// Objects of a document; a `List` (`kubectl get -o yaml`) contributes its items.
fn push_object(out: &mut Vec<Manifest>, file: &str, line: usize, object: Value) {
    let is_list = object.get("kind").and_then(Value::as_str) == Some("List")
        && object.get("items").is_some_and(Value::is_array);
    if is_list {
        if let Value::Object(mut map) = object {
            if let Some(Value::Array(items)) = map.remove("items") {
                for item in items {
                    push_object(out, file, line, item);
                }
            }
        }
        return;
    }
    if object.get("apiVersion").is_some() && object.get("kind").is_some() {
        out.push(Manifest {
            file: file.to_string(),
            line,
            object,
        });
    }
}

// === YAML (multi-document) to JSON values ===

/// The documents of a YAML stream (JSON is YAML too) as JSON values, each with the 1-based line
/// where it starts. Empty documents are left out. Plain scalars follow the YAML 1.2 core
/// schema; anchors, aliases and `<<` merges are expanded (with a bound on the expansion).
pub fn parse_stream(text: &str) -> Result<Vec<(usize, Value)>, String> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(body);
    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            format!(
                "{} at line {} column {}",
                e.info(),
                e.marker().line(),
                e.marker().col() + 1
            )
        })?;
        let line = span.start.line();
        match event {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => builder.anchors.clear(),
            Event::DocumentEnd => {
                if let Some(doc) = builder.root.take() {
                    builder.documents.push(doc);
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let value = scalar(&value, style, tag.as_deref());
                builder.add(value, 1, anchor, line)?;
            }
            Event::SequenceStart(anchor, _) => builder.stack.push(Frame {
                value: Value::Array(Vec::new()),
                key: None,
                anchor,
                line,
                size: 1,
            }),
            Event::MappingStart(anchor, _) => builder.stack.push(Frame {
                value: Value::Object(Map::new()),
                key: None,
                anchor,
                line,
                size: 1,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let frame = builder.stack.pop().ok_or("unbalanced YAML events")?;
                builder.add(frame.value, frame.size, frame.anchor, frame.line)?;
            }
            Event::Alias(id) => {
                let (value, size) = builder
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| format!("unknown alias at line {line}"))?;
                builder.add(value, size, 0, line)?;
            }
        }
    }
    if let Some(doc) = builder.root.take() {
        builder.documents.push(doc);
    }
    Ok(builder
        .documents
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .collect())
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Anchor id → value and its size in values.
    anchors: HashMap<usize, (Value, usize)>,
    root: Option<(usize, Value)>,
    documents: Vec<(usize, Value)>,
    values: usize,
}

struct Frame {
    value: Value,
    /// A mapping's key waiting for its value.
    key: Option<String>,
    anchor: usize,
    line: usize,
    size: usize,
}

impl Builder {
    fn add(&mut self, value: Value, size: usize, anchor: usize, line: usize) -> Result<(), String> {
        self.values = self.values.saturating_add(size);
        if self.values > MAX_VALUES_PER_FILE {
            return Err(format!(
                "more than {MAX_VALUES_PER_FILE} values (alias expansion included)"
            ));
        }
        if anchor != 0 {
            self.anchors.insert(anchor, (value.clone(), size));
        }
        let Some(frame) = self.stack.last_mut() else {
            self.root = Some((line, value));
            return Ok(());
        };
        frame.size = frame.size.saturating_add(size);
        match &mut frame.value {
            Value::Array(items) => items.push(value),
            Value::Object(map) => match frame.key.take() {
                None => frame.key = Some(key_string(value, line)?),
                Some(key) if key == "<<" => merge(map, value),
                Some(key) => {
                    map.insert(key, value);
                }
            },
            _ => unreachable!("frames hold arrays and objects"),
        }
        Ok(())
    }
}

/// A mapping key as the API server's YAML-to-JSON conversion writes it.
fn key_string(value: Value, line: usize) -> Result<String, String> {
    match value {
        Value::String(s) => Ok(s),
        Value::Null => Ok("null".into()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => Err(format!(
            "a mapping or sequence as a mapping key at line {line} is not supported"
        )),
    }
}

/// `<<: *base` (or a list of them): entries the mapping does not set yet are taken over.
fn merge(map: &mut Map<String, Value>, value: Value) {
    let sources = match value {
        Value::Array(items) => items,
        other => vec![other],
    };
    for source in sources {
        if let Value::Object(entries) = source {
            for (k, v) in entries {
                map.entry(k).or_insert(v);
            }
        }
    }
}

fn scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Value {
    if let Some(tag) = tag {
        return match tag.suffix.as_str() {
            "str" | "binary" | "timestamp" => Value::String(text.into()),
            "null" => Value::Null,
            "bool" | "int" | "float" => plain(text),
            _ => Value::String(text.into()),
        };
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.into());
    }
    plain(text)
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let (sign, digits) = match text.as_bytes().first() {
        Some(b'-') => (-1i128, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    };
    let integer = if let Some(oct) = text.strip_prefix("0o") {
        i128::from_str_radix(oct, 8).ok()
    } else if let Some(hex) = text.strip_prefix("0x") {
        i128::from_str_radix(hex, 16).ok()
    } else if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse::<i128>().ok().map(|n| sign * n)
    } else {
        None
    };
    if let Some(n) = integer {
        if let Ok(n) = i64::try_from(n) {
            return Value::from(n);
        }
        if let Ok(n) = u64::try_from(n) {
            return Value::from(n);
        }
    }
    if is_float(text) {
        if let Some(n) = text
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
        {
            return Value::Number(n);
        }
    }
    Value::String(text.into())
}

/// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
fn is_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match frac {
        Some(f) => digits(int) && digits(f) && !(int.is_empty() && f.is_empty()),
        None => !int.is_empty() && digits(int),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    mantissa_ok && exponent_ok
}

// === the manifests as a cluster ===

/// Identifies an object in the set: kind, namespace, name.
type Key = (String, String);

/// The objects of a manifest set that admission reads.
#[derive(Debug, Clone, Default)]
pub struct ManifestSet {
    /// `ApiPublication` manifests, in the order found.
    pub publications: Vec<Manifest>,
    /// ConfigMaps by (namespace, name), with where they were found.
    pub config_maps: BTreeMap<Key, (ConfigMap, Manifest)>,
    /// Namespace labels by name.
    pub namespaces: BTreeMap<String, BTreeMap<String, String>>,
    /// Objects defined more than once, invalid ConfigMaps, and such.
    pub notes: Vec<String>,
    /// Objects of other kinds (Deployments, Services, …), not looked at.
    pub other_objects: usize,
}

impl ManifestSet {
    /// Sorts `manifests` into what admission reads. Objects without a namespace are put in
    /// `default_namespace`; a later definition of the same object replaces an earlier one (as
    /// `kubectl apply` of both would).
    pub fn new(manifests: Vec<Manifest>, default_namespace: &str) -> Self {
        let mut set = ManifestSet::default();
        let mut seen: BTreeMap<(String, String, String), String> = BTreeMap::new();
        for m in manifests {
            let api_version = m.object["apiVersion"].as_str().unwrap_or_default();
            let kind = m.object["kind"].as_str().unwrap_or_default().to_string();
            let group = api_version.split_once('/').map_or("", |(g, _)| g);
            let name = metadata_str(&m.object, "name").unwrap_or_default();
            let namespace = if kind == "Namespace" {
                String::new()
            } else {
                namespace_of(&m.object, default_namespace)
            };
            let place = format!("{}:{}", m.file, m.line);
            if let Some(earlier) = seen.insert(
                (format!("{group}/{kind}"), namespace.clone(), name.clone()),
                place.clone(),
            ) {
                set.notes.push(format!(
                    "{kind} {}{name} is defined at {earlier} and again at {place}; the last definition is used",
                    if namespace.is_empty() { String::new() } else { format!("{namespace}/") }
                ));
            }
            match (group, kind.as_str()) {
                (crate::api::GROUP, "ApiPublication") => {
                    set.publications.retain(|p| {
                        !(metadata_str(&p.object, "name").unwrap_or_default() == name
                            && namespace_of(&p.object, default_namespace) == namespace)
                    });
                    set.publications.push(m);
                }
                ("", "ConfigMap") if api_version == "v1" => {
                    match serde_json::from_value::<ConfigMap>(m.object.clone()) {
                        Ok(cm) => {
                            set.config_maps.insert((namespace, name), (cm, m));
                        }
                        Err(e) => set.notes.push(format!(
                            "ConfigMap at {place} is not valid and was left out: {e}"
                        )),
                    }
                }
                ("", "Namespace") if api_version == "v1" => {
                    let labels = m.object["metadata"]["labels"]
                        .as_object()
                        .map(|l| {
                            l.iter()
                                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
                                .collect()
                        })
                        .unwrap_or_default();
                    set.namespaces.insert(name, labels);
                }
                _ => set.other_objects += 1,
            }
        }
        set
    }
}

fn metadata_str(object: &Value, field: &str) -> Option<String> {
    object["metadata"][field].as_str().map(str::to_string)
}

fn namespace_of(object: &Value, default_namespace: &str) -> String {
    metadata_str(object, "namespace")
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| default_namespace.to_string())
}

/// Admission's view of the cluster, answered from a manifest set: what the set does not hold
/// does not exist.
pub struct ManifestCluster {
    config_maps: BTreeMap<Key, ConfigMap>,
    namespaces: BTreeMap<String, BTreeMap<String, String>>,
    publications: Vec<ApiPublication>,
}

impl ManifestCluster {
    pub fn new(set: &ManifestSet, default_namespace: &str) -> Self {
        ManifestCluster {
            config_maps: set
                .config_maps
                .iter()
                .map(|(k, (cm, _))| (k.clone(), cm.clone()))
                .collect(),
            namespaces: set.namespaces.clone(),
            publications: set
                .publications
                .iter()
                .filter_map(|m| {
                    let mut p: ApiPublication = serde_json::from_value(m.object.clone()).ok()?;
                    p.metadata.namespace = Some(namespace_of(&m.object, default_namespace));
                    Some(p)
                })
                .collect(),
        }
    }
}

impl Cluster for ManifestCluster {
    fn config_map<'a>(
        &'a self,
        namespace: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<Option<ConfigMap>, ClusterError>> {
        let found = self
            .config_maps
            .get(&(namespace.to_string(), name.to_string()))
            .cloned();
        Box::pin(async move { Ok(found) })
    }

    fn namespace_labels<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Option<BTreeMap<String, String>>, ClusterError>> {
        let found = self.namespaces.get(namespace).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn publications<'a>(
        &'a self,
        namespace: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ApiPublication>, ClusterError>> {
        let found = self
            .publications
            .iter()
            .filter(|p| p.metadata.namespace.as_deref() == Some(namespace))
            .cloned()
            .collect();
        Box::pin(async move { Ok(found) })
    }
}

// === URL sources ===

/// Fetches a `spec.openapi.url` document for `--allow-network` (a trait, so tests need no
/// network).
pub trait Fetch: Send + Sync {
    fn fetch<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, String>>;
}

impl Fetch for crate::fetch::Fetcher {
    fn fetch<'a>(&'a self, url: &'a str) -> BoxFuture<'a, Result<Vec<u8>, String>> {
        Box::pin(async move {
            match crate::fetch::Fetcher::fetch(self, url, &crate::fetch::Validators::default())
                .await
            {
                Ok(crate::fetch::Fetched::Document { bytes, .. }) => Ok(bytes),
                Ok(crate::fetch::Fetched::NotModified) => {
                    Err("the server answered 304 Not Modified to an unconditional request".into())
                }
                Err(e) => Err(e.to_string()),
            }
        })
    }
}

// === deciding ===

/// What the webhook would answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Decision {
    Denied,
    AllowedWithWarnings,
    Allowed,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Denied => "denied",
            Decision::AllowedWithWarnings => "allowed with warnings",
            Decision::Allowed => "allowed",
        }
    }
}

/// Who gives the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// The API server, before any webhook: the object does not fit the CRD (schema or CEL).
    Crd,
    /// The admission webhook.
    Webhook,
    /// `--allow-network`: the fetched URL document, judged as the controller will (the webhook
    /// itself admits URL sources with a warning).
    Fetched,
}

/// The decision for one publication.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub file: String,
    pub line: usize,
    pub namespace: String,
    pub name: String,
    pub decision: Decision,
    pub stage: Stage,
    /// The enforcement in effect (the resource's, else the namespace label's, else the default).
    pub enforcement: Enforcement,
    pub ruleset: String,
    /// `inline`, `configMapRef ns/name key`, `url …`.
    pub source: String,
    /// Why it is denied (the text after kubectl's "denied the request:").
    pub message: Option<String>,
    /// What kubectl prints as `Warning:` lines.
    pub warnings: Vec<String>,
    /// What `check` adds: things the manifests alone cannot tell, which may change the
    /// decision in a real cluster.
    pub notes: Vec<String>,
}

/// Settings of a check run.
#[derive(Debug, Clone)]
pub struct Options {
    /// Namespace of objects that name none.
    pub default_namespace: String,
    /// The operator's admission settings (`run` flags).
    pub admission: admission::Config,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            default_namespace: "default".into(),
            admission: admission::Config {
                budget: CHECK_BUDGET,
                ..admission::Config::default()
            },
        }
    }
}

/// The webhook's decision for each publication of `set`, in the order found.
pub async fn check(
    set: &ManifestSet,
    options: &Options,
    fetcher: Option<&dyn Fetch>,
) -> Vec<Outcome> {
    let cluster = Arc::new(ManifestCluster::new(set, &options.default_namespace));
    let admission = Admission::new(
        options.admission.clone(),
        cluster,
        Arc::new(Metrics::default()),
    );
    let mut outcomes = Vec::new();
    for (i, m) in set.publications.iter().enumerate() {
        outcomes.push(check_one(set, options, &admission, fetcher, m, i).await);
    }
    outcomes
}

async fn check_one(
    set: &ManifestSet,
    options: &Options,
    admission: &Admission,
    fetcher: Option<&dyn Fetch>,
    m: &Manifest,
    index: usize,
) -> Outcome {
    let namespace = namespace_of(&m.object, &options.default_namespace);
    let name = metadata_str(&m.object, "name").unwrap_or_default();
    let spec = &m.object["spec"];
    let own_enforcement = spec["enforcement"]
        .as_str()
        .and_then(|s| s.parse::<Enforcement>().ok());
    let label = set
        .namespaces
        .get(&namespace)
        .and_then(|l| l.get(ENFORCEMENT_LABEL))
        .map(String::as_str);
    let enforcement = policy::resolve_enforcement(
        own_enforcement,
        label,
        options.admission.default_enforcement,
    )
    .0;
    let mut outcome = Outcome {
        file: m.file.clone(),
        line: m.line,
        namespace: namespace.clone(),
        name: name.clone(),
        decision: Decision::Allowed,
        stage: Stage::Webhook,
        enforcement,
        ruleset: spec["ruleset"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| options.admission.default_ruleset.as_str().to_string()),
        source: describe_source(spec, &namespace),
        message: None,
        warnings: Vec::new(),
        notes: notes_for(set, options, m, &namespace, own_enforcement.is_some()),
    };

    // What the API server checks before any webhook.
    if let Some(why) = crd_rejection(&m.object, &name) {
        outcome.decision = Decision::Denied;
        outcome.stage = Stage::Crd;
        outcome.message = Some(format!(
            "the API server would reject the object before the webhook sees it: {why}"
        ));
        return outcome;
    }

    let mut object = m.object.clone();
    object["metadata"]["namespace"] = Value::String(namespace.clone());
    if let (Some(url), Some(fetcher)) = (spec["openapi"]["url"].as_str(), fetcher) {
        outcome.stage = Stage::Fetched;
        match fetcher.fetch(url).await.and_then(|bytes| {
            String::from_utf8(bytes).map_err(|_| "the document is not UTF-8 text".to_string())
        }) {
            Ok(text) => {
                outcome.notes.push(format!(
                    "fetched {url} ({} bytes) and decided on it as the controller will report it; the webhook itself admits URL sources with a warning",
                    text.len()
                ));
                object["spec"]["openapi"] = json!({ "inline": text });
            }
            Err(e) => {
                let verdict = policy::unverifiable(
                    enforcement,
                    &format!("cannot fetch {url}: {e}"),
                    &options.admission.limits,
                );
                apply_verdict(
                    &mut outcome,
                    verdict.allowed,
                    verdict.message,
                    verdict.warnings,
                );
                return outcome;
            }
        }
    }

    let review = json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": format!("00000000-0000-4000-8000-{index:012}"),
            "kind": {"group": crate::api::GROUP, "version": "v1alpha1", "kind": "ApiPublication"},
            "resource": {"group": crate::api::GROUP, "version": "v1alpha1", "resource": "apipublications"},
            "requestKind": {"group": crate::api::GROUP, "version": "v1alpha1", "kind": "ApiPublication"},
            "requestResource": {"group": crate::api::GROUP, "version": "v1alpha1", "resource": "apipublications"},
            "name": name,
            "namespace": namespace,
            "operation": "CREATE",
            "userInfo": {"username": "adr-operator-check"},
            "object": object,
            "oldObject": null,
            "dryRun": true,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1"},
        }
    });
    let body = serde_json::to_vec(&review).expect("a JSON value serializes");
    let answer = serde_json::to_value(admission.review_publication(&body).await)
        .expect("an AdmissionReview serializes");
    let response = &answer["response"];
    let warnings = response["warnings"]
        .as_array()
        .map(|w| {
            w.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let allowed = response["allowed"].as_bool().unwrap_or(false);
    let message = (!allowed).then(|| {
        response["status"]["message"]
            .as_str()
            .unwrap_or("denied")
            .to_string()
    });
    apply_verdict(&mut outcome, allowed, message, warnings);
    outcome
}

fn apply_verdict(
    outcome: &mut Outcome,
    allowed: bool,
    message: Option<String>,
    warnings: Vec<String>,
) {
    outcome.decision = if !allowed {
        Decision::Denied
    } else if warnings.is_empty() {
        Decision::Allowed
    } else {
        Decision::AllowedWithWarnings
    };
    outcome.message = message;
    outcome.warnings = warnings;
}

/// Why the API server would refuse the object before calling the webhook: a missing name, a
/// spec that does not fit the CRD's types, a CEL rule of the CRD.
fn crd_rejection(object: &Value, name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("metadata.name is required".into());
    }
    let publication: ApiPublication = match serde_json::from_value(object.clone()) {
        Ok(p) => p,
        Err(e) => {
            return Some(format!(
                "the spec does not fit the ApiPublication schema: {e}"
            ))
        }
    };
    match publication.validate_cel() {
        Ok(()) => None,
        Err(errors) => Some(
            errors
                .as_slice()
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        ),
    }
}

fn describe_source(spec: &Value, namespace: &str) -> String {
    let openapi = &spec["openapi"];
    if openapi.get("inline").is_some() {
        "inline".into()
    } else if let Some(r) = openapi.get("configMapRef") {
        format!(
            "configMapRef {namespace}/{} key {}",
            r["name"].as_str().unwrap_or_default(),
            r["key"].as_str().unwrap_or_default()
        )
    } else if let Some(url) = openapi["url"].as_str() {
        format!("url {url}")
    } else {
        "none".into()
    }
}

/// What the manifests cannot tell and a real cluster might: said, never guessed.
fn notes_for(
    set: &ManifestSet,
    options: &Options,
    m: &Manifest,
    namespace: &str,
    sets_enforcement: bool,
) -> Vec<String> {
    let mut notes = Vec::new();
    if !sets_enforcement && !set.namespaces.contains_key(namespace) {
        notes.push(format!(
            "namespace {namespace} is not among the manifests, so its {ENFORCEMENT_LABEL} label is unknown here; assumed unset (operator default {})",
            options.admission.default_enforcement
        ));
    }
    if let Some(r) = m.object["spec"]["openapi"]["configMapRef"].as_object() {
        let cm_name = r.get("name").and_then(Value::as_str).unwrap_or_default();
        match set
            .config_maps
            .get(&(namespace.to_string(), cm_name.to_string()))
        {
            None => notes.push(format!(
                "ConfigMap {namespace}/{cm_name} is not among the manifests; in a cluster that has it the decision may differ"
            )),
            Some((cm, _)) => {
                let labelled = cm
                    .metadata
                    .labels
                    .as_ref()
                    .and_then(|l| l.get(OPENAPI_LABEL))
                    .is_some_and(|v| v == "true");
                if !labelled {
                    notes.push(format!(
                        "ConfigMap {namespace}/{cm_name} is not labelled {OPENAPI_LABEL}: \"true\", so the webhook does not check a change to it alone"
                    ));
                }
            }
        }
    }
    notes
}

// === reports ===

/// Counts per decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub publications: usize,
    pub denied: usize,
    pub allowed_with_warnings: usize,
    pub allowed: usize,
}

impl Totals {
    pub fn of(outcomes: &[Outcome]) -> Totals {
        let mut t = Totals {
            publications: outcomes.len(),
            ..Totals::default()
        };
        for o in outcomes {
            match o.decision {
                Decision::Denied => t.denied += 1,
                Decision::AllowedWithWarnings => t.allowed_with_warnings += 1,
                Decision::Allowed => t.allowed += 1,
            }
        }
        t
    }
}

/// Text for people: a block per publication, then the totals.
pub fn render_text(outcomes: &[Outcome], set: &ManifestSet, color: bool) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    for o in outcomes {
        let decision = match o.decision {
            Decision::Denied => paint("1;31", "denied"),
            Decision::AllowedWithWarnings => paint("1;33", "allowed with warnings"),
            Decision::Allowed => paint("1;32", "allowed"),
        };
        let _ = writeln!(
            out,
            "{}:{}: ApiPublication {}/{}: {decision}",
            o.file, o.line, o.namespace, o.name
        );
        let _ = writeln!(
            out,
            "  source {}, ruleset {}, enforcement {}{}",
            o.source,
            o.ruleset,
            o.enforcement,
            match o.stage {
                Stage::Crd => ", refused by the CRD's validation",
                Stage::Fetched => ", fetched",
                Stage::Webhook => "",
            }
        );
        for w in &o.warnings {
            let _ = writeln!(out, "  {} {w}", paint("33", "Warning:"));
        }
        if let Some(message) = &o.message {
            for line in message.lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        for n in &o.notes {
            let _ = writeln!(out, "  note: {n}");
        }
        out.push('\n');
    }
    for n in &set.notes {
        let _ = writeln!(out, "note: {n}");
    }
    let t = Totals::of(outcomes);
    if t.publications == 0 {
        out.push_str("no ApiPublication found\n");
    } else {
        let _ = writeln!(
            out,
            "{} ApiPublication{}: {} denied, {} allowed with warnings, {} allowed",
            t.publications,
            if t.publications == 1 { "" } else { "s" },
            t.denied,
            t.allowed_with_warnings,
            t.allowed
        );
    }
    out
}

/// `{"publications": [...], "summary": {...}, "notes": [...]}`.
pub fn render_json(outcomes: &[Outcome], set: &ManifestSet) -> String {
    let mut text = serde_json::to_string_pretty(&json!({
        "publications": outcomes,
        "summary": Totals::of(outcomes),
        "notes": set.notes,
    }))
    .expect("outcomes serialize");
    text.push('\n');
    text
}

/// SARIF 2.1.0: one result per denial (error) and per warning (warning), at the manifest.
pub fn render_sarif(outcomes: &[Outcome]) -> String {
    let mut results = Vec::new();
    for o in outcomes {
        let location = json!([{
            "physicalLocation": {
                "artifactLocation": {"uri": o.file.replace('\\', "/")},
                "region": {"startLine": o.line},
            },
            "logicalLocations": [{
                "name": o.name,
                "fullyQualifiedName": format!("{}/{}", o.namespace, o.name),
                "kind": "ApiPublication",
            }],
        }]);
        if let Some(message) = &o.message {
            results.push(json!({
                "ruleId": "adr-operator/denied",
                "level": "error",
                "message": {"text": format!("ApiPublication {}/{} would be denied: {message}", o.namespace, o.name)},
                "locations": location,
            }));
        }
        for w in &o.warnings {
            results.push(json!({
                "ruleId": "adr-operator/warning",
                "level": "warning",
                "message": {"text": format!("ApiPublication {}/{}: {w}", o.namespace, o.name)},
                "locations": location,
            }));
        }
    }
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "adr-operator",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/Logius-standaarden/API-Design-Rules",
                "rules": [
                    {"id": "adr-operator/denied", "shortDescription": {"text": "The admission webhook would deny this ApiPublication"}},
                    {"id": "adr-operator/warning", "shortDescription": {"text": "The admission webhook would admit this ApiPublication with a warning"}},
                ],
            }},
            "results": results,
        }],
    });
    let mut text = serde_json::to_string_pretty(&sarif).expect("SARIF serializes");
    text.push('\n');
    text
}

/// JUnit XML: a test case per publication, a failure when denied, warnings as system-out.
pub fn render_junit(outcomes: &[Outcome]) -> String {
    let t = Totals::of(outcomes);
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"adr-operator check\" tests=\"{}\" failures=\"{}\">",
        t.publications, t.denied
    );
    let _ = writeln!(
        out,
        "  <testsuite name=\"adr-operator check\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"0\">",
        t.publications, t.denied
    );
    for o in outcomes {
        let _ = write!(
            out,
            "    <testcase classname=\"{}\" name=\"{}\" file=\"{}\" line=\"{}\">",
            xml_escape(&format!("{}:{}", o.file, o.line)),
            xml_escape(&format!("ApiPublication {}/{}", o.namespace, o.name)),
            xml_escape(&o.file),
            o.line
        );
        if let Some(message) = &o.message {
            let _ = write!(
                out,
                "\n      <failure type=\"denied\" message=\"{}\">{}</failure>",
                xml_escape(message.lines().next().unwrap_or_default()),
                xml_escape(message)
            );
        }
        if !o.warnings.is_empty() || !o.notes.is_empty() {
            let text: Vec<String> = o
                .warnings
                .iter()
                .map(|w| format!("Warning: {w}"))
                .chain(o.notes.iter().map(|n| format!("note: {n}")))
                .collect();
            let _ = write!(
                out,
                "\n      <system-out>{}</system-out>",
                xml_escape(&text.join("\n"))
            );
        }
        if o.message.is_some() || !o.warnings.is_empty() || !o.notes.is_empty() {
            out.push_str("\n    ");
        }
        out.push_str("</testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_schema_scalars() {
        assert_eq!(plain("42"), json!(42));
        assert_eq!(plain("-7"), json!(-7));
        assert_eq!(plain("0x1f"), json!(31));
        assert_eq!(plain("0o17"), json!(15));
        assert_eq!(plain("1.5"), json!(1.5));
        assert_eq!(plain(".5e3"), json!(500.0));
        assert_eq!(plain("true"), json!(true));
        assert_eq!(plain("~"), Value::Null);
        assert_eq!(plain("yes"), json!("yes"));
        assert_eq!(plain("1.0.0"), json!("1.0.0"));
        assert_eq!(plain(".inf"), json!(".inf"));
        assert_eq!(plain("nan"), json!("nan"));
        assert_eq!(plain("2027-06-30"), json!("2027-06-30"));
        assert_eq!(plain("e5"), json!("e5"));
        assert_eq!(plain("."), json!("."));
    }

    #[test]
    fn documents_lines_anchors_and_merges() {
        let text = "# c\n---\nbase: &b {a: 1, b: 2}\nm:\n  <<: *b\n  b: 3\nq: \"42\"\n---\n---\nk: [&y x, *y]\n";
        let docs = parse_stream(text).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].0, 3);
        assert_eq!(
            docs[0].1,
            json!({"base": {"a": 1, "b": 2}, "m": {"a": 1, "b": 3}, "q": "42"})
        );
        assert_eq!(docs[1].0, 10);
        assert_eq!(docs[1].1, json!({"k": ["x", "x"]}));
        // Anchors belong to their document.
        assert!(parse_stream("a: &b 1\n---\nc: *b\n").is_err());
    }

    #[test]
    fn alias_bombs_are_bounded() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let err = parse_stream(&text).unwrap_err();
        assert!(err.contains("values"), "{err}");
    }
}
