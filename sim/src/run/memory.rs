//! What a run will need in memory, estimated from the validated scenario before any
//! provider or job is built, so that a scenario too big for the machine is refused with
//! a clear message (exit 2 in the CLI) instead of aborting on a failed allocation.
//!
//! The estimate is an upper bound of the structures that grow with the scenario: every
//! provider that can exist (the cohorts' counts, plus every entrant entry and exit could
//! add), their output rows, the jobs that can be in flight at once (running on every GPU
//! plus waiting through their patience at the peak arrival rate), the jobs log when it
//! is kept, and the epoch rows. Sizes come from the types themselves (`size_of`) plus
//! the strings each row holds, and a factor for vectors that grow by doubling.

use std::fmt;

use crate::base::time::{YEAR, to_hours};
use crate::data::records::{EpochRecord, JobRecord, ProviderRecord};
use crate::parts::job::Job;
use crate::parts::provider::Provider;
use crate::scenario::Scenario;

/// Bytes a growing vector may hold per element it uses (capacity doubling) [ratio].
const GROWTH_SLACK: f64 = 2.0;
/// Heap bytes of the strings in one output row (cohort, GPU model, region, ...) [B].
const ROW_STRING_BYTES: u64 = 96;
/// Per-provider index entries: the order book's buckets and lists [B].
const BOOK_BYTES_PER_PROVIDER: u64 = 64;
/// The program itself, embedded data, allocator and Polars at rest [B].
const BASE_BYTES: u64 = 64 << 20;

/// The providers that can exist in the network of `sc` over `epochs` (its cohorts plus
/// every entrant entry and exit could add) and its starting GPUs.
fn supply(sc: &Scenario, epochs: u64) -> (f64, f64) {
    let providers: f64 = sc
        .cohorts
        .iter()
        .map(|c| {
            // Joiners per epoch: a share of the active providers, which entry keeps
            // under `max_count` (a cohort that starts above it only refills it).
            let entrants = c.entry_exit.as_ref().map_or(0.0, |e| {
                let max = f64::from(e.max_count);
                let per_epoch = (e.entry_per_epoch * max).ceil().max(1.0).min(max);
                per_epoch * epochs as f64
            });
            f64::from(c.count) + entrants
        })
        .sum();
    let gpus: f64 = sc
        .cohorts
        .iter()
        .map(|c| f64::from(c.count) * f64::from(c.gpus_per_provider))
        .sum();
    (providers, gpus)
}

/// A run's estimated peak memory, by part.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryEstimate {
    /// Providers that can exist during the run (initial plus possible entrants).
    pub providers: u64,
    /// Jobs that can be in flight at once.
    pub jobs_in_flight: u64,
    /// Jobs expected to arrive over the run.
    pub jobs_expected: u64,
    /// (part, bytes), largest first.
    pub parts: Vec<(&'static str, u64)>,
    /// Total [B].
    pub bytes: u64,
}

impl MemoryEstimate {
    /// Estimates the run of `sc`, with or without the jobs log.
    pub fn of(sc: &Scenario, jobs_log: bool) -> MemoryEstimate {
        let epochs = sc.duration.div_ceil(sc.epoch.max(1));
        let (providers, gpus) = match &sc.world {
            // A world: every network's supply, the listings of multi-homed hosts, and
            // at most `max_share_per_epoch` of each network arriving elsewhere each epoch.
            Some(world) => world.venues.iter().fold((0.0, 0.0), |(p, g), v| {
                let crate::scenario::VenueKind::Network(n) = &v.kind else {
                    return (p, g);
                };
                let (np, ng) = supply(n, epochs);
                let listed: f64 = v.also_listed_on.iter().map(|l| l.fraction * np).sum();
                let movers = (world.mobility.max_share_per_epoch * np).ceil() * epochs as f64;
                (p + np + listed + movers, g + ng)
            }),
            None => supply(sc, epochs),
        };
        let years = sc.duration as f64 / YEAR as f64;
        let (mut expected, mut waiting) = (0.0, 0.0);
        for w in &sc.workloads {
            let growth = (1.0 + w.growth_per_year).max(1e-9);
            let end_trend = growth.powf(years);
            let mean_trend = if (end_trend - 1.0).abs() < 1e-12 {
                1.0
            } else {
                (end_trend - 1.0) / (growth.ln() * years)
            };
            expected += w.rate_per_hour * mean_trend * to_hours(sc.duration);
            let peak_rate = w.rate_per_hour * end_trend.max(1.0) * (1.0 + w.diurnal_amplitude);
            waiting += peak_rate * to_hours(w.patience.min(sc.duration));
        }
        let in_flight = expected.min(gpus + waiting);
        let per_provider = (std::mem::size_of::<Provider>() as u64 + BOOK_BYTES_PER_PROVIDER)
            as f64
            * GROWTH_SLACK
            + (std::mem::size_of::<ProviderRecord>() as u64 + ROW_STRING_BYTES) as f64;
        let per_job = std::mem::size_of::<Job>() as f64 * GROWTH_SLACK;
        let per_logged_job =
            (std::mem::size_of::<JobRecord>() as u64 + ROW_STRING_BYTES) as f64 * GROWTH_SLACK;
        let epoch_rows = epochs as f64 * (sc.catalog.gpus.len() as f64 + 1.0);
        let per_epoch_row = (std::mem::size_of::<EpochRecord>() as u64 + ROW_STRING_BYTES) as f64;
        let bytes = |x: f64| -> u64 {
            if x.is_finite() {
                x.min(u64::MAX as f64) as u64
            } else {
                u64::MAX
            }
        };
        let mut parts = vec![
            ("providers", bytes(providers * per_provider)),
            ("jobs in flight", bytes(in_flight * per_job)),
            (
                "jobs log",
                if jobs_log {
                    bytes(expected * per_logged_job)
                } else {
                    0
                },
            ),
            (
                "epoch rows",
                bytes(epoch_rows * per_epoch_row * GROWTH_SLACK),
            ),
            ("base", BASE_BYTES),
        ];
        parts.sort_by_key(|p| std::cmp::Reverse(p.1));
        let total = parts
            .iter()
            .fold(0u64, |acc, (_, b)| acc.saturating_add(*b));
        MemoryEstimate {
            providers: bytes(providers),
            jobs_in_flight: bytes(in_flight),
            jobs_expected: bytes(expected),
            parts,
            bytes: total,
        }
    }

    /// `Err` when the estimate exceeds `limit_bytes`.
    pub fn check(&self, limit_bytes: u64) -> Result<(), MemoryLimitError> {
        if self.bytes > limit_bytes {
            Err(MemoryLimitError {
                estimate: self.clone(),
                limit_bytes,
            })
        } else {
            Ok(())
        }
    }
}

/// A scenario whose estimated memory exceeds the limit.
#[derive(Debug, Clone, PartialEq)]
pub struct MemoryLimitError {
    /// The estimate.
    pub estimate: MemoryEstimate,
    /// The limit it was checked against [B].
    pub limit_bytes: u64,
}

impl fmt::Display for MemoryLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = &self.estimate;
        let parts: Vec<String> = e
            .parts
            .iter()
            .filter(|(_, b)| *b > 0)
            .map(|(name, b)| format!("{name} {}", human_bytes(*b)))
            .collect();
        write!(
            f,
            "this scenario needs about {} of memory ({}; up to {} providers, {} jobs in flight), over the limit of {}: \
             make it smaller, or raise the limit with --max-memory SIZE (or FLOPMARKET_MAX_MEMORY; 0 = no limit)",
            human_bytes(e.bytes),
            parts.join(", "),
            e.providers,
            e.jobs_in_flight,
            human_bytes(self.limit_bytes)
        )
    }
}

impl std::error::Error for MemoryLimitError {}

/// `bytes` in B, KiB, MiB, GiB or TiB, three significant figures.
pub fn human_bytes(bytes: u64) -> String {
    let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.3} {}", units[unit])
            .replace(".000 ", " ")
            .to_string()
    }
}

/// Parses a size such as `"512MiB"`, `"64GB"`, `"2G"`, `"1.5TiB"` or `"0"` into bytes.
pub fn parse_bytes(text: &str) -> Result<u64, String> {
    let s = text.trim();
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a size: expected e.g. 512MiB, 64GB, 2GiB or 0"))?;
    let scale: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" => 1e3,
        "kib" => 1024.0,
        "m" | "mb" => 1e6,
        "mib" => 1024.0 * 1024.0,
        "g" | "gb" => 1e9,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" => 1e12,
        "tib" => 1024f64.powi(4),
        other => {
            return Err(format!(
                "`{s}`: unknown size unit `{other}` (expected B, KB, KiB, MB, MiB, GB, GiB, TB or TiB)"
            ));
        }
    };
    let bytes = value * scale;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("`{s}` is too large"));
    }
    Ok(bytes as u64)
}

/// The default limit: what the kernel reports as available to new allocations (Linux
/// `MemAvailable`), `None` where unknown (then nothing is refused).
pub fn available_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn akash(overrides: &[&str]) -> Scenario {
        let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
        Scenario::load_named("akash", &o).unwrap()
    }

    #[test]
    fn the_default_scenario_fits_easily_and_size_scales_the_estimate() {
        let small = MemoryEstimate::of(&akash(&[]), false);
        assert!(small.bytes < 1 << 30, "{}", human_bytes(small.bytes));
        let big = MemoryEstimate::of(&akash(&["providers.0.count=10000000"]), false);
        assert!(big.bytes > small.bytes * 10);
        let logged = MemoryEstimate::of(&akash(&[]), true);
        assert!(logged.bytes > small.bytes);
    }

    /// Issue 10, defect 7: 200 million providers aborted on a 13 GB allocation.
    #[test]
    fn two_hundred_million_providers_are_refused_with_the_estimate() {
        let sc = akash(&["providers.2.count=200000000"]);
        let e = MemoryEstimate::of(&sc, false);
        assert!(e.providers >= 200_000_000);
        let err = e.check(24 << 30).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("needs about") && text.contains("--max-memory"),
            "{text}"
        );
        assert!(e.check(u64::MAX).is_ok());
    }

    /// A world counts its networks' providers (and the moves and listings on top), not
    /// its own (it has none).
    #[test]
    fn a_world_is_estimated_from_its_networks() {
        let world = Scenario::load_named("world", &[]).unwrap();
        let e = MemoryEstimate::of(&world, false);
        let alone: u64 = ["akash", "ionet", "render"]
            .iter()
            .map(|n| MemoryEstimate::of(&Scenario::load_named(n, &[]).unwrap(), false).providers)
            .sum();
        assert!(e.providers > alone, "{} vs {alone}", e.providers);
        let bigger = Scenario::load_named(
            "world",
            &["venues.1.set=[\"providers.2.count=100000000\"]".into()],
        )
        .unwrap();
        assert!(MemoryEstimate::of(&bigger, false).providers >= 100_000_000);
    }

    #[test]
    fn sizes_parse_and_print() {
        assert_eq!(parse_bytes("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_bytes("64GB").unwrap(), 64_000_000_000);
        assert_eq!(parse_bytes("0").unwrap(), 0);
        assert_eq!(parse_bytes("1.5 GiB").unwrap(), 3 << 29);
        assert!(parse_bytes("ten").is_err() && parse_bytes("3 parsecs").is_err());
        assert_eq!(human_bytes(3 << 29), "1.500 GiB");
        assert_eq!(human_bytes(1 << 20), "1 MiB");
    }
}
