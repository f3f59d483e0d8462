//! Builds the report [`Document`] of one run: headline figures from the summary, network
//! vs cloud per GPU model, provider economics per cohort, a table over time, and charts.

use flopmarket_sim::Summary;
use flopmarket_sim::data::serving;
use flopmarket_sim::parts::market::MechanismKind;
use polars::prelude::{DataFrame, PolarsResult};

use crate::analysis::{self, f64s, strings, u64s};
use crate::charts;
use crate::context::ReportContext;
use crate::document::{Block, Document, Table};
use crate::fmt::{NA, fixed, int, num, pct, pct_points, usd};
use crate::sink::RunFrames;

/// Most rows of the table over time.
const MAX_PERIOD_ROWS: usize = 24;

/// The whole report; a multi-venue world's ([`Summary::venues`]) gets a "Venues" section
/// after the headline figures.
pub(crate) fn build(
    summary: &Summary,
    frames: &RunFrames,
    ctx: &ReportContext,
) -> PolarsResult<Document> {
    let (epochs, providers) = (&frames.epochs, &frames.providers);
    let mut doc = Document {
        title: format!("flopmarket run: {}", summary.run.scenario),
        blocks: Vec::new(),
    };
    if !ctx.description.is_empty() {
        doc.paragraph(ctx.description.clone());
    }
    doc.paragraph(format!(
        "Mechanism {}, {} days simulated, seed {}, {} providers with {} GPUs. Cloud baseline: {}. flopmarket {}.",
        summary.run.mechanism,
        day(summary.run.duration_days),
        summary.run.seed,
        int(summary.run.providers),
        int(summary.run.gpus),
        if ctx.cloud.is_empty() { NA } else { &ctx.cloud },
        summary.run.flopmarket_version
    ));
    doc.heading("Headline");
    doc.table(headline(summary));
    crate::venues::section(&mut doc, summary, frames.venues.as_ref(), ctx)?;
    doc.heading("Network vs cloud by GPU model");
    doc.paragraph("Network price = consumer spend / GPU-hours sold over the run; discount = 1 - network price / cloud list price.");
    doc.table(network_vs_cloud(epochs, ctx)?);
    doc.blocks
        .push(Block::Chart(charts::price_vs_cloud(epochs, ctx)?));
    alternatives_section(&mut doc, summary);
    if !ctx.unit_throughput.is_empty() {
        doc.heading("Cost per unit of work");
        doc.paragraph("$/1M tokens: 7B-parameter decode at batch 1 in 16-bit weights (memory-bound: bandwidth x inference efficiency / 13.48 GB per token), the worst case; batched serving costs far less per token. $/PFLOP: bf16 tensor throughput x training efficiency. Network price = mean price paid on the network; \"measured\" marks efficiencies from a calibration table.");
        doc.table(unit_costs(epochs, ctx)?);
    }
    serving_section(&mut doc, epochs, ctx)?;
    timeline_section(&mut doc, summary);
    token_section(&mut doc, summary, ctx);
    verification_section(&mut doc, summary);
    bme_section(&mut doc, summary);
    mechanism_sections(&mut doc, summary);
    claims_section(&mut doc, ctx);
    crate::backtests::section(&mut doc, summary, ctx);
    doc.heading("Provider economics by cohort");
    doc.paragraph("Median payback counts providers that never pay back as infinite (n/a when fewer than half pay back); paid back = payback within the simulated run.");
    doc.table(cohorts(
        providers,
        analysis::run_months(summary.run.duration_days),
    )?);
    let k = analysis::epochs_per_period(epochs, MAX_PERIOD_ROWS)?;
    doc.heading("Over time");
    doc.paragraph(format!("All GPU models, summed over periods of {k} epoch(s); waiting jobs and token supply at each period's end."));
    doc.table(over_time(epochs, k)?);
    doc.blocks
        .push(Block::Chart(charts::utilization(epochs, ctx)?));
    doc.blocks
        .push(Block::Chart(charts::revenue_and_fees(epochs, ctx)?));
    if !ctx.notes.is_empty() {
        doc.heading("Notes");
        doc.blocks.push(Block::List(ctx.notes.clone()));
    }
    Ok(doc)
}

/// $/1M tokens at batch 1 and at each serving workload's batch, beside API prices.
fn serving_section(
    doc: &mut Document,
    epochs: &DataFrame,
    ctx: &ReportContext,
) -> PolarsResult<()> {
    if ctx.serving.is_empty() {
        return Ok(());
    }
    let df = analysis::by_gpu_model(epochs)?;
    let (models, price) = (
        strings(&df, "gpu_model")?,
        f64s(&df, "mean_price_usd_per_gpu_hour")?,
    );
    doc.heading("Serving cost per token");
    doc.paragraph("7B-class decode (Llama-2-7B shape, 16-bit weights) with a KV cache per sequence: tokens/s summed over the batch, from the GPU's measured decode curve where a calibration table has one (\"measured\"), else the roofline of weights plus KV cache over bandwidth x inference efficiency against FLOPs over bf16 peak x training efficiency (\"assumed\"). $/1M generated tokens = price per GPU-hour / tokens per hour; network price = mean price paid on the network for that GPU model (n/a where none was sold), cloud = the cheapest compared offering listing the GPU.");
    let mut t = Table::new(&[
        "Workload",
        "GPU model",
        "Batch (context)",
        "tokens/s at batch 1",
        "tokens/s at batch",
        "Network $/1M, batch 1",
        "Network $/1M, batch",
        "Cheapest cloud $/1M, batch",
    ]);
    for r in &ctx.serving {
        let network = models
            .iter()
            .position(|m| m == &r.gpu)
            .map_or(f64::NAN, |i| price[i]);
        let tag = if r.measured {
            " (measured)"
        } else {
            " (assumed)"
        };
        let per_m = serving::usd_per_million_tokens;
        t.row(vec![
            r.workload.clone(),
            r.gpu.clone(),
            format!("{} ({} tokens)", r.batch, r.context_tokens),
            format!("{}{tag}", fixed(r.tokens_per_s_batch1, 1)),
            format!("{}{tag}", fixed(r.tokens_per_s, 1)),
            usd(per_m(network, r.tokens_per_s_batch1)),
            usd(per_m(network, r.tokens_per_s)),
            r.cheapest_cloud
                .as_ref()
                .map_or(NA.to_string(), |(name, p)| {
                    format!("{} ({name})", usd(per_m(*p, r.tokens_per_s)))
                }),
        ]);
    }
    doc.table(t);
    if !ctx.api_prices.is_empty() {
        let (lo, hi) = ctx
            .api_prices
            .iter()
            .fold((f64::INFINITY, 0.0f64), |(lo, hi), p| {
                (lo.min(p.usd_per_m_output), hi.max(p.usd_per_m_output))
            });
        doc.paragraph(format!(
            "Published API prices of 7-8B models (scenarios/data/api_prices.csv): {} to {} per 1M output tokens.",
            usd(lo),
            usd(hi)
        ));
        let mut a = Table::new(&[
            "Provider",
            "Model",
            "$/1M input",
            "$/1M output",
            "Read",
            "Source",
        ]);
        for p in &ctx.api_prices {
            a.row(vec![
                p.provider.clone(),
                p.model.clone(),
                usd(p.usd_per_m_input),
                usd(p.usd_per_m_output),
                p.date.clone(),
                format!("{} ({})", p.source, p.label),
            ]);
        }
        doc.table(a);
    }
    Ok(())
}

/// Savings against every compared cloud offering and against the cheapest per workload.
fn alternatives_section(doc: &mut Document, s: &Summary) {
    let a = &s.alternatives;
    if a.alternatives.is_empty() {
        return;
    }
    doc.heading("Savings against the alternatives");
    doc.paragraph("What the network's completed jobs would have cost on each cloud offering (list prices of scenarios/data/cloud_prices.csv, dated and sourced there), against what the network charged for the jobs that ended. An offering prices only the workloads whose cloud GPU it lists. The cheapest row takes, per workload, the cheapest offering that lists its GPU.");
    let mut t = Table::new(&[
        "Cloud offering",
        "Workloads priced",
        "Cloud cost [USD]",
        "Network spend [USD]",
        "Savings",
    ]);
    for alt in &a.alternatives {
        t.row(vec![
            format!("{} {}", alt.cloud, alt.offering),
            alt.workloads_priced.join(", "),
            usd(alt.equivalent_usd),
            usd(alt.network_spend_usd),
            pct_points(alt.savings_pct),
        ]);
    }
    t.row(vec![
        "cheapest per workload".to_string(),
        a.cheapest_alternative
            .iter()
            .map(|c| format!("{}: {} {} {}", c.workload, c.gpu, c.cloud, c.offering))
            .collect::<Vec<_>>()
            .join("; "),
        usd(a.cheapest_equivalent_usd),
        usd(s.money.spend_on_ended_jobs_usd),
        pct_points(a.savings_vs_cheapest_pct),
    ]);
    doc.table(t);
}

/// The scenario's dated changes: when, what and on whose word.
fn timeline_section(doc: &mut Document, summary: &Summary) {
    if summary.timeline.is_empty() {
        return;
    }
    doc.heading("Timeline");
    doc.paragraph("Dated changes to the market and token parameters, each in force from its date, an epoch boundary (the epoch table's timeline_change column marks the first epoch under the new rules).");
    let items = summary
        .timeline
        .iter()
        .map(|c| {
            let when = match &c.date {
                Some(d) => format!("{} (day {})", d.get(..10).unwrap_or(d), day(c.at_h / 24.0)),
                None => format!("Day {}", day(c.at_h / 24.0)),
            };
            let what = match &c.note {
                Some(n) => format!("{n} ({})", c.changes.join(", ")),
                None => c.changes.join(", "),
            };
            format!("{when}: {what}. Source: {}.", c.source)
        })
        .collect();
    doc.blocks.push(Block::List(items));
}

/// The token's parts in words and what they did over the run.
fn token_section(doc: &mut Document, summary: &Summary, ctx: &ReportContext) {
    if !ctx.token_mechanism.is_empty() {
        doc.heading("Token economy");
        doc.blocks.push(Block::List(ctx.token_mechanism.clone()));
        doc.paragraph(format!(
            "Over the run: {} {sym} minted, {} burned ({} of payments spent on burns), {} slashed; supply {} -> {}; price ${:.4} at the end; providers sold rewards for {}.",
            num(summary.token.tokens_minted),
            num(summary.token.tokens_burned),
            usd(summary.money.burn_purchases_usd),
            num(summary.token.tokens_slashed),
            num(summary.token.supply_start),
            num(summary.token.supply_end),
            summary.token.token_price_end_usd,
            usd(summary.money.provider_token_income_usd),
            sym = summary.token.token_symbol,
        ));
        doc.paragraph(token_income_sentence(summary));
    }
}

/// Providers' token income per GPU-hour (the figure to hold against a published reward
/// budget over a published fleet) and its share of their income.
fn token_income_sentence(summary: &Summary) -> String {
    let t = &summary.token_income;
    format!(
        "Token income per GPU-hour online: {:.4} {sym} ({:.4} {sym} of it rewards from emissions), ${:.4} from sales; per GPU-hour sold: {:.4} {sym}, ${:.4}; tokens are {:.1} % of providers' income. The run stands for {:.4} of its network (fleet_fraction).",
        t.provider_token_income_per_gpu_hour_online,
        t.provider_token_rewards_per_gpu_hour_online,
        t.provider_token_income_usd_per_gpu_hour_online,
        t.provider_token_income_per_gpu_hour_sold,
        t.provider_token_income_usd_per_gpu_hour_sold,
        t.provider_token_income_share * 100.0,
        summary.run.fleet_fraction,
        sym = summary.token.token_symbol,
    )
}

/// Verified training (Gensyn): cheats caught and what verification cost.
fn verification_section(doc: &mut Document, summary: &Summary) {
    if summary.verification.verification_overhead_usd > 0.0
        || summary.verification.verification_cheats > 0
    {
        doc.heading("Verification");
        doc.paragraph(format!(
            "{} jobs were finished by cheating solvers; verifiers caught {} of them ({}), the job was redone each time and {} solvers were expelled, their stake slashed ({} tokens to whistleblowers). Proof-of-learning overhead cost consumers {} of {} spent; running every job {} would cost {} instead ({:.1}x the verified network's bill).",
            int(summary.verification.verification_cheats),
            int(summary.verification.verification_caught),
            pct(summary.verification.verification_detection_rate),
            int(summary.verification.verification_expelled),
            num(summary.verification.verification_jackpots),
            usd(summary.verification.verification_overhead_usd),
            usd(summary.money.consumer_spend_usd),
            "with n-way replication",
            usd(summary.verification.replication_equivalent_usd),
            summary.verification.replication_equivalent_usd / summary.money.consumer_spend_usd,
        ));
        doc.paragraph(format!(
            "Refereed replication instead (Gensyn's Verde: two replicas on reproducible kernels, a referee recomputing the first disputed operator) would cost {} ({:.2}x the verified bill) and accept the {} of jobs whose two replicas both cheat alike.",
            usd(summary.verification.verde_equivalent_usd),
            summary.verification.verde_equivalent_usd / summary.money.consumer_spend_usd,
            pct(summary.verification.verde_accepted_cheat_fraction),
        ));
    }
}

/// Akash's burn-mint equilibrium: collateral and its breaker.
fn bme_section(doc: &mut Document, summary: &Summary) {
    if summary.bme.bme_min_collateral_ratio.is_finite() {
        doc.heading("Burn-mint equilibrium");
        doc.paragraph(format!(
            "Lowest collateral ratio {:.3}; {} epochs below the 95 % warning, {} epochs halted below 90 % (no new leases); {} tokens reminted beyond the burned credits (net new supply).",
            summary.bme.bme_min_collateral_ratio,
            int(summary.bme.bme_warned_epochs),
            int(summary.bme.bme_halted_epochs),
            num(summary.bme.bme_minted_beyond_credits),
        ));
    }
}

/// Published claims with their verdicts and their own arithmetic.
fn claims_section(doc: &mut Document, ctx: &ReportContext) {
    if !ctx.claims.is_empty() {
        doc.heading("Claims checked");
        doc.paragraph("Verdict: agrees = the simulated median lies in the claimed range; partly = the 10-90 % range of providers overlaps it; disagrees = no overlap. Provider metrics are spread over providers; run-wide metrics are single values.");
        doc.table(claims(ctx));
        let sums: Vec<String> = ctx
            .claims
            .iter()
            .filter_map(|c| c.arithmetic.as_ref().map(|a| format!("{}: {a}.", c.metric)))
            .collect();
        if !sums.is_empty() {
            doc.paragraph("The claims' own arithmetic:");
            doc.blocks.push(Block::List(sums));
        }
    }
}

/// What the network's own mechanism did: offer selection, token payments, clusters,
/// and service per workload (with its tier).
fn mechanism_sections(doc: &mut Document, s: &Summary) {
    if MechanismKind::from_name(&s.run.mechanism) == Some(MechanismKind::OfferSelection) {
        doc.heading("Offer selection");
        doc.paragraph(format!(
            "Requestors chose the offer with the lowest expected cost for their task (start fee + price per hour x GPUs x expected hours): {} of {} leases ({}) went to an offer dearer per hour than the cheapest one received, because its start fee was lower. Start fees came to {} of {} paid. {} providers asked a start fee over the requestors' cap and never worked.",
            int(s.offer_selection.orders_not_lowest_price),
            int(s.jobs.jobs_completed + s.jobs.jobs_in_flight),
            pct(s.offer_selection.orders_not_lowest_price as f64 / (s.jobs.jobs_completed + s.jobs.jobs_in_flight).max(1) as f64),
            usd(s.offer_selection.start_fees_usd),
            usd(s.money.consumer_spend_usd),
            int(s.offer_selection.providers_over_start_cap),
        ));
    }
    if s.token_payments.token_payments_usd > 0.0 {
        doc.heading("Paid in tokens");
        doc.paragraph(format!(
            "Providers were paid in {sym}: their {} share of payments bought {} {sym} at the epochs' closes (on average ${:.4} per {sym}; ${:.4} at the end of the run). Selling part of those and of any rewards brought them {}; the rest they hold. Buying {sym} for payments and selling it back is what moves the price here.",
            usd(s.token_payments.token_payments_usd),
            num(s.token_payments.provider_payment_tokens),
            s.token_payments.token_payments_usd / s.token_payments.provider_payment_tokens,
            s.token.token_price_end_usd,
            usd(s.money.provider_token_income_usd),
            sym = s.token.token_symbol,
        ));
    }
    if s.supply.providers_entered + s.supply.providers_exited > 0 {
        doc.heading("Entry and exit");
        doc.paragraph(format!(
            "Supply responded to returns: {} providers joined while their cohort's return beat its hurdle, {} left after a stretch of operating losses; {} of the {} that were ever in the market remained at the end. The cohort table counts every provider that was ever in the market, each over its own time in it; median payback is over those that remained.",
            int(s.supply.providers_entered),
            int(s.supply.providers_exited),
            int(s.supply.providers_active_end),
            int(s.run.providers),
        ));
    }
    if s.clusters.cluster_leases > 0 {
        doc.heading("Clusters");
        doc.paragraph(format!(
            "{} leases ran on clusters assembled from several hosts: {:.2} hosts each on average, at {} of one host's throughput on average (the interconnect penalty: the job runs longer and pays for it).",
            int(s.clusters.cluster_leases),
            s.clusters.cluster_mean_hosts,
            pct(s.clusters.cluster_mean_efficiency),
        ));
    }
    if !s.workloads.is_empty() {
        doc.heading("Service by workload");
        let tiers = s.workloads.iter().any(|w| w.tier != "-");
        if tiers {
            doc.paragraph("Higher tiers pay their multiple of the posted price and are served first when capacity frees up.");
        }
        let mut t = Table::new(&[
            "Workload",
            "Tier",
            "Jobs started",
            "Jobs completed",
            "Mean wait (s)",
            "P(wait)",
        ]);
        for w in &s.workloads {
            t.row(vec![
                w.workload.clone(),
                w.tier.clone(),
                int(w.jobs_started),
                int(w.jobs_completed),
                fixed(w.mean_wait_s, 1),
                pct(w.p_wait),
            ]);
        }
        doc.table(t);
    }
}

/// Headline figures, one per row.
fn headline(s: &Summary) -> Table {
    let mut t = Table::new(&["Figure", "Value"]);
    for (label, n) in [
        ("Jobs submitted", s.jobs.jobs_submitted),
        ("Jobs completed", s.jobs.jobs_completed),
        ("Jobs failed", s.jobs.jobs_failed),
        ("Jobs dropped", s.jobs.jobs_dropped),
        ("Jobs to cloud", s.jobs.jobs_to_cloud),
        ("Jobs in flight", s.jobs.jobs_in_flight),
    ] {
        t.pair(label, int(n));
    }
    t.pair("Mean wait [s]", num(s.jobs.mean_wait_s));
    t.pair("Jobs that waited (p_wait)", pct(s.jobs.p_wait));
    t.pair("Utilization", pct(s.capacity.utilization));
    t.pair("Consumer spend (network)", usd(s.money.consumer_spend_usd));
    t.pair("Cloud equivalent", usd(s.money.cloud_equivalent_usd));
    t.pair("Savings vs cloud", pct_points(s.money.savings_pct));
    t.pair(
        "Savings vs cheapest alternative",
        pct_points(s.alternatives.savings_vs_cheapest_pct),
    );
    t.pair("Provider revenue", usd(s.money.provider_revenue_usd));
    t.pair("Network fees", usd(s.money.fees_usd));
    t.pair("Burn purchases", usd(s.money.burn_purchases_usd));
    t.pair(
        "Mean price [USD/GPU-h]",
        usd(s.money.mean_price_usd_per_gpu_hour),
    );
    t.pair(
        "Provider token income",
        usd(s.money.provider_token_income_usd),
    );
    t.pair("Provider profit", usd(s.money.provider_profit_usd));
    t.pair(
        "Median payback [months]",
        num(s.money.median_payback_months),
    );
    // A world's networks have a token each: the Venues section has them.
    if !s.venues.is_empty() {
        t.pair("Events", int(s.engine.events));
        t.pair("Wall time [s]", num(s.engine.wall_s));
        t.pair("Events per second", num(s.engine.events_per_s));
        return t;
    }
    let sym = &s.token.token_symbol;
    t.pair(
        &format!("Tokens minted [{sym}]"),
        num(s.token.tokens_minted),
    );
    t.pair(
        &format!("Tokens burned [{sym}]"),
        num(s.token.tokens_burned),
    );
    t.pair(
        &format!("Token supply start → end [{sym}]"),
        format!(
            "{} → {}",
            num(s.token.supply_start),
            num(s.token.supply_end)
        ),
    );
    t.pair("Token price at end [USD]", usd(s.token.token_price_end_usd));
    t.pair(
        &format!("Tokens staked at end [{sym}]"),
        num(s.token.tokens_staked),
    );
    t.pair(
        &format!("Tokens slashed [{sym}]"),
        num(s.token.tokens_slashed),
    );
    t.pair("Events", int(s.engine.events));
    t.pair("Wall time [s]", num(s.engine.wall_s));
    t.pair("Events per second", num(s.engine.events_per_s));
    t
}

/// Network price per GPU model against the cloud list price.
fn network_vs_cloud(epochs: &DataFrame, ctx: &ReportContext) -> PolarsResult<Table> {
    let df = analysis::by_gpu_model(epochs)?;
    let mut t = Table::new(&[
        "GPU model",
        "GPU-hours sold",
        "Utilization",
        "Consumer spend",
        "Network price [USD/GPU-h]",
        "Cloud price [USD/GPU-h]",
        "Discount vs cloud",
    ]);
    let (sold, util, spend, price) = (
        f64s(&df, "gpu_hours_sold")?,
        f64s(&df, "utilization")?,
        f64s(&df, "consumer_spend_usd")?,
        f64s(&df, "mean_price_usd_per_gpu_hour")?,
    );
    for (i, model) in strings(&df, "gpu_model")?.into_iter().enumerate() {
        let cloud = ctx.cloud_price(&model);
        let discount = cloud.map_or(f64::NAN, |c| 100.0 * (1.0 - price[i] / c));
        t.row(vec![
            model,
            num(sold[i]),
            pct(util[i]),
            usd(spend[i]),
            usd(price[i]),
            cloud.map_or(NA.to_string(), usd),
            pct_points(discount),
        ]);
    }
    Ok(t)
}

/// Provider economics per cohort.
fn cohorts(providers: &DataFrame, run_months: f64) -> PolarsResult<Table> {
    let df = analysis::by_cohort(providers, run_months)?;
    let mut t = Table::new(&[
        "Cohort",
        "GPU model",
        "Providers",
        "GPUs",
        "Mean utilization",
        "Mean uptime",
        "Revenue",
        "Token income",
        "Profit",
        "Median payback [months]",
        "Paid back within run",
    ]);
    t.align[1] = crate::document::Align::Left;
    let (n, gpus) = (u64s(&df, "providers")?, u64s(&df, "gpus")?);
    let (util, up, rev, tokens, profit, payback, share) = (
        f64s(&df, "mean_utilization")?,
        f64s(&df, "mean_uptime")?,
        f64s(&df, "revenue_usd")?,
        f64s(&df, "token_income_usd")?,
        f64s(&df, "profit_usd")?,
        f64s(&df, "median_payback_months")?,
        f64s(&df, "paid_back_share")?,
    );
    let count = |v: Option<u64>| v.map_or(NA.to_string(), int);
    for (i, (cohort, model)) in strings(&df, "cohort")?
        .into_iter()
        .zip(strings(&df, "gpu_model")?)
        .enumerate()
    {
        t.row(vec![
            cohort,
            model,
            count(n[i]),
            count(gpus[i]),
            pct(util[i]),
            pct(up[i]),
            usd(rev[i]),
            usd(tokens[i]),
            usd(profit[i]),
            num(payback[i]),
            pct(share[i]),
        ]);
    }
    Ok(t)
}

/// A day count without needless decimals: 30 -> "30", 30.5 -> "30.5".
fn day(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// The "all" rows summed over periods of `k` epochs.
fn over_time(epochs: &DataFrame, k: u32) -> PolarsResult<Table> {
    let df = analysis::by_period(epochs, k)?;
    let mut t = Table::new(&[
        "Days",
        "Utilization",
        "Consumer spend",
        "Provider revenue",
        "Fees",
        "Burn purchases",
        "Mean price [USD/GPU-h]",
        "Jobs submitted",
        "Jobs completed",
        "Jobs to cloud",
        "Waiting at end",
        "Tokens minted",
        "Supply at end",
    ]);
    let f = |name: &str| f64s(&df, name);
    let (start, end, util, spend, rev) = (
        f("start_day")?,
        f("end_day")?,
        f("utilization")?,
        f("consumer_spend_usd")?,
        f("provider_revenue_usd")?,
    );
    let (fees, burn, price) = (
        f("fees_usd")?,
        f("burn_usd")?,
        f("mean_price_usd_per_gpu_hour")?,
    );
    let (minted, supply) = (f("tokens_minted")?, f("token_supply")?);
    let u = |name: &str| u64s(&df, name);
    let (submitted, completed, to_cloud, waiting) = (
        u("jobs_submitted")?,
        u("jobs_completed")?,
        u("jobs_to_cloud")?,
        u("jobs_waiting")?,
    );
    let count = |v: Option<u64>| v.map_or(NA.to_string(), int);
    for i in 0..df.height() {
        t.row(vec![
            format!("{}-{}", day(start[i]), day(end[i])),
            pct(util[i]),
            usd(spend[i]),
            usd(rev[i]),
            usd(fees[i]),
            usd(burn[i]),
            usd(price[i]),
            count(submitted[i]),
            count(completed[i]),
            count(to_cloud[i]),
            count(waiting[i]),
            num(minted[i]),
            num(supply[i]),
        ]);
    }
    Ok(t)
}

/// $/1M tokens and $/PFLOP per GPU model, on the network and on the cloud.
fn unit_costs(epochs: &DataFrame, ctx: &ReportContext) -> PolarsResult<Table> {
    let df = analysis::by_gpu_model(epochs)?;
    let (models, price) = (
        strings(&df, "gpu_model")?,
        f64s(&df, "mean_price_usd_per_gpu_hour")?,
    );
    let mut t = Table::new(&[
        "GPU model",
        "7B decode [tokens/s]",
        "Network $/1M tokens",
        "Cloud $/1M tokens",
        "bf16 [TFLOP/s]",
        "Network $/PFLOP",
        "Cloud $/PFLOP",
    ]);
    let per_m_tokens = |usd_h: f64, tps: f64| usd_h / (tps * 3600.0) * 1e6;
    let per_pflop = |usd_h: f64, tflops: f64| usd_h / (tflops * 3.6);
    for u in &ctx.unit_throughput {
        let network = models
            .iter()
            .position(|m| m == &u.gpu)
            .map_or(f64::NAN, |i| price[i]);
        let cloud = ctx.cloud_price(&u.gpu).unwrap_or(f64::NAN);
        let tag = |measured: bool| {
            if measured {
                " (measured)"
            } else {
                " (assumed)"
            }
        };
        t.row(vec![
            u.gpu.clone(),
            format!(
                "{}{}",
                fixed(u.decode_7b_tokens_per_s, 1),
                tag(u.decode_measured)
            ),
            usd(per_m_tokens(network, u.decode_7b_tokens_per_s)),
            usd(per_m_tokens(cloud, u.decode_7b_tokens_per_s)),
            format!("{}{}", fixed(u.bf16_tflops, 1), tag(u.bf16_measured)),
            usd(per_pflop(network, u.bf16_tflops)),
            usd(per_pflop(cloud, u.bf16_tflops)),
        ]);
    }
    Ok(t)
}

/// The claims table.
fn claims(ctx: &ReportContext) -> Table {
    let mut t = Table::new(&[
        "Claim",
        "Source",
        "Claimed",
        "Simulated p10 / p50 / p90",
        "Verdict",
    ]);
    for c in &ctx.claims {
        let scope: Vec<&str> = [&c.cohort, &c.gpu, &c.side, &c.as_of]
            .into_iter()
            .filter_map(|s| s.as_deref())
            .collect();
        let metric = match scope.is_empty() {
            true => c.metric.clone(),
            false => format!("{} ({})", c.metric, scope.join(", ")),
        };
        t.row(vec![
            metric,
            c.source.clone(),
            format!("{} - {}", num(c.claimed_low), num(c.claimed_high)),
            format!(
                "{} / {} / {}",
                num(c.simulated_p10),
                num(c.simulated_p50),
                num(c.simulated_p90)
            ),
            c.verdict.clone(),
        ]);
    }
    t
}
