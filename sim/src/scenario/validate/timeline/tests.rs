//! Tests of `[[timeline]]` validation: dated changes, their segments' checks, and the
//! errors at the entry.

use crate::scenario::{Scenario, ScenarioError};

/// A small dated scenario (start 2026-01-05, weekly epochs, 70 days) with `token`
/// lines in its `[token]` and `timeline` after it.
fn parse(start: &str, token: &str, timeline: &str) -> Result<Scenario, ScenarioError> {
    parse_with(start, 0.1, token, timeline)
}

/// [`parse`] with market take rate `take_rate` [fraction].
fn parse_with(
    start: &str,
    take_rate: f64,
    token: &str,
    timeline: &str,
) -> Result<Scenario, ScenarioError> {
    let text = format!(
        r#"[scenario]
name = "t"
duration = "70d"
epoch = "7d"
{start}

[market]
mechanism = "reverse_auction"
take_rate = {take_rate}

[token]
symbol = "T"
supply_start = 1e6
price = {{ model = "constant", usd = 1.0 }}
{token}

[[providers]]
name = "p"
count = 2
gpu = "A100-80G"
pricing = {{ strategy = "price_list", usd_per_gpu_month = 700.0 }}

[[workloads]]
name = "w"
kind = "inference"
arrivals = {{ rate_per_hour = 2.0 }}
size = {{ dist = "exponential", mean = "1h" }}
max_price = {{ usd_per_gpu_hour = 3.0 }}
{timeline}
"#
    );
    Scenario::parse(&text, "t.toml", &[])
}

/// The error's (line, message); panics when the scenario is accepted.
fn error(start: &str, token: &str, timeline: &str) -> (usize, String) {
    match parse(start, token, timeline) {
        Err(ScenarioError::Invalid { line, message, .. }) => (line, message),
        other => panic!("expected a located error, got {other:?}"),
    }
}

/// Line of the first line of `timeline` in the text `parse` builds (1-based).
const TIMELINE_LINE: usize = 29;

const START: &str = "start = \"2026-01-05\"";

#[test]
fn dated_and_offset_entries_are_accepted_on_epoch_boundaries() {
    let sc = parse(
            START,
            "",
            "[[timeline]]\nat = \"2026-01-19\"\nsource = \"s\"\nset = { \"market.take_rate\" = 0.2 }\n\
             [[timeline]]\nat = \"28d\"\nsource = \"s\"\nnote = \"n\"\nset = { \"token.burn\" = { rule = \"payment_fraction\", fraction = 0.5 } }",
        )
        .unwrap();
    assert_eq!(sc.timeline.len(), 2);
    assert_eq!(sc.timeline[0].at, 14 * crate::base::time::DAY);
    assert_eq!(sc.timeline[0].market.take_rate, 0.2);
    assert_eq!(
        sc.timeline[1].date.map(|d| d.to_string()).as_deref(),
        Some("2026-02-02T00:00:00Z")
    );
    // The second segment keeps the first one's change.
    assert_eq!(sc.timeline[1].market.take_rate, 0.2);
    assert_eq!(
        sc.timeline[1].token.burn,
        crate::parts::token::BurnRule::PaymentFraction(0.5)
    );
    assert_eq!(sc.timeline[1].label(), "n");
}

#[test]
fn a_mid_epoch_change_names_the_nearest_boundaries() {
    let (line, msg) = error(
        START,
        "",
        "[[timeline]]\nat = \"2026-01-22\"\nsource = \"s\"\nset = { \"market.take_rate\" = 0.2 }",
    );
    assert_eq!(line, TIMELINE_LINE + 1);
    assert!(msg.contains("between epochs"), "{msg}");
    assert!(msg.contains("14d (2026-01-19T00:00:00Z)"), "{msg}");
    assert!(msg.contains("21d (2026-01-26T00:00:00Z)"), "{msg}");
}

#[test]
fn entries_out_of_order_are_refused() {
    let (line, msg) = error(
        START,
        "",
        "[[timeline]]\nat = \"28d\"\nsource = \"s\"\nset = { \"market.take_rate\" = 0.2 }\n\
             [[timeline]]\nat = \"14d\"\nsource = \"s\"\nset = { \"market.take_rate\" = 0.3 }",
    );
    assert_eq!(line, TIMELINE_LINE + 5);
    assert!(msg.contains("time order"), "{msg}");
}

/// An entry at or before the start is in force from the start (a run that starts
/// later, or is shortened, keeps the rules of its dates); one at or after the end is
/// not reached. Both are still validated.
#[test]
fn entries_before_the_start_are_in_force_and_after_the_end_not_reached() {
    let entry = |at: &str, rate: &str| {
        format!(
            "[[timeline]]\nat = \"{at}\"\nsource = \"s\"\nset = {{ \"market.take_rate\" = {rate} }}\n"
        )
    };
    for at in ["0d", "2025-12-29", "2026-01-05"] {
        let sc = parse(START, "", &entry(at, "0.2")).unwrap();
        assert!(sc.timeline.is_empty(), "{at}");
        assert_eq!(sc.market.take_rate, 0.2, "{at}: in force from the start");
    }
    for at in ["70d", "91d", "2027-01-01"] {
        let sc = parse(START, "", &entry(at, "0.2")).unwrap();
        assert!(sc.timeline.is_empty(), "{at}");
        assert_eq!(sc.market.take_rate, 0.1, "{at}: not reached");
        let (line, msg) = error(START, "", &entry(at, "2.0"));
        assert_eq!(line, TIMELINE_LINE + 3, "{at}: {msg}");
    }
    // The last entry before the start wins; one inside the run still applies.
    let sc = parse(
        START,
        "",
        &[
            entry("2025-11-01", "0.3"),
            entry("2025-12-01", "0.2"),
            entry("14d", "0.05"),
        ]
        .concat(),
    )
    .unwrap();
    assert_eq!(sc.market.take_rate, 0.2);
    assert_eq!(sc.timeline.len(), 1);
    assert_eq!(sc.timeline[0].market.take_rate, 0.05);
}

#[test]
fn a_date_needs_a_start() {
    let (line, msg) = error(
        "",
        "",
        "[[timeline]]\nat = \"2026-01-19\"\nsource = \"s\"\nset = { \"market.take_rate\" = 0.2 }",
    );
    assert_eq!(line, TIMELINE_LINE + 1);
    assert!(msg.contains("needs `start`"), "{msg}");
}

#[test]
fn paths_that_cannot_change_are_refused_with_the_list_of_those_that_can() {
    for path in [
        "token.price",
        "token.supply_start",
        "token.symbol",
        "token.stake_per_gpu",
        "market.mechanism",
        "market.clusters",
        "scenario.duration",
        "providers.0.count",
        "token",
        "token.burnx",
    ] {
        let (line, msg) = error(
            START,
            "",
            &format!("[[timeline]]\nat = \"14d\"\nsource = \"s\"\nset = {{ \"{path}\" = 1 }}"),
        );
        assert_eq!(line, TIMELINE_LINE + 3, "{path}");
        assert!(msg.contains("cannot change during a run"), "{path}: {msg}");
        assert!(msg.contains("market.take_rate"), "{msg}");
    }
}

#[test]
fn an_invalid_value_is_refused_at_its_position() {
    let (line, msg) = error(
        START,
        "",
        "[[timeline]]\nat = \"14d\"\nsource = \"s\"\nset = { \"market.take_rate\" = 0.2 }\n\
             [[timeline]]\nat = \"21d\"\nsource = \"s\"\nset = {\n  \"token.emission_to_providers\" = 0.5,\n  \"market.take_rate\" = 1.5,\n}",
    );
    assert_eq!(line, TIMELINE_LINE + 9);
    assert!(msg.contains("market.take_rate in [0, 1)"), "{msg}");
    // BME needs the take rate at 0: the change is refused until it comes with one.
    let bme = "\"token.burn\" = { rule = \"bme\", mint_spread = 0.0, settle_spread = 0.0 }";
    let (_, msg) = error(
        START,
        "",
        &format!("[[timeline]]\nat = \"14d\"\nsource = \"s\"\nset = {{ {bme} }}"),
    );
    assert!(msg.contains("BME replaces the take rate"), "{msg}");
    parse(
            START,
            "",
            &format!(
                "[[timeline]]\nat = \"14d\"\nsource = \"s\"\nset = {{ {bme}, \"market.take_rate\" = 0.0 }}"
            ),
        )
        .unwrap();
}

#[test]
fn bme_cannot_be_switched_off_and_source_is_required() {
    let Err(ScenarioError::Invalid { message: msg, .. }) = parse_with(
        START,
        0.0,
        "burn = { rule = \"bme\", mint_spread = 0.0, settle_spread = 0.0 }",
        "[[timeline]]\nat = \"14d\"\nsource = \"s\"\nset = { \"token.burn\" = { rule = \"payment_fraction\", fraction = 0.1 } }",
    ) else {
        panic!("switching BME off was accepted");
    };
    assert!(msg.contains("cannot be switched off"), "{msg}");
    let (_, msg) = error(
        START,
        "",
        "[[timeline]]\nat = \"14d\"\nsource = \" \"\nset = { \"market.take_rate\" = 0.2 }",
    );
    assert!(msg.contains("non-empty source"), "{msg}");
    let (_, msg) = error(
        START,
        "",
        "[[timeline]]\nat = \"14d\"\nsource = \"s\"\nset = {}",
    );
    assert!(msg.contains("at least one change"), "{msg}");
    let (_, msg) = error(
        START,
        "",
        "[[timeline]]\nat = \"14d\"\nset = { \"market.take_rate\" = 0.2 }",
    );
    assert!(msg.contains("source"), "{msg}");
}
