//! The `lint` command line as a process: the exit codes of the README's contract (0 clean, 1 a
//! finding at or above `--fail-on`, 2 a usage or input error), and `adr-lint` answering exactly
//! as `adr-operator lint` does for every format, ruleset option and kind of input.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const ADR_OPERATOR: &str = env!("CARGO_BIN_EXE_adr-operator");
const ADR_LINT: &str = env!("CARGO_BIN_EXE_adr-lint");

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/openapi")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Runs `adr-operator lint ARGS` or `adr-lint ARGS`, with `stdin` as standard input.
fn run(binary: &str, args: &[&str], stdin: &[u8]) -> Output {
    let mut command = Command::new(binary);
    if binary == ADR_OPERATOR {
        command.arg("lint");
    }
    let mut child = command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A usage error exits without reading: a closed pipe is expected then.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

#[test]
fn exit_codes_follow_the_contract() {
    let compliant = example("compliant-baseline.json");
    let cor = example("cor-api.json");
    for binary in [ADR_OPERATOR, ADR_LINT] {
        let cases: &[(&[&str], &[u8], i32)] = &[
            (&[&compliant], b"", 0),
            (&["--fail-on", "hint", &compliant], b"", 0),
            (&[&cor], b"", 1),
            (&["--fail-on", "none", &cor], b"", 0),
            (&[&compliant, &cor], b"", 1),
            (&["-"], b"openapi: 3.0.3\ninfo: [\n", 1),
            (&["/nonexistent/api.json"], b"", 2),
            (&["--ruleset", "adr-9", &compliant], b"", 2),
            (&["--bogus", &compliant], b"", 2),
            (&[], b"", 2),
        ];
        for (args, stdin, expected) in cases {
            let out = run(binary, args, stdin);
            assert_eq!(
                code(&out),
                *expected,
                "{binary} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn adr_lint_answers_as_adr_operator_lint() {
    let inputs = [
        example("cor-api.json"),
        example("compliant-baseline.json"),
        example("brp-api-gezag.yaml"),
    ];
    let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
    let stdin = std::fs::read(example("don-tools-api.json")).unwrap();
    let formats = ["text", "json", "spectral-json", "sarif", "junit", "github"];
    let mut runs: Vec<Vec<&str>> = formats
        .iter()
        .map(|&f| [&["--format", f][..], &inputs].concat())
        .collect();
    runs.push(vec!["-r", "adr-2.0", "--future", "-f", "json", "-"]);
    runs.push(vec![
        "--ruleset",
        "adr-draft",
        "--fail-on",
        "warn",
        inputs[1],
    ]);
    runs.push(vec!["--help"]);
    for args in &runs {
        let ours = run(ADR_OPERATOR, args, &stdin);
        let lean = run(ADR_LINT, args, &stdin);
        assert_eq!(code(&lean), code(&ours), "{args:?}");
        let stdout = |o: &Output| String::from_utf8(o.stdout.clone()).unwrap();
        if args == &["--help"] {
            // The same arguments and options; the header names the binary, and only `adr-lint`
            // has its own `--version`.
            let options = |o: &Output| {
                let help = stdout(o);
                let start = help.find("Arguments:").expect("an Arguments section");
                let end = help.find("  -h, --help").expect("a --help option");
                help[start..end].to_owned()
            };
            assert_eq!(options(&lean), options(&ours));
            assert!(stdout(&lean).contains("Usage: adr-lint [OPTIONS] <INPUTS>..."));
        } else {
            assert!(!ours.stdout.is_empty(), "{args:?}");
            assert_eq!(stdout(&lean), stdout(&ours), "{args:?}");
        }
    }
}

#[test]
fn errors_name_the_binary() {
    for (binary, name) in [(ADR_OPERATOR, "adr-operator"), (ADR_LINT, "adr-lint")] {
        let out = run(binary, &["/nonexistent/api.json"], b"");
        assert_eq!(
            String::from_utf8(out.stderr).unwrap(),
            format!(
                "{name}: cannot read /nonexistent/api.json: No such file or directory (os error 2)\n"
            )
        );
    }
}
