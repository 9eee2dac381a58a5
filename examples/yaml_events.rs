//! In-process time of the YAML events alone, saphyr-parser against the fast producer
//! (`document::yaml::fast`), interleaved: for each file, the median over `RUNS` runs (default
//! 30) of each, in milliseconds, and the fast producer's speed-up.
//!   cargo run --release --example yaml_events -- [--runs N] FILE...

use std::time::Instant;

use adr_operator::document::yaml::fast::FastEvents;
use saphyr_parser::Parser;

// The allocator of the `adr-operator` binary, so that the time is the webhook's.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() -> Result<(), String> {
    let mut runs: usize = 30;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--runs" => {
                runs = args
                    .next()
                    .ok_or("--runs N")?
                    .parse()
                    .map_err(|e| format!("--runs: {e}"))?;
            }
            _ => files.push(arg),
        }
    }
    println!("file\tMB\tsaphyr ms\tfast ms\tspeed-up");
    for path in &files {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        let body = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let (mut saphyr, mut fast) = (Vec::new(), Vec::new());
        for _ in 0..=runs {
            let start = Instant::now();
            let n = Parser::new_from_str(body).take_while(Result::is_ok).count();
            saphyr.push(start.elapsed().as_secs_f64() * 1e3);
            let start = Instant::now();
            let mut events = FastEvents::new(body);
            let m = events.by_ref().count();
            fast.push(start.elapsed().as_secs_f64() * 1e3);
            if !events.finished() {
                return Err(format!("{path}: gave up: {:?}", events.unsupported()));
            }
            assert_eq!(n, m, "{path}: event counts differ");
        }
        // The first run of each warms up.
        let (s, f) = (median(&mut saphyr[1..]), median(&mut fast[1..]));
        println!(
            "{path}\t{:.2}\t{s:.2}\t{f:.2}\t{:.1}x",
            body.len() as f64 / 1e6,
            s / f
        );
    }
    Ok(())
}
