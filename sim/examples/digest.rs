//! Digest of every built-in scenario's records at a fixed seed: one line per scenario
//! with a hash of every epoch, provider and job record (`records-digest`), and one of
//! those and the summary (timing fields left out; `digest`): a change that only adds
//! summary figures keeps the first. A change meant to keep behaviour (a refactor, a speed-up) keeps these
//! lines; compare them before and after without building Polars:
//!
//! ```sh
//! cargo run --release -p flopmarket-sim --example digest > before.txt
//! # ... change ...
//! cargo run --release -p flopmarket-sim --example digest > after.txt && diff before.txt after.txt
//! ```
//!
//! Arguments: `[SEED] [DURATION]` (default 7 and each scenario's own duration), e.g.
//! `digest 7 90d` for a quicker check. `.ci/outputs` compares the written files too.

use std::hash::{DefaultHasher, Hash, Hasher};

use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord, RecordSink};
use flopmarket_sim::scenario::BUILTIN;
use flopmarket_sim::{RunOptions, Scenario, run};

/// Hashes the `Debug` text of each record (f64 `Debug` prints the shortest text that
/// reads back to the same bits, so equal text means equal values).
#[derive(Default)]
struct Digest {
    hasher: DefaultHasher,
    records: u64,
}

impl Digest {
    fn add(&mut self, kind: u8, text: String) {
        kind.hash(&mut self.hasher);
        text.hash(&mut self.hasher);
        self.records += 1;
    }
}

impl RecordSink for Digest {
    fn epoch(&mut self, r: &EpochRecord) {
        self.add(0, format!("{r:?}"));
    }
    fn provider(&mut self, r: &ProviderRecord) {
        self.add(1, format!("{r:?}"));
    }
    fn job(&mut self, r: &JobRecord) {
        self.add(2, format!("{r:?}"));
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed: u64 = args
        .first()
        .map_or(7, |s| s.parse().expect("SEED is a number"));
    let mut overrides = Vec::new();
    if let Some(d) = args.get(1) {
        overrides.push(format!("scenario.duration=\"{d}\""));
    }
    for (name, text) in BUILTIN {
        let mut sc = Scenario::parse(text, &format!("<built-in {name}>"), &overrides)
            .expect("built-in scenario parses");
        sc.seed = seed;
        let result = run(
            &sc,
            Digest::default(),
            RunOptions { jobs_log: true },
            |_| {},
        );
        let mut digest = result.sink;
        let records_only = digest.hasher.clone().finish();
        // The summary as summary.json has it (its JSON keys, not its Rust layout),
        // without the timing fields.
        let mut json = serde_json::to_value(&result.summary).expect("summary serializes");
        if let Some(map) = json.as_object_mut() {
            map.remove("wall_s");
            map.remove("events_per_s");
        }
        digest.add(3, json.to_string());
        println!(
            "{name:<14} records {:>9} records-digest {records_only:016x} digest {:016x}",
            digest.records,
            digest.hasher.finish()
        );
    }
}
