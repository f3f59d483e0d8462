//! Each network scenario runs a simulated year, conserves everything, and shows its own
//! mechanism at work in its summary.

use flopmarket_sim::base::time::to_hours;
use flopmarket_sim::parts::token::EmissionSchedule;

use flopmarket_sim::parts::token::BurnRule;

use crate::common::{run_all, scenario};

/// Index of the cohort named `name` in `sc` (tests address cohorts and workloads by
/// name, so reordering a scenario file does not break them).
fn cohort(sc: &flopmarket_sim::Scenario, name: &str) -> usize {
    sc.cohorts
        .iter()
        .position(|c| c.name == name)
        .unwrap_or_else(|| panic!("no cohort {name}"))
}

/// Index of the workload named `name` in `sc`.
fn workload(sc: &flopmarket_sim::Scenario, name: &str) -> usize {
    sc.workloads
        .iter()
        .position(|w| w.name == name)
        .unwrap_or_else(|| panic!("no workload {name}"))
}

/// What the scenario's own emission schedule mints over its whole run [tokens], read at
/// the schedule's age (its genesis offset).
fn scheduled_emission(sc: &flopmarket_sim::Scenario) -> f64 {
    scheduled_until(sc, to_hours(sc.duration))
}

/// What the starting emission schedule mints from the start to `t_h` for the run's part
/// of the network (the whole network's schedule times `fleet_fraction`) [tokens].
fn scheduled_until(sc: &flopmarket_sim::Scenario, t_h: f64) -> f64 {
    let (off, f) = (sc.token.emission_offset_h, sc.token.fleet_fraction);
    sc.token
        .emission
        .minted(off, off + t_h, sc.token.supply / f)
        * f
}

/// The "all" rows of a run.
fn all_rows(sink: &flopmarket_sim::VecSink) -> Vec<&flopmarket_sim::data::records::EpochRecord> {
    sink.epochs
        .iter()
        .filter(|e| e.gpu_model == "all")
        .collect()
}

#[test]
fn akash_keeps_its_take_rate_until_bme_and_mints_inflation() {
    let sc = scenario("akash", &[]);
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    assert_eq!(
        s.run.duration_days,
        sc.duration as f64 / flopmarket_sim::base::time::DAY as f64
    );
    // AEP-76 on its timeline: the take rate until the switch, BME after it.
    let bme = sc
        .timeline
        .iter()
        .find(|c| c.token.bme.is_some())
        .expect("akash switches to BME on its timeline");
    let switch_h = to_hours(bme.at);
    assert_eq!(bme.market.take_rate, 0.0);
    let rows = all_rows(&sink);
    let (before, after): (Vec<_>, Vec<_>) = rows.iter().partition(|r| r.t_end_h <= switch_h);
    let sum = |rows: &[&&flopmarket_sim::data::records::EpochRecord],
               f: fn(&flopmarket_sim::data::records::EpochRecord) -> f64| {
        rows.iter().map(|r| f(r)).sum::<f64>()
    };
    let (spend, fees) = (
        sum(&before, |r| r.consumer_spend_usd),
        sum(&before, |r| r.fees_usd),
    );
    assert!(
        spend > 0.0 && (fees / spend - sc.market.take_rate).abs() < 1e-9,
        "take rate before BME"
    );
    assert_eq!(sum(&after, |r| r.fees_usd), 0.0, "no take rate under BME");
    assert!(
        sum(&after, |r| r.burn_usd) > 0.0,
        "tenants' USD buys AKT to burn under BME"
    );
    assert_eq!(sum(&before, |r| r.burn_usd), 0.0);
    assert!(
        after[0].timeline_change.is_some() && before.iter().all(|r| r.timeline_change.is_none())
    );
    // Before the switch, inflation compounds epoch by epoch to exactly the schedule.
    let expected = scheduled_until(&sc, switch_h);
    let minted = sum(&before, |r| r.tokens_minted.unwrap());
    assert!(expected > 0.0);
    assert!(
        (minted / expected - 1.0).abs() < 1e-9,
        "inflation: minted {minted} vs scheduled {expected}"
    );
    assert!(
        s.money.savings_pct > 50.0 && s.money.savings_pct < 90.0,
        "savings {}",
        s.money.savings_pct
    );
}

#[test]
fn render_burns_95_percent_of_payments_and_emits_its_yearly_table() {
    let sc = scenario("render", &[]);
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    let BurnRule::PaymentFraction(burned) = sc.token.burn else {
        panic!("render burns a fraction of payments")
    };
    assert!((s.money.burn_purchases_usd / s.money.consumer_spend_usd - burned).abs() < 1e-9);
    // The run's part of the yearly table at the schedule's age (2026 is BME year 3).
    assert!(
        sc.token.emission_offset_h > 0.0,
        "render's schedule has a genesis"
    );
    assert!(
        (s.token.tokens_minted - scheduled_emission(&sc)).abs() < 1.0,
        "emission {} vs scheduled {}",
        s.token.tokens_minted,
        scheduled_emission(&sc)
    );
    assert!(s.token.tokens_burned > 0.0 && s.money.provider_token_income_usd > 0.0);
    // Availability rewards: only operators up at least half of an epoch earn them, so
    // rewards track uptime.
    let earners = sink
        .providers
        .iter()
        .filter(|p| p.token_rewards > 0.0)
        .count();
    assert!(earners > sink.providers.len() / 2);
}

#[test]
fn ionet_stakes_slashes_and_buys_back() {
    let sc = scenario("ionet", &[]);
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    assert!(s.token.tokens_slashed > 0.0 && s.token.tokens_staked > 0.0);
    // A share of the fee (the take rate) buys back IO; the rest is kept.
    let BurnRule::FeeBuyback(share) = sc.token.burn else {
        panic!("io.net buys back with its fees")
    };
    let fee = sc.market.take_rate;
    assert!((s.money.burn_purchases_usd / s.money.consumer_spend_usd - fee * share).abs() < 1e-9);
    assert!((s.money.fees_usd / s.money.consumer_spend_usd - fee * (1.0 - share)).abs() < 1e-9);
    // The hourly schedule until the incentive engine replaces it, less the hours no
    // worker could claim; the engine pays after.
    let engine = sc
        .timeline
        .iter()
        .find(|c| c.token.incentives.is_some())
        .expect("io.net switches to its incentive engine on its timeline");
    let scheduled = scheduled_until(&sc, to_hours(engine.at));
    assert!(
        s.token.incentive_owed_usd > 0.0 && s.token.incentive_vault_tokens_paid > 0.0,
        "the engine pays suppliers after the switch"
    );
    assert!(
        (s.token.tokens_minted + s.token.tokens_unclaimed - scheduled).abs() < 1e-6 * scheduled,
        "{} + {} vs {scheduled}",
        s.token.tokens_minted,
        s.token.tokens_unclaimed
    );
    // Block rewards need 5 h of unbroken uptime: the flakiest hosts earn less per GPU-hour online.
    let rate = |cohort: &str| {
        let (r, h) = sink
            .providers
            .iter()
            .filter(|p| p.cohort == cohort)
            .fold((0.0, 0.0), |(r, h), p| {
                (r + p.token_rewards, h + p.gpu_hours_online)
            });
        r / h
    };
    assert!(rate("rtx4090-suppliers") < rate("h100-suppliers"));
}

#[test]
fn seed_article_claims_are_checked() {
    let sc = scenario("seed-article", &[]);
    let r = flopmarket_sim::run(
        &sc,
        flopmarket_sim::VecSink::default(),
        Default::default(),
        |_| {},
    );
    assert_eq!(r.summary.invariant_violations(), Vec::<String>::new());
    assert_eq!(r.summary.claims.claims.len(), 4);
    let revenue = &r.summary.claims.claims[0];
    assert_eq!(revenue.metric, "provider_monthly_revenue_usd_per_gpu");
    assert!(
        revenue
            .arithmetic
            .as_ref()
            .unwrap()
            .contains("does not hold")
    );
    // Providers at the cheap end of 0.50-1.50 $/h win most auctions: revenue spreads widely.
    assert!(revenue.simulated_p10 < revenue.simulated_p90);
    let utilization = &r.summary.claims.claims[2];
    assert_eq!(
        utilization.verdict, "agrees",
        "demand is sized for 80 %: {utilization:?}"
    );
    // Payback with power and hosting counted is longer than capex / revenue.
    let payback = &r.summary.claims.claims[1];
    assert!(
        payback
            .arithmetic
            .as_ref()
            .unwrap()
            .contains("leaving out power and hosting")
    );
}

#[test]
fn akash_bme_tracks_the_collateral_ratio_and_conserves() {
    let (s, sink) = run_all(&scenario("akash-bme", &[]), false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    eprintln!(
        "BME: min ratio {:.3}, warned {}, halted {}, minted beyond credits {:.0}, price end {:.3}, savings {:.1} %",
        s.bme.bme_min_collateral_ratio,
        s.bme.bme_warned_epochs,
        s.bme.bme_halted_epochs,
        s.bme.bme_minted_beyond_credits,
        s.token.token_price_end_usd,
        s.money.savings_pct
    );
    // No take rate; every tenant dollar buys and burns AKT (lease + 25 bps spread).
    assert_eq!(s.money.fees_usd, 0.0);
    assert_eq!(s.money.provider_revenue_usd, 0.0);
    assert!(
        (s.money.burn_purchases_usd - s.money.consumer_spend_usd).abs()
            < 1e-6 * s.money.consumer_spend_usd
    );
    // Providers are paid in reminted AKT, which they sell.
    assert!(s.money.provider_token_income_usd > 0.0);
    // The ratio path is in the epochs, one value per day with credit outstanding.
    let path: Vec<f64> = sink
        .epochs
        .iter()
        .filter_map(|e| e.collateral_ratio)
        .filter(|r| r.is_finite())
        .collect();
    assert!(path.len() > 300, "{}", path.len());
    assert!(
        path.iter().any(|&r| r > 1.0) && s.bme.bme_min_collateral_ratio < 1.0,
        "a volatile price moves the ratio both ways"
    );
    // Supply identity with burns and remints.
    assert!(
        (s.token.supply_end
            - (s.token.supply_start + s.token.tokens_minted - s.token.tokens_burned))
            .abs()
            < 1e-3 * s.token.supply_start / 1e6
    );
}

#[test]
fn bme_breaker_halts_new_leases_when_akt_crashes() {
    // A price path that halves AKT on day 10 and recovers on day 20.
    let path =
        "token.price={ model = \"path\", points = [[0.0, 1.2], [240.0, 0.6], [480.0, 1.2]] }";
    let (s, _) = run_all(
        &scenario("akash-bme", &["scenario.duration=\"30d\"", path]),
        true,
    );
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    assert!(
        s.bme.bme_halted_epochs >= 1,
        "the crash must trip the breaker"
    );
    assert!(s.bme.bme_min_collateral_ratio < 0.9);
    assert!(
        s.jobs.jobs_to_cloud > 0,
        "while halted, impatient tenants go to the cloud"
    );
}

#[test]
fn gensyn_catches_cheaters_at_the_sampling_rate_and_beats_replication() {
    let sc = scenario("gensyn", &[]);
    let v = sc.verification.expect("gensyn verifies");
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    eprintln!(
        "Gensyn: {} cheats, {} caught ({:.3}), {} expelled, overhead ${:.0}, spend ${:.0}, 7-way replication ${:.0}",
        s.verification.verification_cheats,
        s.verification.verification_caught,
        s.verification.verification_detection_rate,
        s.verification.verification_expelled,
        s.verification.verification_overhead_usd,
        s.money.consumer_spend_usd,
        s.verification.replication_equivalent_usd
    );
    // Each cheated job is caught with probability 0.10 (binomial, within 4 standard
    // errors). A cheater is expelled when caught, so it cheats about 10 times: with 50
    // cheating solvers, a few hundred cheats.
    let n = s.verification.verification_cheats as f64;
    assert!(n > 200.0, "cheats {n}");
    let q = v.verify_probability;
    let se = (q * (1.0 - q) / n).sqrt();
    assert!(
        (s.verification.verification_detection_rate - q).abs() < 4.0 * se + 0.005,
        "{}",
        s.verification.verification_detection_rate
    );
    // A caught solver is expelled once; expelled solvers cheat no more.
    assert!(s.verification.verification_expelled == s.verification.verification_caught);
    let solvers: u32 = sc.cohorts.iter().map(|c| c.count).sum();
    assert!(
        (s.verification.verification_expelled as f64)
            < 2.0 * v.cheater_fraction * f64::from(solvers),
        "only cheaters are expelled"
    );
    assert_eq!(sink.providers.len(), solvers as usize);
    // Overhead: o / (1 + o) of the spend; replication: n / (1 + o) of it.
    let (o, r) = (v.overhead, f64::from(v.replication));
    assert!(
        (s.verification.verification_overhead_usd / s.money.consumer_spend_usd - o / (1.0 + o))
            .abs()
            < 1e-9
    );
    assert!(
        (s.verification.replication_equivalent_usd / s.money.consumer_spend_usd - r / (1.0 + o))
            .abs()
            < 1e-9
    );
    assert!(s.token.tokens_slashed > 0.0 && s.verification.verification_jackpots > 0.0);
    assert!(
        (s.token.tokens_burned - s.token.tokens_slashed * (1.0 - v.jackpot_share)).abs()
            < 1e-6 * s.token.tokens_slashed,
        "each slash is burned but for the whistleblower's jackpot"
    );
}

#[test]
fn nosana_queue_spreads_work_evenly_where_cheapest_first_does_not() {
    // The 4090 market has identical nodes; the queue hands jobs round-robin, so node
    // utilization is even. Give the nodes different asks: cheapest-first concentrates work
    // on the cheap ones, the queue ignores asks.
    let nodes = cohort(&scenario("nosana", &[]), "rtx4090-nodes");
    let skewed = [
        "scenario.duration=\"30d\"".to_string(),
        format!(
            "providers.{nodes}.pricing={{ strategy = \"random_range\", min_usd_per_gpu_hour = 0.1, max_usd_per_gpu_hour = 0.3 }}"
        ),
    ];
    let spread = |assignment: &str| {
        let mut o: Vec<&str> = skewed.iter().map(String::as_str).collect();
        o.push(assignment);
        let (s, sink) = run_all(&scenario("nosana", &o), false);
        assert_eq!(s.invariant_violations(), Vec::<String>::new());
        let u: Vec<f64> = sink
            .providers
            .iter()
            .filter(|p| p.cohort == "rtx4090-nodes")
            .map(|p| p.utilization)
            .collect();
        let mean = u.iter().sum::<f64>() / u.len() as f64;
        (u.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / u.len() as f64).sqrt()
    };
    let queue = spread("market.assignment=\"queue\"");
    let cheapest = spread("market.assignment=\"cheapest\"");
    assert!(
        queue < cheapest / 2.0,
        "utilization spread: queue {queue:.3} vs cheapest {cheapest:.3}"
    );
}

/// Golem: offers with start fees are chosen by expected cost, so many orders take an
/// offer dearer per hour than the cheapest; providers over the requestors' start-fee cap
/// never work; payments reach providers as GLM bought on the market.
#[test]
fn golem_selects_by_expected_cost_and_pays_in_glm() {
    let sc = scenario("golem", &["scenario.duration=\"60d\""]);
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    assert_eq!(s.run.mechanism, "offer_selection");
    assert!(
        s.offer_selection.orders_not_lowest_price > 0 && s.offer_selection.start_fees_usd > 0.0
    );
    // Start fees are part of what consumers paid, on top of the hourly price.
    let hourly = s.money.consumer_spend_usd - s.offer_selection.start_fees_usd;
    assert!(hourly > 0.0 && s.offer_selection.start_fees_usd < s.money.consumer_spend_usd);
    // Providers over the cap: 0.6 USD max start drawn uniformly on [0, 0.6] vs a 0.5
    // cap, so about 1/6 of them.
    let hosts: u32 = sc.cohorts.iter().map(|c| c.count).sum();
    let over = sink.providers.iter().filter(|p| p.leases == 0).count() as u64;
    assert!(over >= s.offer_selection.providers_over_start_cap);
    assert!(
        (s.offer_selection.providers_over_start_cap as f64 / f64::from(hosts) - 1.0 / 6.0).abs()
            < 0.05,
        "{} over the cap",
        s.offer_selection.providers_over_start_cap
    );
    // No take rate, paid in tokens: all of the spend bought GLM for providers.
    assert_eq!(s.money.provider_revenue_usd, 0.0);
    assert!(
        (s.token_payments.token_payments_usd - s.money.consumer_spend_usd).abs()
            < 1e-6 * s.money.consumer_spend_usd
    );
    assert!(s.token_payments.provider_payment_tokens > 0.0);
    assert_eq!(s.token.tokens_minted, 0.0);
    // The GLM providers got are worth about what was paid (a deep pool, small impact).
    let avg_price = s.token_payments.token_payments_usd / s.token_payments.provider_payment_tokens;
    let start_price = flopmarket_sim::parts::token::PriceModel::price(&sc.token.price);
    assert!(
        (avg_price / start_price - 1.0).abs() < 0.1,
        "{avg_price} vs {start_price}"
    );
}

/// Aethir: 80/20 fee split settled in ATH; compute rewards in two pools. With all of
/// the pool on capacity, idle hosts that are up earn like busy ones; with all of it on
/// delivery, a host earns nothing unless it sells GPU-hours.
#[test]
fn aethir_splits_fees_and_rewards_capacity_and_delivery() {
    let sc = scenario("aethir", &["scenario.duration=\"90d\""]);
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    let fee = sc.market.take_rate;
    assert!((s.money.fees_usd / s.money.consumer_spend_usd - fee).abs() < 1e-9);
    assert!(
        (s.token_payments.token_payments_usd / s.money.consumer_spend_usd - (1.0 - fee)).abs()
            < 1e-9
    );
    assert!(s.token.tokens_slashed > 0.0 && s.token.tokens_staked > 0.0);
    // 90 days of the year-3 edge allocation (1.40B ATH a year); every host is eligible.
    let scheduled = scheduled_emission(&sc);
    assert!(
        (s.token.tokens_minted / scheduled - 1.0).abs() < 1e-6,
        "{} vs {scheduled}",
        s.token.tokens_minted
    );
    assert!(sink.providers.iter().all(|p| p.token_rewards > 0.0));

    let share = |sink: &flopmarket_sim::VecSink,
                 of: fn(&flopmarket_sim::data::records::ProviderRecord) -> f64| {
        // Correlation sign of rewards with `of` across the RTX hosts (same model, same size).
        let hosts: Vec<_> = sink
            .providers
            .iter()
            .filter(|p| p.gpu_model == "RTX-4090")
            .collect();
        let n = hosts.len() as f64;
        let (mx, my) = (
            hosts.iter().map(|p| of(p)).sum::<f64>() / n,
            hosts.iter().map(|p| p.token_rewards).sum::<f64>() / n,
        );
        hosts
            .iter()
            .map(|p| (of(p) - mx) * (p.token_rewards - my))
            .sum::<f64>()
    };
    let capacity = [
        "scenario.duration=\"30d\"",
        "token.reward_split={ capacity = 1.0, delivery = 0.0 }",
    ];
    let delivery = [
        "scenario.duration=\"30d\"",
        "token.reward_split={ capacity = 0.0, delivery = 1.0 }",
    ];
    let (_, by_capacity) = run_all(&scenario("aethir", &capacity), false);
    let (_, by_delivery) = run_all(&scenario("aethir", &delivery), false);
    // Capacity rewards follow uptime; delivery rewards follow GPU-hours sold.
    for p in by_capacity.providers.iter().chain(&by_delivery.providers) {
        assert!(p.token_rewards >= 0.0);
    }
    let sold_of = |p: &flopmarket_sim::data::records::ProviderRecord| p.gpu_hours_sold;
    let idle_of =
        |p: &flopmarket_sim::data::records::ProviderRecord| p.gpu_hours_online - p.gpu_hours_sold;
    assert!(share(&by_delivery, sold_of) > 0.0);
    assert!(share(&by_capacity, idle_of) > share(&by_delivery, idle_of));
}

/// Theta: no emission; nodes earn only for the jobs they run (paid in TFUEL): an edge
/// node's income is in proportion to the GPU-hours it sold, and buying TFUEL for
/// payments while nodes hold part of it pushes the price up.
#[test]
fn theta_pays_edge_nodes_by_demand_in_tfuel() {
    let sc = scenario("theta", &["scenario.duration=\"90d\""]);
    let (s, sink) = run_all(&sc, false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    assert_eq!(s.token.tokens_minted, 0.0);
    let paid = 1.0 - sc.market.take_rate;
    assert!((s.token_payments.token_payments_usd / s.money.consumer_spend_usd - paid).abs() < 1e-9);
    assert!(
        s.token.token_price_end_usd > 0.04,
        "net buying lifts TFUEL: {}",
        s.token.token_price_end_usd
    );
    for p in &sink.providers {
        assert_eq!(p.revenue_usd, 0.0);
        if p.gpu_hours_sold == 0.0 {
            assert_eq!(p.token_rewards, 0.0);
            assert_eq!(p.token_income_usd, 0.0);
        }
    }
    // Among 4090 nodes (one posted price), TFUEL income per GPU-hour sold is the same
    // up to the epoch's price: within the range of prices over the run.
    let per_hour: Vec<f64> = sink
        .providers
        .iter()
        .filter(|p| p.gpu_model == "RTX-4090" && p.gpu_hours_sold > 50.0)
        .map(|p| p.token_income_usd / p.gpu_hours_sold)
        .collect();
    let (lo, hi) = per_hour
        .iter()
        .fold((f64::MAX, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
    assert!(hi / lo < 1.3, "income per GPU-hour sold from {lo} to {hi}");
}

/// Render tiers: higher tiers pay their multiple of the posted price and jump the queue.
#[test]
fn render_tiers_pay_more_and_wait_less() {
    // Demand grows 50 % a year: queues form at the evening peaks of the later months.
    let (s, _) = run_all(&scenario("render", &[]), false);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    let tier = |name: &str| s.workloads.iter().find(|w| w.workload == name).unwrap();
    let (economy, priority, trusted) = (
        tier("octane-rendering"),
        tier("priority-rendering"),
        tier("studio-rendering"),
    );
    assert_eq!(economy.tier, "tier-3-economy");
    assert!(economy.p_wait > 0.0, "the economy tier queues at peaks");
    assert!(economy.mean_wait_s > 10.0 * priority.mean_wait_s.max(1.0));
    assert!(priority.mean_wait_s >= trusted.mean_wait_s);
    // Prices paid: the posted price times the tier's multiplier.
    let (_, sink) = run_all(&scenario("render", &["scenario.duration=\"20d\""]), true);
    for (workload, mult) in [
        ("octane-rendering", 1.0),
        ("priority-rendering", 1.28),
        ("studio-rendering", 2.56),
    ] {
        for j in sink
            .jobs
            .iter()
            .filter(|j| j.workload == workload && j.price_usd_per_gpu_hour.is_some())
        {
            let posted = match j.gpu_model.as_deref() {
                Some("RTX-4090") => 0.60,
                Some("RTX-3090") => 0.51,
                other => panic!("{other:?}"),
            };
            assert!((j.price_usd_per_gpu_hour.unwrap() - posted * mult).abs() < 1e-9);
        }
    }
}

/// io.net clusters: jobs bigger than any host run on several hosts, slower by the
/// interconnect penalty, and everything still adds up host by host.
#[test]
fn ionet_assembles_clusters_with_an_interconnect_penalty() {
    let (s, sink) = run_all(&scenario("ionet", &["scenario.duration=\"60d\""]), true);
    assert_eq!(s.invariant_violations(), Vec::<String>::new());
    assert!(s.clusters.cluster_leases > 0);
    assert!(s.clusters.cluster_mean_hosts >= 2.0 && s.clusters.cluster_mean_hosts <= 8.0);
    // Slowest class consumer (0.45) to nvlink (0.90), times 0.85 when classes mix.
    assert!(
        s.clusters.cluster_mean_efficiency >= 0.45 * 0.85
            && s.clusters.cluster_mean_efficiency <= 0.90,
        "{}",
        s.clusters.cluster_mean_efficiency
    );
    let done = |name: &str| {
        sink.jobs
            .iter()
            .filter(|j| j.workload == name && j.status == "completed")
            .count()
    };
    assert!(done("distributed-training") > 0 && done("consumer-cluster-inference") > 0);
    for p in &sink.providers {
        assert!(p.gpu_hours_sold <= p.gpu_hours_online + 1e-9);
        assert!(p.revenue_usd >= 0.0);
    }
    // Without clusters the 16-GPU jobs cannot run at all, so the scenario is rejected.
    let err = flopmarket_sim::Scenario::load(
        &crate::common::repo_path("scenarios/ionet.toml"),
        &["market.clusters.max_hosts=1".to_string()],
    )
    .unwrap_err();
    assert!(err.to_string().contains("max_hosts in 2..=64"), "{err}");
}

/// Entry and exit: the 4090 home hosts' supply follows demand. Halve their demand and
/// hosts leave; double it and hosts join; with no entry_exit rule the cohort is fixed.
#[test]
fn supply_responds_to_demand_through_entry_and_exit() {
    let akash = scenario("akash", &[]);
    let start_providers: u32 = akash.cohorts.iter().map(|c| c.count).sum();
    // The two workloads the 4090 home hosts serve, by name, at `scale` x their rates.
    let scaled = |name: &str, scale: f64| {
        let i = workload(&akash, name);
        format!(
            "workloads.{i}.arrivals.rate_per_hour={}",
            akash.workloads[i].rate_per_hour * scale
        )
    };
    let active_4090 = |scale: f64| {
        let overrides = [
            "scenario.duration=\"180d\"".to_string(),
            scaled("llm-inference", scale),
            scaled("rendering", scale),
        ];
        let refs: Vec<&str> = overrides.iter().map(String::as_str).collect();
        let (s, sink) = run_all(&scenario("akash", &refs), false);
        assert_eq!(s.invariant_violations(), Vec::<String>::new());
        assert_eq!(
            s.supply.providers_active_end,
            s.run.providers - s.supply.providers_exited,
            "active = ever - left"
        );
        assert_eq!(
            s.run.providers,
            u64::from(start_providers) + s.supply.providers_entered
        );
        // Leavers stop accruing time: nobody is online longer than they were present.
        for p in &sink.providers {
            assert!(p.uptime <= 1.0 + 1e-9 && p.gpu_hours_sold <= p.gpu_hours_online + 1e-9);
        }
        let up_at_end = sink
            .epochs
            .iter()
            .rev()
            .find(|e| e.gpu_model == "RTX-4090")
            .unwrap()
            .providers_up;
        (s, up_at_end)
    };
    let (low, low_up) = active_4090(0.5);
    let (high, high_up) = active_4090(2.0);
    assert!(low.supply.providers_exited > 0 && high.supply.providers_entered > 0);
    // The cohort ends below its starting size at half demand and above it at double.
    let start_4090 = akash.cohorts[cohort(&akash, "rtx4090-home")].count;
    assert!(
        low_up < start_4090 && high_up > start_4090,
        "4090 hosts up at the end: {low_up} at half demand, {high_up} at double, {start_4090} at the start"
    );
    let (fixed, _) = run_all(
        &scenario("seed-article", &["scenario.duration=\"60d\""]),
        false,
    );
    assert_eq!(
        fixed.supply.providers_entered + fixed.supply.providers_exited,
        0
    );
}
