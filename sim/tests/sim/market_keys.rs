//! The `[market]` keys are listed in four places that must agree: the scenario schema
//! (the raw TOML mirror), the keys every mechanism shares (`MarketSpec::KEYS`), each
//! mechanism's own (`KEYS`, through `MechanismKind::keys`), the keys `RawMarket`
//! reports as set (`mechanism_keys`, which decides "another mechanism's key" errors),
//! and the timeline's changeable paths (`CHANGEABLE`).

use std::collections::BTreeSet;

use flopmarket_sim::input::raw::{RawMarket, json_schema};
use flopmarket_sim::parts::market::{MarketSpec, MechanismKind};
use flopmarket_sim::scenario::CHANGEABLE;

/// The property names of `RawMarket` in the scenario's JSON Schema.
fn schema_keys() -> BTreeSet<String> {
    let schema = json_schema();
    let defs = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .expect("the schema has definitions");
    defs["RawMarket"]["properties"]
        .as_object()
        .expect("RawMarket has properties")
        .keys()
        .cloned()
        .collect()
}

fn mechanism_keys() -> Vec<(MechanismKind, &'static str)> {
    MechanismKind::ALL
        .into_iter()
        .flat_map(|k| k.keys().iter().map(move |key| (k, *key)))
        .collect()
}

#[test]
fn the_schema_has_exactly_the_shared_keys_and_every_mechanisms_keys() {
    let mut listed: BTreeSet<String> = MarketSpec::KEYS.iter().map(|k| k.to_string()).collect();
    for (kind, key) in mechanism_keys() {
        // Mechanisms may share a key (the two auctions' `max_bids`), never with the
        // shared keys.
        assert!(
            !MarketSpec::KEYS.contains(&key),
            "`{key}` of {} is also a key every mechanism shares",
            kind.name()
        );
        listed.insert(key.to_string());
    }
    assert_eq!(
        schema_keys(),
        listed,
        "schema keys vs MarketSpec::KEYS + each mechanism's KEYS"
    );
}

#[test]
fn every_mechanism_key_is_reported_when_set() {
    // Every key set, with values of the right types; mechanism_keys names those that
    // belong to a mechanism.
    let text = r#"
mechanism = "reverse_auction"
max_bids = 5
bid_window = "30s"
bid_timeout = "5m"
tenant_delay = { dist = "fixed", value = "1m" }
selection = "lowest"
posted_prices = { "A100-80G" = 1.0 }
assignment = "cheapest"
take_rate = 0.1
max_offers = 3
offer_window = "1m"
max_start_usd = 1.0
tiers = [{ name = "t", price_multiplier = 1.0, priority = 0 }]
clusters = { max_hosts = 2, cross_host_efficiency = { nvlink = 0.9 } }
"#;
    let raw: RawMarket = toml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
    let reported: BTreeSet<&str> = raw.mechanism_keys().into_iter().map(|(k, _)| k).collect();
    let owned: BTreeSet<&str> = mechanism_keys().into_iter().map(|(_, k)| k).collect();
    assert_eq!(
        reported, owned,
        "RawMarket::mechanism_keys vs the mechanisms' KEYS"
    );
}

#[test]
fn every_changeable_market_path_is_a_market_key() {
    let keys = schema_keys();
    for path in CHANGEABLE.iter().filter_map(|p| p.strip_prefix("market.")) {
        let key = path.split('.').next().unwrap();
        assert!(
            keys.contains(key),
            "timeline path market.{path}: no such [market] key"
        );
    }
}
