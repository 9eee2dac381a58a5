//! The benchmark floor: read a file and parse it into a `serde_json::Value`, nothing else.
//! `bench/compare.sh` compares a whole `adr-operator lint` run against this.

fn main() {
    let path = std::env::args().nth(1).expect("usage: parse_floor FILE");
    let bytes = std::fs::read(&path).expect("readable file");
    let value: serde_json::Value = serde_json::from_slice(&bytes).expect("JSON document");
    // Keep the value alive until here so its memory is counted.
    println!("{}", value.as_object().map_or(0, |o| o.len()));
}
