//! The `lint` command line, shared by `adr-operator lint` and the lean `adr-lint` binary: its
//! arguments, the run over the inputs and the exit code (0 clean, 1 a finding at or above
//! `--fail-on`, 2 a usage, input or output error).

use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

use crate::document::LoadOptions;
use crate::lint::{lint_bytes_with_future, Severity};
use crate::report::{self, DocumentReport, Format};
use crate::ruleset::RulesetId;

/// What both binaries say they do (`--help`).
pub const ABOUT: &str = "Checks OpenAPI documents against the NL GOV API Design Rules (ADR)";

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// ADR ruleset: adr-2.0, adr-2.1, adr-2.2.0, adr-2.2.1 (adr-2.2 is an alias), adr-draft.
    #[arg(long, short = 'r', default_value = RulesetId::LATEST.as_str(), value_parser = parse_ruleset)]
    pub ruleset: RulesetId,
    /// Also report, as warnings kept apart in text and json, what the next ADR version would
    /// make an error (2.0 → 2.1, 2.1 and 2.2.0 → 2.2.1, 2.2.1 → draft).
    #[arg(long)]
    pub future: bool,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with 1 when a finding has this severity or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Never colour the text output (colour is used only on a terminal anyway).
    #[arg(long)]
    pub no_color: bool,
    /// Documents to lint (`-` reads standard input).
    #[arg(required = true)]
    pub inputs: Vec<String>,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warn,
    Info,
    Hint,
    None,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warn => Some(Severity::Warn),
            FailOn::Info => Some(Severity::Info),
            FailOn::Hint => Some(Severity::Hint),
            FailOn::None => None,
        }
    }
}

pub fn parse_ruleset(s: &str) -> Result<RulesetId, String> {
    s.parse()
}

/// Lints every input and prints one report of them all; `program` prefixes error messages.
/// Call it on a thread with the lint stack ([`crate::lint::with_lint_stack`]).
pub fn lint(program: &str, args: LintArgs) -> ExitCode {
    let ruleset = args.ruleset.ruleset();
    let future = args.future.then(|| args.ruleset.next()).flatten();
    let next = future.map(RulesetId::ruleset);
    let options = LoadOptions::default();
    let mut reports = Vec::new();
    for input in &args.inputs {
        let bytes = match read_input(input, options.limits.max_input_bytes) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{program}: cannot read {input}: {e}");
                return ExitCode::from(2);
            }
        };
        match lint_bytes_with_future(input, &bytes, ruleset, next, &options) {
            Ok(linted) => reports.push(DocumentReport {
                source: input.clone(),
                findings: linted.findings,
                future: linted.future,
            }),
            Err(e) => {
                eprintln!("{program}: {input}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let color = args.format == Format::Text && !args.no_color && std::io::stdout().is_terminal();
    let info = report::RulesetInfo {
        id: args.ruleset.as_str(),
        ruleset,
        future,
    };
    let out = report::render(args.format, info, &reports, color);
    if print(program, &out) != ExitCode::SUCCESS {
        return ExitCode::from(2);
    }
    let failed = args.fail_on.threshold().is_some_and(|t| {
        reports
            .iter()
            .flat_map(|r| r.findings.iter().chain(&r.future))
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

/// Writes `text` to standard output: exit code 2 on a write error, with a message.
pub fn print(program: &str, text: &str) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush())
    {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{program}: cannot write output: {e}");
            ExitCode::from(2)
        }
    }
}
