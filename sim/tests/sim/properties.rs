//! Property tests over random scenarios: whatever the parameters, tokens, money and jobs
//! are conserved and no balance goes negative.

use proptest::prelude::*;

use crate::common::{run_all, scenario};

fn price_model(choice: u8, usd: f64) -> String {
    match choice % 3 {
        0 => format!("token.price={{ model = \"constant\", usd = {usd} }}"),
        1 => format!(
            "token.price={{ model = \"gbm\", usd = {usd}, drift_per_year = 0.1, volatility_per_year = 1.2 }}"
        ),
        _ => format!("token.price={{ model = \"amm\", usd = {usd}, pool_usd = 2000000.0 }}"),
    }
}

fn emission(choice: u8) -> String {
    match choice % 3 {
        0 => "token.emission={ schedule = \"inflation\", inflation_per_year = 0.08 }".into(),
        1 => "token.emission={ schedule = \"hourly_decline\", first_hour = 4566.21, monthly_decline = 0.0102, months = 240 }".into(),
        _ => "token.emission={ schedule = \"yearly_table\", per_year = [9126804.0, 5900000.0], damping_after_year = 5, damping = 0.945 }".into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, .. ProptestConfig::default() })]

    #[test]
    fn invariants_hold_for_random_scenarios(
        seed in 0u64..1_000,
        take_rate in 0.0f64..0.3,
        burn in 0.0f64..0.7,
        buyback in any::<bool>(),
        price_choice in any::<u8>(),
        usd in 0.05f64..20.0,
        emission_choice in any::<u8>(),
        to_providers in 0.0f64..1.0,
        sell in 0.0f64..1.0,
        slash in 0.0f64..0.5,
        mtbf_h in 2.0f64..500.0,
        patience_m in 1.0f64..600.0,
        demand in 0.5f64..4.0,
    ) {
        let burn_rule = if buyback {
            format!("token.burn={{ rule = \"fee_buyback\", fraction = {burn} }}")
        } else {
            format!("token.burn={{ rule = \"payment_fraction\", fraction = {burn} }}")
        };
        let overrides = [
            "scenario.duration=\"12d\"".to_string(),
            format!("scenario.seed={seed}"),
            format!("market.take_rate={take_rate}"),
            burn_rule,
            price_model(price_choice, usd),
            emission(emission_choice),
            format!("token.emission_to_providers={to_providers}"),
            format!("token.provider_sell_fraction={sell}"),
            "token.stake_per_gpu=200.0".into(),
            format!("token.slash_fraction={slash}"),
            format!("providers.2.availability.mtbf={{ dist = \"exponential\", mean = \"{mtbf_h}h\" }}"),
            format!("workloads.0.patience=\"{patience_m}m\""),
            format!("workloads.0.arrivals.rate_per_hour={}", 30.0 * demand),
            format!("workloads.3.arrivals.rate_per_hour={}", 30.0 * demand),
        ];
        let refs: Vec<&str> = overrides.iter().map(String::as_str).collect();
        let (s, sink) = run_all(&scenario("akash", &refs), true);
        prop_assert_eq!(s.invariant_violations(), Vec::<String>::new());
        // Token supply: exact identity, and every epoch's flows add up to the totals.
        prop_assert!((s.token.supply_end - (s.token.supply_start + s.token.tokens_minted - s.token.tokens_burned)).abs() <= 1e-6 * s.token.supply_start.max(1.0));
        let minted: f64 = sink.epochs.iter().filter_map(|e| e.tokens_minted).sum();
        prop_assert!((minted - s.token.tokens_minted).abs() <= 1e-6 * s.token.tokens_minted.max(1.0));
        // No negative balances anywhere.
        prop_assert!(s.token.supply_end >= 0.0 && s.token.tokens_staked >= 0.0 && s.token.token_price_end_usd >= 0.0);
        for p in &sink.providers {
            prop_assert!(p.revenue_usd >= 0.0 && p.token_rewards >= 0.0 && p.tokens_held >= 0.0 && p.token_income_usd >= 0.0);
        }
        for e in &sink.epochs {
            prop_assert!(e.consumer_spend_usd >= 0.0 && e.fees_usd >= 0.0 && e.burn_usd >= 0.0);
            if let Some(supply) = e.token_supply { prop_assert!(supply >= 0.0); }
        }
        for j in &sink.jobs {
            prop_assert!(j.spend_usd >= 0.0 && j.cloud_spend_usd >= 0.0);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, .. ProptestConfig::default() })]

    /// The same laws for the networks with token payments, two reward pools, linear
    /// pricing, tiers and multi-host clusters, under random parameters.
    #[test]
    fn invariants_hold_for_random_network_variants(
        network in 0usize..5,
        seed in 0u64..1_000,
        paid_in_token in any::<bool>(),
        capacity in 0.0f64..1.0,
        max_hosts in 4u32..9,
        sell in 0.0f64..1.0,
        mtbf_h in 2.0f64..300.0,
        demand in 0.3f64..3.0,
        price_choice in any::<u8>(),
    ) {
        let name = ["golem", "aethir", "theta", "ionet", "render"][network];
        let payment = if paid_in_token { "token" } else { "usd" };
        let mut overrides = vec![
            "scenario.duration=\"10d\"".to_string(),
            format!("scenario.seed={seed}"),
            format!("token.provider_payment=\"{payment}\""),
            format!("token.provider_sell_fraction={sell}"),
            price_model(price_choice, 0.5),
            format!("providers.0.availability.mtbf={{ dist = \"exponential\", mean = \"{mtbf_h}h\" }}"),
            format!("providers.1.availability.mtbf={{ dist = \"exponential\", mean = \"{mtbf_h}h\" }}"),
            format!("workloads.0.arrivals.rate_per_hour={}", 40.0 * demand),
            format!("workloads.1.arrivals.rate_per_hour={}", 10.0 * demand),
        ];
        match name {
            "aethir" => overrides.push(format!(
                "token.reward_split={{ capacity = {capacity}, delivery = {} }}",
                1.0 - capacity
            )),
            "ionet" => overrides.push(format!("market.clusters.max_hosts={max_hosts}")),
            _ => {}
        }
        let refs: Vec<&str> = overrides.iter().map(String::as_str).collect();
        let (s, sink) = run_all(&scenario(name, &refs), true);
        prop_assert_eq!(s.invariant_violations(), Vec::<String>::new());
        prop_assert_eq!(
            s.jobs.jobs_submitted,
            s.jobs.jobs_completed + s.jobs.jobs_failed + s.jobs.jobs_dropped + s.jobs.jobs_to_cloud + s.jobs.jobs_in_flight
        );
        let by_jobs: f64 = sink.jobs.iter().map(|j| j.spend_usd).sum();
        prop_assert!((by_jobs - s.money.consumer_spend_usd).abs() <= 1e-6 * s.money.consumer_spend_usd.max(1.0));
        let revenue: f64 = sink.providers.iter().map(|p| p.revenue_usd).sum();
        prop_assert!((revenue - s.money.provider_revenue_usd).abs() <= 1e-6 * s.money.consumer_spend_usd.max(1.0));
        if !paid_in_token {
            prop_assert_eq!(s.token_payments.token_payments_usd, 0.0);
        }
        prop_assert!(s.token.supply_end >= 0.0 && s.token.tokens_staked >= 0.0 && s.token.token_price_end_usd > 0.0);
        for p in &sink.providers {
            prop_assert!(p.gpu_hours_sold <= p.gpu_hours_online + 1e-9);
            prop_assert!(p.revenue_usd >= 0.0 && p.token_rewards >= 0.0 && p.tokens_held >= -1e-9 && p.token_income_usd >= 0.0);
        }
        for e in &sink.epochs {
            prop_assert!(e.gpu_hours_sold <= e.gpu_hours_online + 1e-9);
        }
    }
}
