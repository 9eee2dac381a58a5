//! The `adr-operator` command line (the stable contract is in the README's CLI reference).

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use adr_operator::document::LoadOptions;
use adr_operator::lint::{lint_bytes, Severity};
use adr_operator::report::{self, DocumentReport, Format};
use adr_operator::ruleset::RulesetId;

#[derive(Parser)]
#[command(
    name = "adr-operator",
    version,
    about = "Checks OpenAPI documents against the NL GOV API Design Rules (ADR)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Lint OpenAPI documents (files, or - for standard input) against an ADR ruleset.
    Lint(LintArgs),
    /// List the rules of a ruleset with their ADR rule, severity and documentation URL.
    Rules(RulesArgs),
}

#[derive(clap::Args)]
struct LintArgs {
    /// ADR ruleset: adr-2.2.0, adr-2.2.1 (adr-2.2 is an alias), adr-draft.
    #[arg(long, short = 'r', default_value = RulesetId::LATEST.as_str(), value_parser = parse_ruleset)]
    ruleset: RulesetId,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when a finding has this severity or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Never colour the text output (colour is used only on a terminal anyway).
    #[arg(long)]
    no_color: bool,
    /// Documents to lint (`-` reads standard input).
    #[arg(required = true)]
    inputs: Vec<String>,
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
enum FailOn {
    Error,
    Warn,
    Info,
    Hint,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Text,
    Markdown,
}

fn parse_ruleset(s: &str) -> Result<RulesetId, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Lint(args) => lint(args),
        Command::Rules(args) => {
            let out = adr_operator::catalogue::render(
                args.ruleset,
                matches!(args.format, RulesFormat::Markdown),
            );
            print(&out)
        }
    }
}

fn lint(args: LintArgs) -> ExitCode {
    let ruleset = args.ruleset.ruleset();
    let options = LoadOptions::default();
    let mut reports = Vec::new();
    for input in &args.inputs {
        let bytes = match read_input(input, options.limits.max_input_bytes) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("adr-operator: cannot read {input}: {e}");
                return ExitCode::from(2);
            }
        };
        match lint_bytes(input, &bytes, &ruleset, &options) {
            Ok(findings) => reports.push(DocumentReport {
                source: input.clone(),
                findings,
            }),
            Err(e) => {
                eprintln!("adr-operator: {input}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let color = args.format == Format::Text && !args.no_color && std::io::stdout().is_terminal();
    let out = report::render(args.format, args.ruleset.as_str(), &reports, color);
    if print(&out) != ExitCode::SUCCESS {
        return ExitCode::from(2);
    }
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warn => Some(Severity::Warn),
        FailOn::Info => Some(Severity::Info),
        FailOn::Hint => Some(Severity::Hint),
        FailOn::None => None,
    };
    let failed = threshold.is_some_and(|t| {
        reports
            .iter()
            .flat_map(|r| r.findings.iter())
            .any(|f| f.severity <= t)
    });
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Reads an input, refusing (before reading) one larger than the engine would accept.
fn read_input(input: &str, limit: usize) -> Result<Vec<u8>, String> {
    let too_large = |size: u64| format!("{size} bytes exceeds the input limit of {limit} bytes");
    if input == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .take(limit as u64 + 1)
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        if buf.len() > limit {
            return Err(too_large(buf.len() as u64));
        }
        return Ok(buf);
    }
    let size = std::fs::metadata(input).map_err(|e| e.to_string())?.len();
    if size > limit as u64 {
        return Err(too_large(size));
    }
    std::fs::read(input).map_err(|e| e.to_string())
}

fn print(text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("adr-operator: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}
