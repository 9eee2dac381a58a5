//! `adr-lint`: `adr-operator lint` as a binary of its own, for CI steps and pre-commit hooks that
//! start one process per document. Same arguments, output and exit codes (`src/cli.rs`), but
//! without the operator's Kubernetes client, CEL, TLS and HTTP code: a sixth of the size, and
//! a start that does not relocate them (bench/README.md, "A lean lint binary").

use std::process::ExitCode;

use clap::Parser;

use adr_operator::cli::{self, LintArgs};

// The allocator of `adr-operator`, for the same speed and memory on large documents.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const PROGRAM: &str = "adr-lint";

#[derive(Parser)]
#[command(name = "adr-lint", version, about = cli::ABOUT)]
struct AdrLint {
    #[command(flatten)]
    args: LintArgs,
}

fn main() -> ExitCode {
    let args = AdrLint::parse().args;
    adr_operator::lint::with_lint_stack(|| cli::lint(PROGRAM, args))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn command_is_consistent() {
        AdrLint::command().debug_assert();
    }
}
