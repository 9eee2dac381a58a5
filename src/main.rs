//! The `adr-operator` command line (the stable contract is in the README's CLI reference).

// jemalloc: a lint allocates a small string or vector per node of the document, and glibc's
// allocator (musl's in the container image, slower still) spent a fifth of a large lint in page
// faults and free-list work: with jemalloc the lint of GitHub's 13 MB description takes 0.27 s
// instead of 0.39 s, at a lower peak memory (bench/README.md). mimalloc was as fast but held
// twice the memory on 1 MB documents.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

use adr_operator::admission::{self, Admission};
use adr_operator::api::Enforcement;
use adr_operator::cli::{self, parse_ruleset, LintArgs};
use adr_operator::controller;
use adr_operator::metrics::Metrics;
use adr_operator::ruleset::RulesetId;
use adr_operator::server;
use adr_operator::source::{Cluster, KubeCluster, NoCluster};

const PROGRAM: &str = "adr-operator";

#[derive(Parser)]
#[command(name = "adr-operator", version, about = cli::ABOUT)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The same command line with the `lint` subcommand alone, for `adr-operator lint ...`: a CI
/// step runs one per document, and building every subcommand's arguments (`run` has 25, with
/// their help) was ~0.19 M instructions of a 2 KB document's 3.3 M. When the first argument is
/// `lint` nothing else can match, so the parse, its help and its errors are those of the full
/// command (the tests below compare them).
#[derive(Parser)]
#[command(name = "adr-operator", version, about = cli::ABOUT)]
struct LintCli {
    #[command(subcommand)]
    command: LintCommand,
}

#[derive(Subcommand)]
enum LintCommand {
    /// Lint OpenAPI documents (files, or - for standard input) against an ADR ruleset.
    Lint(LintArgs),
}

impl Cli {
    /// Parses the process's arguments, building only `lint` when that is the subcommand.
    fn parse_args() -> Command {
        if std::env::args_os().nth(1).is_some_and(|arg| arg == "lint") {
            let LintCli {
                command: LintCommand::Lint(args),
            } = LintCli::parse();
            return Command::Lint(args);
        }
        Cli::parse().command
    }
}

#[derive(Subcommand)]
enum Command {
    /// Lint OpenAPI documents (files, or - for standard input) against an ADR ruleset.
    Lint(LintArgs),
    /// List the rules of a ruleset with their ADR rule, severity and documentation URL.
    Rules(RulesArgs),
    /// Print the ApiPublication CustomResourceDefinition (YAML).
    Crd,
    /// Serve the admission webhook (TLS) and /metrics, /livez, /readyz (plain HTTP).
    Run(Box<RunArgs>),
    /// Show the admission webhook's decision for every ApiPublication in manifest files or
    /// directories (a GitOps repository), resolving ConfigMaps and namespace labels from them.
    Check(adr_operator::check::Args),
}

#[derive(clap::Args)]
struct RunArgs {
    #[command(flatten)]
    tls: adr_operator::certs::Args,
    /// PEM certificate chain of the webhook; re-read when the file changes.
    #[arg(long)]
    tls_cert_file: PathBuf,
    /// PEM private key of the webhook; re-read when the file changes.
    #[arg(long)]
    tls_key_file: PathBuf,
    /// TLS address of POST /validate/apipublications and /validate/configmaps.
    #[arg(long, default_value = "0.0.0.0:8443")]
    webhook_addr: SocketAddr,
    /// Plain HTTP address of /metrics, /livez and /readyz.
    #[arg(long, default_value = "0.0.0.0:8080")]
    metrics_addr: SocketAddr,
    /// Serve only the webhook. Without a reachable cluster, inline documents are still checked;
    /// ConfigMap sources and namespace defaults then need the API and say so.
    #[arg(long)]
    no_controller: bool,
    /// Enforcement of publications that set none, in namespaces without the label
    /// apistrategie.nl/enforcement: Enforce, Warn or Audit.
    #[arg(long, default_value = "Enforce", value_parser = parse_enforcement)]
    default_enforcement: Enforcement,
    /// Ruleset of publications that set none.
    #[arg(long, default_value = RulesetId::LATEST.as_str(), value_parser = parse_ruleset)]
    default_ruleset: RulesetId,
    /// Longest time one admission review may take (e.g. 3s, 500ms); keep it well under the
    /// webhook's timeoutSeconds.
    #[arg(long, default_value = "3s", value_parser = parse_duration)]
    admission_budget: Duration,
    /// Largest OpenAPI document the webhook lints, in bytes.
    #[arg(long, default_value_t = 3 * 1024 * 1024)]
    max_document_bytes: usize,
    /// How often the certificate files are checked for a change.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    cert_reload_interval: Duration,
    /// How often the controller re-validates every publication and re-fetches URL sources
    /// (conditionally, with ETag / If-Modified-Since); each publication adds up to 10 % jitter.
    #[arg(long, default_value = "1h", value_parser = parse_duration)]
    refetch_interval: Duration,
    /// Only fetch URL sources from these hosts (`api.example.nl`, `*.example.nl`); repeat the
    /// flag for more. Without it every public host may be fetched.
    #[arg(long = "fetch-allowed-host", value_name = "HOST")]
    fetch_allowed_hosts: Vec<String>,
    /// Let URL sources resolve into this private network (CIDR, e.g. 10.20.0.0/16, for an
    /// in-cluster mirror); repeat for more. Private, loopback and link-local addresses are
    /// refused otherwise, also after redirects.
    #[arg(long = "fetch-allow-network", value_name = "CIDR")]
    fetch_allowed_networks: Vec<adr_operator::fetch::IpNet>,
    /// Also fetch plain http:// URL sources (the CRD admits only https:// URLs).
    #[arg(long)]
    fetch_allow_http: bool,
    /// Also fetch and check `url` sources during admission, under the fetch guards above and
    /// within --admission-fetch-timeout. Needs --fetch-allowed-host: the API server waits on
    /// this request, so only hosts you trust to answer fast. A failed fetch is not a denial:
    /// the answer is then the one without fetching (allowed with a warning).
    #[arg(long, requires = "fetch_allowed_hosts")]
    admission_fetch_urls: bool,
    /// Longest a URL fetch during admission may take, redirects included; must be shorter
    /// than --admission-budget, which also covers the lint.
    #[arg(long, default_value = "2s", value_parser = parse_duration)]
    admission_fetch_timeout: Duration,
    /// Connect timeout of a URL fetch (TCP and TLS), per address.
    #[arg(long, default_value = "5s", value_parser = parse_duration)]
    fetch_connect_timeout: Duration,
    /// Read timeout of a URL fetch: for the response head and between body chunks.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    fetch_read_timeout: Duration,
    /// Reconcile without leader election (a single replica, or a local trial).
    #[arg(long)]
    no_leader_election: bool,
    /// Name of the Lease the replicas elect a controller with.
    #[arg(long, default_value = "adr-operator")]
    lease_name: String,
    /// Namespace of the Lease; defaults to $POD_NAMESPACE, then to the service account's
    /// namespace, then to `default`.
    #[arg(long)]
    lease_namespace: Option<String>,
    /// Log filter (`info`, `debug`, `adr_operator=debug,kube=info`); without it RUST_LOG, then
    /// `info`.
    #[arg(long)]
    log_level: Option<String>,
}

#[derive(clap::Args)]
struct RulesArgs {
    #[arg(long, short = 'r', default_value = RulesetId::LATEST.as_str(), value_parser = parse_ruleset)]
    ruleset: RulesetId,
    /// `text` for a table in the terminal, `markdown` for the README's rule catalogue.
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    format: RulesFormat,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Markdown,
}

fn parse_enforcement(s: &str) -> Result<Enforcement, String> {
    s.parse()
}

/// `500ms`, `3s`, `2m`, `1h`.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let (number, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = number
        .parse()
        .map_err(|_| format!("'{s}' is not a duration such as 500ms, 3s, 2m or 1h"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(format!(
            "'{s}' is not a duration such as 500ms, 3s, 2m or 1h"
        )),
    }
}

fn main() -> ExitCode {
    match Cli::parse_args() {
        // One thread with the stack a lint needs: the documents' validations need none each.
        Command::Lint(args) => adr_operator::lint::with_lint_stack(|| cli::lint(PROGRAM, args)),
        Command::Rules(args) => {
            let out = adr_operator::catalogue::render(
                args.ruleset,
                matches!(args.format, RulesFormat::Markdown),
            );
            cli::print(PROGRAM, &out)
        }
        Command::Crd => cli::print(PROGRAM, &adr_operator::api::crd_yaml()),
        Command::Run(args) => run(*args),
        Command::Check(args) => adr_operator::check::main(args),
    }
}

fn run(args: RunArgs) -> ExitCode {
    if args.admission_fetch_urls && args.admission_fetch_timeout >= args.admission_budget {
        eprintln!(
            "adr-operator: --admission-fetch-timeout ({:?}) must be shorter than --admission-budget ({:?}), which also covers the lint",
            args.admission_fetch_timeout, args.admission_budget
        );
        return ExitCode::from(2);
    }
    // --log-level, else RUST_LOG, else info.
    let filter = match &args.log_level {
        Some(level) => match tracing_subscriber::EnvFilter::try_new(level) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("adr-operator: --log-level {level}: {e}");
                return ExitCode::from(2);
            }
        },
        None => tracing_subscriber::EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
    };
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(filter)
        .init();
    // Lints run on the blocking pool; with the stack they need, they validate in place.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(adr_operator::lint::LINT_STACK_BYTES)
        .on_thread_start(adr_operator::lint::mark_thread_stack_deep)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("adr-operator: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("adr-operator: {e:#}");
            ExitCode::from(2)
        }
    }
}

async fn serve(args: RunArgs) -> anyhow::Result<()> {
    server::install_crypto_provider();
    let client = match kube::Client::try_default().await {
        Ok(client) => Some(client),
        Err(e) if args.no_controller => {
            tracing::warn!(error = %e, "no Kubernetes API: checking inline documents only");
            None
        }
        Err(e) => anyhow::bail!(
            "no Kubernetes API ({e}); pass --no-controller to serve the webhook for inline documents without one"
        ),
    };
    let cluster: Arc<dyn Cluster> = match &client {
        Some(client) => Arc::new(KubeCluster::new(client.clone())),
        None => Arc::new(NoCluster),
    };
    if args.tls.self_managed_tls {
        // The server needs the certificate files before it starts; then every replica keeps
        // the Secret, the files and the caBundle in step.
        let Some(client) = &client else {
            anyhow::bail!(
                "--self-managed-tls needs the Kubernetes API (the certificate lives in a Secret)"
            );
        };
        let settings = adr_operator::certs::Settings::from_args(
            &args.tls,
            client.default_namespace(),
            args.tls_cert_file.clone(),
            args.tls_key_file.clone(),
        );
        let manager = adr_operator::certs::Manager::new(client.clone(), settings);
        manager.bootstrap().await?;
        tokio::spawn(manager.run(args.tls.cert_check_interval));
    }
    let metrics = Arc::new(Metrics::default());
    let readiness = server::Readiness::default();
    let controller = match (&client, args.no_controller) {
        (Some(client), false) => {
            // Closed before the servers start, so /readyz never says ready too early.
            readiness.set(controller::READINESS_GATE, false);
            Some(controller_context(&args, client.clone(), metrics.clone()))
        }
        _ => None,
    };
    let url_fetcher = args.admission_fetch_urls.then(|| {
        let mut fetch = fetch_config(&args);
        fetch.total_timeout = args.admission_fetch_timeout;
        fetch.connect_timeout = fetch.connect_timeout.min(args.admission_fetch_timeout);
        fetch.read_timeout = fetch.read_timeout.min(args.admission_fetch_timeout);
        Arc::new(adr_operator::fetch::Fetcher::new(fetch))
    });
    let admission = Arc::new(Admission::new(
        admission::Config {
            default_enforcement: args.default_enforcement,
            default_ruleset: args.default_ruleset,
            budget: args.admission_budget,
            max_document_bytes: args.max_document_bytes,
            url_fetcher,
            ..admission::Config::default()
        },
        cluster,
        metrics.clone(),
    ));
    let running = server::start_with_readiness(
        server::Config {
            webhook_addr: args.webhook_addr,
            metrics_addr: args.metrics_addr,
            tls_cert_file: args.tls_cert_file,
            tls_key_file: args.tls_key_file,
            cert_reload_interval: args.cert_reload_interval,
            max_review_bytes: 4 * args.max_document_bytes + 1024 * 1024,
        },
        admission,
        metrics,
        readiness.clone(),
    )
    .await?;
    // One signal, two listeners: the servers drain reviews in flight while the controller
    // finishes its reconciles and releases the Lease.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let stop = Arc::new(stop);
    let on_signal = stop.clone();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down");
        let _ = on_signal.send(true);
    });
    let controller = controller.map(|ctx| {
        let election = (!args.no_leader_election).then(|| controller::Election {
            lease_name: args.lease_name.clone(),
            lease_namespace: args.lease_namespace.clone().unwrap_or_else(own_namespace),
            identity: pod_name(),
        });
        let run = controller::run(Arc::new(ctx), readiness.clone(), election, stopped.clone());
        let stop = stop.clone();
        tokio::spawn(async move {
            let result = run.await;
            if let Err(e) = &result {
                // Without a controller this replica would stay unready for good; exit so the
                // failure shows (and the kubelet retries with backoff).
                tracing::error!(error = %e, "controller failed; shutting down");
                let _ = stop.send(true);
            }
            result
        })
    });
    let mut server_stopped = stopped.clone();
    let served = running
        .serve_until(async move {
            let _ = server_stopped.wait_for(|s| *s).await;
        })
        .await;
    let controlled = match controller {
        Some(task) => task.await?,
        None => Ok(()),
    };
    served?;
    controlled?;
    Ok(())
}

fn controller_context(
    args: &RunArgs,
    client: kube::Client,
    metrics: Arc<Metrics>,
) -> controller::Context {
    let reporter = kube::runtime::events::Reporter {
        controller: controller::FIELD_MANAGER.into(),
        instance: Some(pod_name()),
    };
    controller::Context::new(
        client,
        reporter,
        metrics,
        controller::Config {
            default_ruleset: args.default_ruleset,
            default_enforcement: args.default_enforcement,
            refetch_interval: args.refetch_interval,
            max_document_bytes: args.max_document_bytes,
            fetch: fetch_config(args),
            ..controller::Config::default()
        },
    )
}

/// The URL fetch guards of the `--fetch-*` flags (the controller's, and admission's if asked).
fn fetch_config(args: &RunArgs) -> adr_operator::fetch::Config {
    adr_operator::fetch::Config {
        allow_http: args.fetch_allow_http,
        allowed_hosts: args.fetch_allowed_hosts.clone(),
        allowed_networks: args.fetch_allowed_networks.clone(),
        connect_timeout: args.fetch_connect_timeout,
        read_timeout: args.fetch_read_timeout,
        max_bytes: args.max_document_bytes,
        ..adr_operator::fetch::Config::default()
    }
}

/// This replica's name: $POD_NAME (the Downward API), else the host name (a pod's hostname is
/// its name).
fn pod_name() -> String {
    std::env::var("POD_NAME")
        .ok()
        .filter(|s| !s.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|s| s.trim().to_string())
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "adr-operator".into())
}

/// The operator's namespace: $POD_NAMESPACE, else the mounted service account's, else `default`.
fn own_namespace() -> String {
    std::env::var("POD_NAMESPACE")
        .ok()
        .or_else(|| {
            std::fs::read_to_string("/var/run/secrets/kubernetes.io/serviceaccount/namespace").ok()
        })
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".into())
}

/// SIGTERM (the kubelet) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// What a parse comes to, as a user sees it: the lint arguments, or the error's kind, exit
    /// code and text (plain and coloured; help and usage are errors of kind `DisplayHelp`).
    fn outcome<T>(parsed: Result<T, clap::Error>, lint: impl Fn(T) -> LintArgs) -> String {
        match parsed {
            Ok(parsed) => format!("ok {:?}", lint(parsed)),
            Err(e) => format!(
                "error {:?} exit {}\n{}\n{}",
                e.kind(),
                e.exit_code(),
                e.render(),
                e.render().ansi()
            ),
        }
    }

    #[test]
    fn lint_alone_parses_helps_and_fails_as_the_full_command() {
        let cases: &[&[&str]] = &[
            &["lint", "api.json"],
            &[
                "lint", "-r", "adr-2.0", "-f", "sarif", "a.yaml", "-", "b.json",
            ],
            &[
                "lint",
                "--ruleset",
                "adr-2.2",
                "--future",
                "--format",
                "json",
                "--fail-on",
                "warn",
                "--no-color",
                "--",
                "--odd-name.json",
            ],
            &["lint", "--fail-on=none", "--format=github", "x"],
            &["lint", "--help"],
            &["lint", "-h"],
            &["lint", "x", "--help"],
            &["lint"],
            &["lint", "-r"],
            &["lint", "--bogus", "x"],
            &["lint", "--fromat", "json", "x"],
            &["lint", "--ruleset", "adr-9", "x"],
            &["lint", "--format", "xml", "x"],
            &["lint", "--fail-on", "bad", "x"],
            &["lint", "--version", "x"],
            &["lint", "-V", "x"],
            &["lint", "--future", "--future", "x"],
            &["lint", "--no-color=yes", "x"],
            &["lint", "help"],
        ];
        for case in cases {
            let argv = || std::iter::once("adr-operator").chain(case.iter().copied());
            let full = outcome(Cli::try_parse_from(argv()), |cli| match cli.command {
                Command::Lint(args) => args,
                _ => panic!("{case:?} parsed as another subcommand"),
            });
            let alone = outcome(LintCli::try_parse_from(argv()), |cli| {
                let LintCommand::Lint(args) = cli.command;
                args
            });
            assert_eq!(alone, full, "adr-operator {}", case.join(" "));
        }
    }

    #[test]
    fn full_command_is_consistent() {
        Cli::command().debug_assert();
        LintCli::command().debug_assert();
    }
}
