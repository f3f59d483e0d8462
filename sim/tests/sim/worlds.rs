//! Multi-venue worlds: conservation of jobs, USD and tokens per venue and in total over
//! random worlds, determinism, providers moving when returns differ and only then.

use std::path::Path;

use flopmarket_sim::{Scenario, Summary, VecSink};
use proptest::prelude::*;

use crate::common::{A100_NETWORK, run_all, untimed};

/// A world of two copies of [`A100_NETWORK`] (`b_price`: the second's posted price) and AWS;
/// each network has its own workload that stays with it (loyalty 1).
fn two_networks(dir: &Path, b_price: f64, days: u32) -> Scenario {
    std::fs::write(dir.join("net.toml"), A100_NETWORK).unwrap();
    let world = format!(
        r#"
[scenario]
name = "pair"
duration = "{days}d"
seed = 3

[[venues]]
name = "a"
scenario = "net.toml"

[[venues]]
name = "b"
scenario = "net.toml"
set = ["market.posted_prices.A100-80G={b_price}"]

[[venues]]
name = "aws"
cloud = "aws"

[choice]
loyalty = 1.0
home = {{ "to-a" = "a", "to-b" = "b" }}

[mobility]
switching_cost_usd_per_gpu = 50.0
payback = "30d"
inertia = 0.5
max_share_per_epoch = 0.1

[[workloads]]
name = "to-a"
kind = "batch"
arrivals = {{ rate_per_hour = 20.0 }}
size = {{ dist = "fixed", value = "1h" }}
gpu_models = ["A100-80G"]
cloud_gpu = "A100-80G"
max_price = {{ usd_per_gpu_hour = 10.0 }}
patience = "30d"

[[workloads]]
name = "to-b"
kind = "batch"
arrivals = {{ rate_per_hour = 20.0 }}
size = {{ dist = "fixed", value = "1h" }}
gpu_models = ["A100-80G"]
cloud_gpu = "A100-80G"
max_price = {{ usd_per_gpu_hour = 10.0 }}
patience = "30d"
"#
    );
    let path = dir.join("world.toml");
    std::fs::write(&path, world).unwrap();
    Scenario::load(&path, &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// A fresh folder for one test's scenario files.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flopmarket-worlds-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn a_host_listed_on_two_networks_serves_one_at_a_time() {
    let dir = scratch("multihome");
    // Hosts of `a` fail now and then; half of them are listed on `b` too.
    let net = A100_NETWORK.replace(
        "pricing = {",
        "availability = { mtbf = { dist = \"exponential\", mean = \"2d\" }, mttr = { dist = \"fixed\", value = \"4h\" } }\npricing = {",
    );
    std::fs::write(dir.join("flaky.toml"), net).unwrap();
    let sc = two_networks(&dir, 1.0, 30);
    let text = std::fs::read_to_string(dir.join("world.toml"))
        .unwrap()
        .replacen(
            "scenario = \"net.toml\"",
            "scenario = \"flaky.toml\"\nalso_listed_on = [{ venue = \"b\", fraction = 0.5 }]",
            1,
        )
        .replace("rate_per_hour = 20.0", "rate_per_hour = 35.0");
    drop(sc);
    std::fs::write(dir.join("world.toml"), text).unwrap();
    let sc = Scenario::load(&dir.join("world.toml"), &[]).unwrap_or_else(|e| panic!("{e}"));
    // The run asserts after every change that no host has work on both networks.
    let (s, sink) = run_all(&sc, true);
    check_world(&s, &sink);
    let b = venue(&s, "b");
    assert!(
        (12..=28).contains(&b.providers_listed_from_elsewhere),
        "{b:?}"
    );
    // `b`'s own hosts never fail: its interruptions are the listed hosts failing at home.
    let b_interrupted: u64 = sink
        .providers
        .iter()
        .zip(&sink.provider_venues)
        .filter(|(_, v)| *v == "b")
        .map(|(p, _)| p.jobs_interrupted)
        .sum();
    assert!(b_interrupted > 0);
    // The listed hosts took work on `b`.
    let twins_sold: f64 = sink
        .providers
        .iter()
        .zip(&sink.provider_venues)
        .filter(|(p, v)| *v == "b" && p.provider_id >= 40)
        .map(|(p, _)| p.gpu_hours_sold)
        .sum();
    assert!(twins_sold > 0.0);
}

fn venue<'a>(s: &'a Summary, name: &str) -> &'a flopmarket_sim::run::summary::VenueSummary {
    s.venues.iter().find(|v| v.venue == name).unwrap()
}

#[test]
fn providers_move_to_the_better_paid_network_until_returns_even_out() {
    let dir = scratch("move");
    let sc = two_networks(&dir, 2.0, 120);
    let (s, sink) = run_all(&sc, false);
    let (a, b) = (venue(&s, "a"), venue(&s, "b"));
    // Providers flow to the better-paid network (some come back after an overshoot:
    // they judge by smoothed, hence lagging, returns).
    assert_eq!(b.providers_in, a.providers_out);
    assert_eq!(a.providers_in, b.providers_out);
    assert!(b.providers_in > b.providers_out + 10, "{a:?} {b:?}");
    assert!(b.providers_end > a.providers_end, "{a:?} {b:?}");
    // The moves stop once the returns are within the switching cost repaid in 30 days:
    // none in the last 30 epochs.
    let last: Vec<_> = sink.venue_epochs.iter().filter(|r| r.epoch >= 90).collect();
    assert!(!last.is_empty());
    assert!(
        last.iter()
            .all(|r| r.providers_in == 0 && r.providers_out == 0),
        "{last:?}"
    );
    // By then the return gap no longer pays for a move.
    let gap = |e: u32| {
        let r = |v: &str| {
            sink.venue_epochs
                .iter()
                .find(|r| r.epoch == e && r.venue == v)
                .unwrap()
                .return_usd_per_gpu_hour
        };
        r("b") - r("a")
    };
    assert!(
        gap(0) * 720.0 > 50.0,
        "the first epoch's gap pays: {}",
        gap(0)
    );
    assert!(
        gap(119) * 720.0 <= 50.0,
        "the last epoch's gap does not: {}",
        gap(119)
    );
}

#[test]
fn nobody_moves_between_networks_that_pay_the_same() {
    let dir = scratch("stay");
    let sc = two_networks(&dir, 1.0, 60);
    let (s, _) = run_all(&sc, false);
    for v in &s.venues {
        assert_eq!((v.providers_in, v.providers_out), (0, 0), "{v:?}");
    }
}

#[test]
fn the_built_in_world_is_deterministic_and_conserves_per_venue() {
    let sc = Scenario::load_named("world", &["scenario.duration=\"20d\"".into()]).unwrap();
    let (s1, k1) = run_all(&sc, true);
    let (s2, k2) = run_all(&sc, true);
    assert_eq!(untimed(s1.clone()).venues.len(), 8);
    let strip = |mut s: Summary| {
        for v in &mut s.venues {
            v.invariant_violations.clear();
        }
        untimed(s)
    };
    // (Compared as JSON: NaN figures are not equal to themselves.)
    let json = |s: Summary| serde_json::to_string(&strip(s)).unwrap();
    assert_eq!(json(s1.clone()), json(s2));
    assert_eq!(k1.jobs, k2.jobs);
    assert_eq!(
        format!("{:?}", k1.venue_epochs),
        format!("{:?}", k2.venue_epochs)
    );
    check_world(&s1, &k1);
}

/// Logit demand at list prices: no workload's share is all or nothing (each has a
/// network and a cloud that can serve it), the world still conserves, and a very large
/// price coefficient gives the cheapest rule's choices back.
#[test]
fn logit_demand_splits_every_workload_and_tends_to_the_cheapest() {
    let at = |extra: &[&str]| {
        let mut set = vec![
            "scenario.duration=\"10d\"".to_string(),
            "choice.loyalty=0.0".into(),
        ];
        set.extend(extra.iter().map(|s| s.to_string()));
        run_all(&Scenario::load_named("world", &set).unwrap(), false)
    };
    let (logit, sink) = at(&["choice.model=\"logit\""]);
    check_world(&logit, &sink);
    for w in &logit.workload_venues {
        assert!(
            w.network_share > 0.0 && w.network_share < 1.0,
            "{}: network share {}",
            w.workload,
            w.network_share
        );
    }
    let (cheapest, _) = at(&["choice.model=\"cheapest\""]);
    let (steep, _) = at(&[
        "choice.model=\"logit\"",
        "choice.price_coefficient={ inference = 1e7, training = 1e7, rendering = 1e7, batch = 1e7 }",
    ]);
    for (a, b) in cheapest.workload_venues.iter().zip(&steep.workload_venues) {
        assert!(
            (a.network_share - b.network_share).abs() < 0.02,
            "{}: cheapest {} vs logit at 1e7 {}",
            a.workload,
            a.network_share,
            b.network_share
        );
    }
}

/// The conservation laws of a world run: in total and for every venue.
fn check_world(s: &Summary, sink: &VecSink) {
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    // Net of fallbacks: only a job whose consumer chose a network can start on one.
    for w in &s.workload_venues {
        assert!(
            (0.0..=w.network_share + 1e-12).contains(&w.network_share_started),
            "{}: started {} of chosen {}",
            w.workload,
            w.network_share_started,
            w.network_share
        );
    }
    // GPU-time and spend by workload add up to each venue's and to the fallbacks'.
    let rel = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
    for v in &s.venues {
        let spend: f64 = s
            .workload_venues
            .iter()
            .map(|w| w.spend_usd_by_venue[&v.venue])
            .sum();
        let network_part = if v.kind == "cloud" {
            v.spend_usd
        } else {
            v.network_spend_usd
        };
        assert!(
            rel(spend, network_part),
            "{}: {spend} vs {network_part}",
            v.venue
        );
        if v.kind == "cloud" {
            let hours: f64 = s
                .workload_venues
                .iter()
                .map(|w| w.gpu_hours_by_venue[&v.venue])
                .sum();
            assert!(
                rel(hours, v.gpu_hours),
                "{}: {hours} vs {}",
                v.venue,
                v.gpu_hours
            );
        }
    }
    let fallback: f64 = s.workload_venues.iter().map(|w| w.cloud_fallback_usd).sum();
    let network_fallbacks: f64 = s
        .venues
        .iter()
        .filter(|v| v.kind == "network")
        .map(|v| v.spend_usd - v.network_spend_usd)
        .sum();
    assert!(
        rel(fallback, network_fallbacks),
        "{fallback} vs {network_fallbacks}"
    );
    for w in &s.workload_venues {
        // NaN only where nothing of the workload was served anywhere yet.
        let served: f64 = w.gpu_hours_by_venue.values().sum::<f64>() + w.cloud_fallback_gpu_hours;
        for share in [w.network_gpu_hour_share, w.network_spend_share] {
            assert!(
                (0.0..=1.0).contains(&share) || (share.is_nan() && served == 0.0),
                "{w:?}"
            );
        }
    }
    for v in &s.venues {
        assert_eq!(v.invariant_violations, Vec::<String>::new(), "{}", v.venue);
        assert_eq!(
            v.jobs,
            v.jobs_completed + v.jobs_failed + v.jobs_dropped + v.jobs_to_cloud + v.jobs_in_flight,
            "{v:?}"
        );
    }
    let jobs: u64 = s.venues.iter().map(|v| v.jobs).sum();
    assert_eq!(jobs, s.jobs.jobs_submitted);
    let share: f64 = s.venues.iter().map(|v| v.demand_share).sum();
    assert!((share - 1.0).abs() < 1e-9 || jobs == 0, "{share}");
    let spend: f64 = s.venues.iter().map(|v| v.spend_usd).sum();
    assert!(rel(
        spend,
        s.money.consumer_spend_usd + s.money.cloud_spend_usd
    ));
    let network: f64 = s.venues.iter().map(|v| v.network_spend_usd).sum();
    assert!(rel(network, s.money.consumer_spend_usd));
    // The job log: one row per job, tagged with the venue that took it.
    if !sink.jobs.is_empty() {
        assert_eq!(sink.jobs.len() as u64, s.jobs.jobs_submitted);
        assert_eq!(sink.job_venues.len(), sink.jobs.len());
        for v in &s.venues {
            let n = sink.job_venues.iter().filter(|x| **x == v.venue).count() as u64;
            assert_eq!(n, v.jobs, "{}", v.venue);
        }
    }
    // Venue rows add up to the run's routing.
    for v in &s.venues {
        let routed: u64 = sink
            .venue_epochs
            .iter()
            .filter(|r| r.venue == v.venue)
            .map(|r| r.jobs_routed)
            .sum();
        assert_eq!(routed, v.jobs, "{}", v.venue);
    }
}

const NETWORKS: &[&str] = &[
    "akash", "ionet", "render", "nosana", "golem", "aethir", "theta", "gensyn",
];
const CLOUDS: &[&str] = &[
    "aws",
    "runpod:on_demand",
    "vastai:community",
    "runpod:community",
    "lambda",
    "gcp",
    "nebius",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, .. ProptestConfig::default() })]

    #[test]
    fn jobs_usd_and_tokens_are_conserved_in_random_worlds(
        seed in 0u64..1_000,
        networks in proptest::sample::subsequence(NETWORKS, 1..=3),
        clouds in proptest::sample::subsequence(CLOUDS, 1..=3),
        bounded in 0u32..64,
        loyalty in 0.0f64..1.0,
        wait_cost in 0.0f64..2.0,
        switching in 0.0f64..300.0,
        inertia in 0.0f64..1.0,
        rate in 0.5f64..40.0,
    ) {
        let mut text = format!(
            "[scenario]\nname = \"random\"\nduration = \"6d\"\nstart = \"2026-01-01\"\nseed = {seed}\n\n[choice]\nloyalty = {loyalty}\nwait_cost = {wait_cost}\n\n[mobility]\nswitching_cost_usd_per_gpu = {switching}\ninertia = {inertia}\nmax_share_per_epoch = 0.2\n\n[[venues]]\nname = \"aws-unlimited\"\ncloud = \"aws\"\n"
        );
        for n in &networks {
            text += &format!("\n[[venues]]\nname = \"{n}\"\nscenario = \"{n}\"\n");
        }
        for (i, c) in clouds.iter().enumerate() {
            text += &format!("\n[[venues]]\nname = \"cloud{i}\"\ncloud = \"{c}\"\n");
            if i == 0 && bounded > 0 {
                text += &format!("capacity_gpus = {}\n", bounded * 8);
            }
            if c.ends_with(":community") {
                // Marketplace hosts that fail often enough to interrupt and fail jobs.
                text += &format!("host_mtbf = \"{}h\"\n", 1 + bounded);
            }
        }
        text += &format!(r#"
[[workloads]]
name = "inference"
kind = "inference"
arrivals = {{ rate_per_hour = {rate} }}
size = {{ dist = "lognormal", median = "2h", sigma = 1.0 }}
gpu_models = ["RTX-4090", "A100-80G", "H100-SXM"]
cloud_gpu = "A100-80G"
max_price = {{ relative_to_cloud = 0.7 }}
patience = "2h"
cloud_only_fraction = 0.1

[[workloads]]
name = "training"
kind = "training"
arrivals = {{ rate_per_hour = {} }}
size = {{ dist = "lognormal", median = "10h", sigma = 0.8 }}
gpus = 8
gpu_models = ["H100-SXM", "A100-80G"]
cloud_gpu = "H100-SXM"
max_price = {{ relative_to_cloud = 0.5 }}
patience = "1d"
checkpoint_interval = "1h"
"#, rate / 10.0);
        let sc = Scenario::parse(&text, "random-world", &[]).unwrap_or_else(|e| panic!("{e}\n{text}"));
        let (s, sink) = run_all(&sc, true);
        check_world(&s, &sink);
    }
}
