//! `[[timeline]]`: each kind of change shows in the outputs from its date on, and the
//! run's conservation laws hold across changes. Expectations are read from the scenario.

use flopmarket_sim::Scenario;
use flopmarket_sim::base::time::to_hours;
use flopmarket_sim::data::records::EpochRecord;
use flopmarket_sim::parts::token::EmissionSchedule;

use crate::common::run_all;

/// A small reverse-auction market with a token: 70 days in weekly epochs, one-hour jobs,
/// then `extra` (a `[token]` table and `[[timeline]]` entries).
fn scenario(market: &str, token: &str, timeline: &str) -> Scenario {
    let text = format!(
        r#"
[scenario]
name = "timeline"
duration = "70d"
epoch = "7d"
start = "2026-01-05"

[market]
{market}

[token]
symbol = "T"
supply_start = 1e6
price = {{ model = "constant", usd = 2.0 }}
{token}

[[providers]]
name = "p"
count = 4
gpu = "A100-80G"
pricing = {{ strategy = "price_list", usd_per_gpu_month = 900.0 }}

[[workloads]]
name = "w"
kind = "inference"
arrivals = {{ rate_per_hour = 2.0 }}
size = {{ dist = "exponential", mean = "1h" }}
max_price = {{ usd_per_gpu_hour = 5.0 }}
patience = "inf"
{timeline}
"#
    );
    Scenario::parse(&text, "timeline.toml", &[]).unwrap_or_else(|e| panic!("{e}"))
}

/// The "all" rows, in epoch order.
fn all_rows(records: &[EpochRecord]) -> Vec<&EpochRecord> {
    records.iter().filter(|r| r.gpu_model == "all").collect()
}

/// The change's time [h since start].
fn at_h(sc: &Scenario, i: usize) -> f64 {
    to_hours(sc.timeline[i].at)
}

#[test]
fn take_rate_change_shows_in_fees_from_its_date() {
    let sc = scenario(
        "mechanism = \"reverse_auction\"\ntake_rate = 0.1",
        "",
        r#"[[timeline]]
at = "2026-02-02"
source = "test"
note = "fee raised"
set = { "market.take_rate" = 0.3 }"#,
    );
    let (before, after) = (sc.market.take_rate, sc.timeline[0].market.take_rate);
    assert_ne!(before, after);
    let (summary, sink) = run_all(&sc, false);
    assert!(summary.invariant_violations().is_empty());
    let rows = all_rows(&sink.epochs);
    let mut seen = (0, 0);
    for r in &rows {
        assert!(r.consumer_spend_usd > 0.0);
        let want = if r.t_end_h <= at_h(&sc, 0) {
            seen.0 += 1;
            before
        } else {
            seen.1 += 1;
            after
        };
        let rate = r.fees_usd / r.consumer_spend_usd;
        assert!(
            (rate - want).abs() < 1e-9,
            "epoch {}: {rate} vs {want}",
            r.epoch
        );
        // Fees per GPU-hour sold move with the rate (the price per GPU-hour is the ask).
        let per_hour = r.fees_usd / r.gpu_hours_sold;
        let price = r.mean_price_usd_per_gpu_hour;
        assert!((per_hour - want * price).abs() < 1e-9 * price);
    }
    assert!(seen.0 > 0 && seen.1 > 0, "{seen:?}");
    let marked: Vec<_> = rows
        .iter()
        .filter_map(|r| {
            r.timeline_change
                .as_ref()
                .map(|c| (r.t_start_h, c.as_str()))
        })
        .collect();
    assert_eq!(marked, vec![(at_h(&sc, 0), "fee raised")]);
    assert!(
        sink.epochs
            .iter()
            .filter(|r| r.gpu_model != "all")
            .all(|r| r.timeline_change.is_none())
    );
}

#[test]
fn emission_change_shows_in_tokens_minted_per_epoch() {
    let sc = scenario(
        "mechanism = \"reverse_auction\"",
        r#"emission = { schedule = "per_epoch", epoch = "7d", amounts = [1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0, 1000.0] }"#,
        r#"[[timeline]]
at = "35d"
source = "test"
set = { "token.emission" = { schedule = "inflation", inflation_per_year = 0.5 } }"#,
    );
    let (summary, sink) = run_all(&sc, false);
    assert!(summary.invariant_violations().is_empty());
    let rows = all_rows(&sink.epochs);
    let mut supply = sc.token.supply;
    for r in &rows {
        let schedule = if r.t_end_h <= at_h(&sc, 0) {
            &sc.token.emission
        } else {
            &sc.timeline[0].token.emission
        };
        let want = schedule.minted(r.t_start_h, r.t_end_h, supply);
        let got = r.tokens_minted.unwrap();
        assert!(
            (got - want).abs() < 1e-6 * want,
            "epoch {}: {got} vs {want}",
            r.epoch
        );
        supply = r.token_supply.unwrap();
    }
    let first = rows.iter().find(|r| r.timeline_change.is_some()).unwrap();
    assert_eq!(first.t_start_h, at_h(&sc, 0));
    // Without a note the row names the paths.
    assert_eq!(first.timeline_change.as_deref(), Some("token.emission"));
}

#[test]
fn switch_to_burn_mint_equilibrium_burns_and_mints_credit_only_after() {
    let sc = scenario(
        "mechanism = \"reverse_auction\"\ntake_rate = 0.1",
        r#"burn = { rule = "fee_buyback", fraction = 0.5 }"#,
        r#"[[timeline]]
at = "2026-02-16"
source = "AEP-76"
note = "BME live"
set = { "token.burn" = { rule = "bme", mint_spread = 0.0025, settle_spread = 0.0 }, "market.take_rate" = 0.0 }"#,
    );
    assert!(sc.token.bme.is_none() && sc.timeline[0].token.bme.is_some());
    let (summary, sink) = run_all(&sc, false);
    assert!(
        summary.invariant_violations().is_empty(),
        "{:?}",
        summary.invariant_violations()
    );
    let at = at_h(&sc, 0);
    let rows = all_rows(&sink.epochs);
    for r in &rows {
        if r.t_end_h <= at {
            assert_eq!(r.credit_outstanding, None, "epoch {}", r.epoch);
            // The burn rule of the start splits each payment.
            let split = sc
                .token
                .burn
                .split(r.consumer_spend_usd, sc.market.take_rate);
            assert!(r.fees_usd > 0.0);
            assert!((r.burn_usd - split.burn_usd).abs() < 1e-9 * split.burn_usd);
            assert!((r.fees_usd - split.fee_usd).abs() < 1e-9 * split.fee_usd);
        } else {
            assert!(r.credit_outstanding.is_some(), "epoch {}", r.epoch);
            assert_eq!(r.fees_usd, 0.0, "epoch {}", r.epoch);
            // Tenants buy and burn the token for their credit.
            assert!(r.tokens_burned.unwrap() > 0.0);
        }
    }
    // Providers' credit from the first BME epoch is reminted at the next close.
    let reminted: f64 = rows
        .iter()
        .filter(|r| r.t_start_h > at)
        .map(|r| r.tokens_minted.unwrap())
        .sum();
    assert!(reminted > 0.0);
    assert!(summary.bme.bme_min_collateral_ratio.is_finite());
}

#[test]
fn posted_price_change_applies_to_leases_that_start_after_it() {
    let sc = scenario(
        "mechanism = \"posted_price\"\nposted_prices = { \"A100-80G\" = 1.5 }",
        "",
        r#"[[timeline]]
at = "21d"
source = "test"
set = { "market.posted_prices" = { "A100-80G" = 2.5 } }"#,
    );
    let gpu = sc.catalog.gpu_id("A100-80G").unwrap();
    let (before, after) = (
        sc.market.mechanism.posted_price(gpu).unwrap(),
        sc.timeline[0].market.mechanism.posted_price(gpu).unwrap(),
    );
    let (summary, sink) = run_all(&sc, false);
    assert!(summary.invariant_violations().is_empty());
    let at = at_h(&sc, 0);
    let epoch_h = to_hours(sc.epoch);
    for r in all_rows(&sink.epochs) {
        let price = r.mean_price_usd_per_gpu_hour;
        if r.t_end_h <= at {
            assert!((price - before).abs() < 1e-9, "epoch {}: {price}", r.epoch);
        } else if r.t_start_h >= at + epoch_h {
            // One-hour jobs: every lease of this epoch started after the change.
            assert!((price - after).abs() < 1e-9, "epoch {}: {price}", r.epoch);
        } else {
            // Leases running across the change keep the price they started at.
            assert!(
                price > before && price <= after,
                "epoch {}: {price}",
                r.epoch
            );
        }
    }
}

#[test]
fn tokens_and_usd_are_conserved_across_several_changes() {
    let sc = scenario(
        "mechanism = \"reverse_auction\"\ntake_rate = 0.05\nmax_bids = 20",
        r#"emission = { schedule = "inflation", inflation_per_year = 0.1 }
emission_to_providers = 0.5
burn = { rule = "payment_fraction", fraction = 0.2 }
provider_sell_fraction = 0.5"#,
        r#"[[timeline]]
at = "14d"
source = "one"
set = { "market.take_rate" = 0.2, "market.max_bids" = 2, "token.emission_to_providers" = 1.0 }

[[timeline]]
at = "28d"
source = "two"
set = { "token.emission" = { schedule = "halving", initial_per_year = 5e5, period = "30d" }, "token.reward_basis" = "online", "token.provider_sell_fraction" = 1.0 }

[[timeline]]
at = "49d"
source = "three"
set = { "token.burn" = { rule = "bme", mint_spread = 0.01, settle_spread = 0.005 }, "market.take_rate" = 0.0 }

[[timeline]]
at = "63d"
source = "four"
set = { "token.burn.mint_spread" = 0.0 }"#,
    );
    assert_eq!(sc.timeline.len(), 4);
    let (summary, sink) = run_all(&sc, false);
    let violations = summary.invariant_violations();
    assert!(violations.is_empty(), "{violations:?}");
    let t = &summary.token;
    assert!((t.supply_end - (t.supply_start + t.tokens_minted - t.tokens_burned)).abs() < 1e-6);
    let rows = all_rows(&sink.epochs);
    for r in &rows {
        let (paid, got) = (
            r.provider_token_rewards.unwrap(),
            r.provider_token_rewards_received.unwrap(),
        );
        assert!(
            (paid - got).abs() < 1e-6 * paid.max(1.0),
            "epoch {}",
            r.epoch
        );
    }
    let marks = rows.iter().filter(|r| r.timeline_change.is_some()).count();
    assert_eq!(marks, sc.timeline.len());
    assert_eq!(summary.timeline.len(), sc.timeline.len());
    assert_eq!(summary.timeline[2].source, "three");
    assert_eq!(
        summary.timeline[0].date.as_deref(),
        Some("2026-01-19T00:00:00Z")
    );
}

#[test]
fn a_scenario_without_timeline_runs_as_before() {
    let sc = scenario("mechanism = \"reverse_auction\"", "", "");
    assert!(sc.timeline.is_empty());
    let (summary, sink) = run_all(&sc, false);
    assert!(summary.timeline.is_empty());
    assert!(sink.epochs.iter().all(|r| r.timeline_change.is_none()));
}
