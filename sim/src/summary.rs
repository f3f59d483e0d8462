//! summary.json: the headline figures of one run, in sections. Each section is filled
//! by the part of the model it describes ([`crate::run`] calls one builder per section)
//! and flattened into one JSON object, so summary.json's keys and their order are the
//! ones the README documents (a test checks every key is documented there).
//!
//! To add a figure: a field in its section here (with its unit in the doc comment), its
//! value in that section's builder, and a row in the README's summary.json table.

use serde::Serialize;

use crate::claims::ClaimCheck;
use crate::model::ledger::Counters;
use crate::model::provider::Provider;
use crate::model::verification::VerificationTally;
use crate::output::ProviderRecord;
use crate::scenario::Scenario;
use crate::time::{DAY, SimTime, to_hours};
use crate::token::{PriceModel, TokenEconomy};

/// Headline figures of one run (summary.json). Documented field by field in the README.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Summary {
    /// What ran: the scenario, the code, the seed, the market and its size.
    #[serde(flatten)]
    pub run: RunInfo,
    /// Where the jobs went and how long they waited.
    #[serde(flatten)]
    pub jobs: JobFigures,
    /// GPU-time online and sold.
    #[serde(flatten)]
    pub capacity: CapacityFigures,
    /// USD flows, the cloud comparison and provider economics.
    #[serde(flatten)]
    pub money: MoneyFigures,
    /// The token: supply, price, stake and what providers were paid in it.
    #[serde(flatten)]
    pub token: TokenFigures,
    /// Verified training (Gensyn): cheats, catches and what verification costs.
    #[serde(flatten)]
    pub verification: VerificationFigures,
    /// Akash's burn-mint equilibrium: collateral and its breaker.
    #[serde(flatten)]
    pub bme: BmeFigures,
    /// Providers paid in tokens bought at each epoch's close.
    #[serde(flatten)]
    pub token_payments: TokenPaymentFigures,
    /// Offer selection (Golem): start fees and offers taken over cheaper ones.
    #[serde(flatten)]
    pub offer_selection: OfferSelectionFigures,
    /// Entry and exit: providers that joined, left and remain.
    #[serde(flatten)]
    pub supply: SupplyFigures,
    /// Aggregator clusters (io.net): leases on several hosts.
    #[serde(flatten)]
    pub clusters: ClusterFigures,
    /// Per workload: its tier, jobs started, waits.
    pub workloads: Vec<WorkloadSummary>,
    /// Published claims checked against the run.
    #[serde(flatten)]
    pub claims: ClaimFigures,
    /// Engine work and speed (the timing fields vary run to run).
    #[serde(flatten)]
    pub engine: EngineFigures,
}

/// What ran: the scenario, the code, the seed, the market and its size.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct RunInfo {
    /// Scenario name.
    pub scenario: String,
    /// flopmarket version.
    pub flopmarket_version: String,
    /// Master seed.
    pub seed: u64,
    /// Market mechanism.
    pub mechanism: String,
    /// Simulated horizon [days].
    pub duration_days: f64,
    /// Providers that were in the market at any time.
    pub providers: u64,
    /// GPUs installed.
    pub gpus: u64,
}

/// Where the jobs went and how long they waited.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct JobFigures {
    /// Jobs submitted.
    pub jobs_submitted: u64,
    /// Jobs completed on the network.
    pub jobs_completed: u64,
    /// Jobs failed after too many restarts.
    pub jobs_failed: u64,
    /// Jobs dropped by their consumer.
    pub jobs_dropped: u64,
    /// Jobs run on the cloud (fallback or SLA need).
    pub jobs_to_cloud: u64,
    /// Jobs waiting or running at the end.
    pub jobs_in_flight: u64,
    /// Interruptions (a provider going down under a running lease).
    pub jobs_interrupted: u64,
    /// Orders whose bids expired before the tenant took one.
    pub orders_expired: u64,
    /// Mean of (first lease start - submission) over jobs that started [s].
    pub mean_wait_s: f64,
    /// Fraction of started jobs that had to queue for capacity [fraction].
    pub p_wait: f64,
    /// Mean of (completion - submission) over completed jobs [s].
    pub mean_time_in_system_s: f64,
}

/// GPU-time online and sold.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct CapacityFigures {
    /// GPU-hours sold / GPU-hours online [fraction].
    pub utilization: f64,
    /// GPU-time online [GPU-h].
    pub gpu_hours_online: f64,
    /// GPU-time leased [GPU-h].
    pub gpu_hours_sold: f64,
}

/// USD flows, the cloud comparison and provider economics.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct MoneyFigures {
    /// Paid by consumers on the network [USD].
    pub consumer_spend_usd: f64,
    /// Received by providers after fees [USD].
    pub provider_revenue_usd: f64,
    /// Kept by the network [USD].
    pub fees_usd: f64,
    /// Collected from payments to buy and burn tokens [USD].
    pub burn_purchases_usd: f64,
    /// USD providers got selling token rewards [USD].
    pub provider_token_income_usd: f64,
    /// Paid by consumers on the cloud fallback [USD].
    pub cloud_spend_usd: f64,
    /// What the completed jobs would have cost on the cloud baseline [USD].
    pub cloud_equivalent_usd: f64,
    /// Spent on the network by jobs that ended (completed, failed, or left after a partial run) [USD].
    pub spend_on_ended_jobs_usd: f64,
    /// 100 x (1 - spend_on_ended_jobs / cloud_equivalent): savings with failures and restarts counted [%].
    pub savings_pct: f64,
    /// consumer_spend / gpu_hours_sold [USD per GPU-hour].
    pub mean_price_usd_per_gpu_hour: f64,
    /// Sum of provider profit (revenue + token income - power - hosting - amortized capex) [USD].
    pub provider_profit_usd: f64,
    /// Median payback of the providers in the market at the end [months]; NaN if fewer
    /// than half of them pay back.
    pub median_payback_months: f64,
}

/// The token: supply, price, stake and what providers were paid in it.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TokenFigures {
    /// Token ticker.
    pub token_symbol: String,
    /// Tokens minted [tokens].
    pub tokens_minted: f64,
    /// Tokens burned [tokens].
    pub tokens_burned: f64,
    /// Supply at the start [tokens].
    pub supply_start: f64,
    /// Supply at the end [tokens].
    pub supply_end: f64,
    /// Token price at the end [USD per token].
    pub token_price_end_usd: f64,
    /// Tokens staked at the end [tokens].
    pub tokens_staked: f64,
    /// Tokens slashed [tokens].
    pub tokens_slashed: f64,
    /// Tokens paid to providers: their share of emissions and BME remints [tokens].
    pub provider_token_rewards: f64,
    /// Tokens providers received as rewards, summed over providers [tokens]; equals
    /// `provider_token_rewards`.
    pub provider_token_rewards_received: f64,
    /// Provider emissions no provider was eligible for, never minted [tokens].
    pub tokens_unclaimed: f64,
    /// USD the pool paid for the tokens providers sold [USD]; equals
    /// `provider_token_income_usd`, what the providers got.
    pub provider_token_sales_usd: f64,
}

/// Verified training (Gensyn): cheats, catches and what verification costs.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct VerificationFigures {
    /// Verified training: jobs finished by cheating solvers.
    pub verification_cheats: u64,
    /// Of those, caught by a verifier (and redone).
    pub verification_caught: u64,
    /// caught / cheats [fraction]; NaN without cheats.
    pub verification_detection_rate: f64,
    /// Solvers expelled after being caught.
    pub verification_expelled: u64,
    /// Tokens paid to whistleblowers from slashed stake [tokens].
    pub verification_jackpots: f64,
    /// Part of consumer spend paying for proof-of-learning overhead [USD].
    pub verification_overhead_usd: f64,
    /// What the same work would cost with n-way replication instead [USD].
    pub replication_equivalent_usd: f64,
}

/// Akash's burn-mint equilibrium: collateral and its breaker.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BmeFigures {
    /// BME: lowest collateral ratio over the run [ratio]; NaN without BME.
    pub bme_min_collateral_ratio: f64,
    /// BME: epochs that closed below the 95 % warning ratio.
    pub bme_warned_epochs: u64,
    /// BME: epochs with new credit mints halted (ratio below 90 %).
    pub bme_halted_epochs: u64,
    /// BME: tokens reminted to providers beyond the burned credits (net new supply) [tokens].
    pub bme_minted_beyond_credits: f64,
}

/// Providers paid in tokens bought at each epoch's close.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TokenPaymentFigures {
    /// Providers paid in tokens: their share of payments spent buying the tokens [USD].
    pub token_payments_usd: f64,
    /// Providers paid in tokens: tokens bought and paid to them [tokens].
    pub provider_payment_tokens: f64,
}

/// Offer selection (Golem): start fees and offers taken over cheaper ones.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct OfferSelectionFigures {
    /// Linear pricing: start fees paid [USD].
    pub start_fees_usd: f64,
    /// Orders that took an offer dearer per hour than the cheapest received (expected-cost
    /// selection, or a tenant picking any bid).
    pub orders_not_lowest_price: u64,
    /// Linear pricing: providers whose start fee is over the requestors' cap, never matched.
    pub providers_over_start_cap: u64,
}

/// Entry and exit: providers that joined, left and remain.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct SupplyFigures {
    /// Entry and exit: providers that joined during the run.
    pub providers_entered: u64,
    /// Entry and exit: providers that left during the run.
    pub providers_exited: u64,
    /// Providers in the market at the end (joined, not left).
    pub providers_active_end: u64,
}

/// Aggregator clusters (io.net): leases on several hosts.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ClusterFigures {
    /// Aggregator clusters: leases spread over several hosts.
    pub cluster_leases: u64,
    /// Aggregator clusters: mean hosts per cluster lease; NaN without clusters.
    pub cluster_mean_hosts: f64,
    /// Aggregator clusters: mean throughput of a cluster relative to one host [ratio]; NaN without clusters.
    pub cluster_mean_efficiency: f64,
}

/// Published claims checked against the run.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ClaimFigures {
    /// The scenario's published claims checked against the run, each with its verdict
    /// (`agrees`, `partly`, `disagrees`) and the simulated p10/p50/p90.
    pub claims: Vec<ClaimCheck>,
    /// Claims whose simulated median lies in the claimed range.
    pub claims_agree: u64,
    /// Claims whose simulated p10-p90 overlaps the claimed range, median outside.
    pub claims_partly: u64,
    /// Claims the run contradicts (no overlap).
    pub claims_disagree: u64,
}

/// Engine work and speed (the timing fields vary run to run).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct EngineFigures {
    /// Events handled.
    pub events: u64,
    /// Wall time of the simulation [s].
    pub wall_s: f64,
    /// events / wall_s [events per second].
    pub events_per_s: f64,
}

/// One workload's service figures (in summary.json's `workloads` list).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadSummary {
    /// Workload name.
    pub workload: String,
    /// Tier name ("-" without tiers).
    pub tier: String,
    /// Jobs that started at least once.
    pub jobs_started: u64,
    /// Jobs completed on the network.
    pub jobs_completed: u64,
    /// Mean wait before the first lease over started jobs [s].
    pub mean_wait_s: f64,
    /// Fraction of started jobs that queued [fraction].
    pub p_wait: f64,
}

impl Summary {
    /// Checks the run's conservation laws; returns each violation as a sentence.
    pub fn invariant_violations(&self) -> Vec<String> {
        let mut v = Vec::new();
        let accounted = self.jobs.jobs_completed
            + self.jobs.jobs_failed
            + self.jobs.jobs_dropped
            + self.jobs.jobs_to_cloud
            + self.jobs.jobs_in_flight;
        if accounted != self.jobs.jobs_submitted {
            v.push(format!(
                "jobs: submitted {} != accounted {accounted}",
                self.jobs.jobs_submitted
            ));
        }
        let paid_out = self.money.provider_revenue_usd
            + self.money.fees_usd
            + self.money.burn_purchases_usd
            + self.token_payments.token_payments_usd;
        if (self.money.consumer_spend_usd - paid_out).abs()
            > 1e-6 * self.money.consumer_spend_usd.max(1.0)
        {
            v.push(format!(
                "USD: consumers paid {} != providers {} + fees {} + burn purchases {} + token payments {}",
                self.money.consumer_spend_usd,
                self.money.provider_revenue_usd,
                self.money.fees_usd,
                self.money.burn_purchases_usd,
                self.token_payments.token_payments_usd
            ));
        }
        if self.capacity.gpu_hours_sold > self.capacity.gpu_hours_online * (1.0 + 1e-12) {
            v.push(format!(
                "GPU-hours sold {} > online {}",
                self.capacity.gpu_hours_sold, self.capacity.gpu_hours_online
            ));
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        if !close(
            self.token.provider_token_rewards,
            self.token.provider_token_rewards_received,
        ) {
            v.push(format!(
                "tokens: paid to providers {} != received by providers {}",
                self.token.provider_token_rewards, self.token.provider_token_rewards_received
            ));
        }
        if !close(
            self.token.provider_token_sales_usd,
            self.money.provider_token_income_usd,
        ) {
            v.push(format!(
                "USD: token sales into the market {} != providers' token income {}",
                self.token.provider_token_sales_usd, self.money.provider_token_income_usd
            ));
        }
        let supply = self.token.supply_start + self.token.tokens_minted - self.token.tokens_burned;
        if (self.token.supply_end - supply).abs() > 1e-9 * supply.abs().max(1.0) {
            v.push(format!(
                "tokens: supply_end {} != start + minted - burned {supply}",
                self.token.supply_end
            ));
        }
        v
    }
}

/// What the summary needs of the providers' rows, summed as they are written.
#[derive(Debug, Default)]
pub(crate) struct ProviderTotals {
    /// Profit over providers [USD].
    pub profit_usd: f64,
    /// GPUs of every provider ever in the market.
    pub gpus: u64,
    /// GPU-time online [GPU-µs].
    pub online_us: SimTime,
    /// GPU-time leased [GPU-µs].
    pub sold_us: SimTime,
    /// Median payback of the providers still in the market [months]; NaN if most never pay back.
    pub median_payback_months: f64,
    /// The rows, kept when the scenario has claims to check.
    pub records: Vec<ProviderRecord>,
}

impl RunInfo {
    pub(crate) fn of(sc: &Scenario, mechanism: &str, providers: usize, gpus: u64) -> RunInfo {
        RunInfo {
            scenario: sc.name.clone(),
            flopmarket_version: env!("CARGO_PKG_VERSION").into(),
            seed: sc.seed,
            mechanism: mechanism.into(),
            duration_days: sc.duration as f64 / DAY as f64,
            providers: providers as u64,
            gpus,
        }
    }
}

impl JobFigures {
    pub(crate) fn of(c: &Counters, in_flight: u64) -> JobFigures {
        JobFigures {
            jobs_submitted: c.submitted,
            jobs_completed: c.completed,
            jobs_failed: c.failed,
            jobs_dropped: c.dropped,
            jobs_to_cloud: c.to_cloud,
            jobs_in_flight: in_flight,
            jobs_interrupted: c.interrupted,
            orders_expired: c.orders_expired,
            mean_wait_s: c.wait_sum_s / c.started as f64,
            p_wait: c.started_after_queueing as f64 / c.started as f64,
            mean_time_in_system_s: c.time_in_system_sum_s / c.completed as f64,
        }
    }
}

impl CapacityFigures {
    pub(crate) fn of(online_us: SimTime, sold_us: SimTime) -> CapacityFigures {
        let (gpu_hours_online, gpu_hours_sold) = (to_hours(online_us), to_hours(sold_us));
        CapacityFigures {
            utilization: gpu_hours_sold / gpu_hours_online,
            gpu_hours_online,
            gpu_hours_sold,
        }
    }
}

impl MoneyFigures {
    pub(crate) fn of(
        c: &Counters,
        providers: &[Provider],
        totals: &ProviderTotals,
    ) -> MoneyFigures {
        MoneyFigures {
            consumer_spend_usd: c.consumer_spend_usd,
            provider_revenue_usd: c.provider_revenue_usd,
            fees_usd: c.fees_usd,
            burn_purchases_usd: c.burn_usd,
            provider_token_income_usd: providers.iter().map(|p| p.tokens.sales_usd).sum(),
            cloud_spend_usd: c.cloud_spend_usd,
            cloud_equivalent_usd: c.cloud_equivalent_usd,
            spend_on_ended_jobs_usd: c.spend_on_ended_usd,
            savings_pct: 100.0 * (1.0 - c.spend_on_ended_usd / c.cloud_equivalent_usd),
            mean_price_usd_per_gpu_hour: c.consumer_spend_usd / to_hours(totals.sold_us),
            provider_profit_usd: totals.profit_usd,
            median_payback_months: totals.median_payback_months,
        }
    }
}

impl TokenFigures {
    pub(crate) fn of(sc: &Scenario, token: &TokenEconomy, providers: &[Provider]) -> TokenFigures {
        TokenFigures {
            token_symbol: sc.token.symbol.clone(),
            tokens_minted: token.minted,
            tokens_burned: token.burned,
            supply_start: sc.token.supply,
            supply_end: token.supply,
            token_price_end_usd: token.price.price(),
            tokens_staked: token.staked,
            tokens_slashed: token.slashed,
            provider_token_rewards: token.provider_rewards_total,
            provider_token_rewards_received: providers.iter().map(|p| p.tokens.rewards).sum(),
            tokens_unclaimed: token.unclaimed,
            provider_token_sales_usd: token.provider_sales_usd_total,
        }
    }
}

impl VerificationFigures {
    pub(crate) fn of(
        sc: &Scenario,
        tally: &VerificationTally,
        spend_usd: f64,
    ) -> VerificationFigures {
        VerificationFigures {
            verification_cheats: tally.cheats,
            verification_caught: tally.caught,
            verification_detection_rate: tally.caught as f64 / tally.cheats as f64,
            verification_expelled: tally.expelled,
            verification_jackpots: tally.jackpots,
            verification_overhead_usd: sc
                .verification
                .map_or(0.0, |v| spend_usd * v.overhead / (1.0 + v.overhead)),
            replication_equivalent_usd: sc.verification.map_or(0.0, |v| {
                spend_usd / (1.0 + v.overhead) * v.replication as f64
            }),
        }
    }
}

impl BmeFigures {
    pub(crate) fn of(token: &TokenEconomy) -> BmeFigures {
        let bme = token.bme.as_ref();
        BmeFigures {
            bme_min_collateral_ratio: bme.map_or(f64::NAN, |b| b.min_ratio),
            bme_warned_epochs: bme.map_or(0, |b| b.warned_epochs),
            bme_halted_epochs: bme.map_or(0, |b| b.halted_epochs),
            bme_minted_beyond_credits: bme.map_or(0.0, |b| b.minted_beyond_credits),
        }
    }
}

impl TokenPaymentFigures {
    pub(crate) fn of(c: &Counters, token: &TokenEconomy) -> TokenPaymentFigures {
        TokenPaymentFigures {
            token_payments_usd: c.token_payments_usd,
            provider_payment_tokens: token.payment_tokens_total,
        }
    }
}

impl OfferSelectionFigures {
    pub(crate) fn of(c: &Counters) -> OfferSelectionFigures {
        OfferSelectionFigures {
            start_fees_usd: c.start_fees_usd,
            orders_not_lowest_price: c.orders_not_lowest_price,
            providers_over_start_cap: c.providers_unlisted,
        }
    }
}

impl SupplyFigures {
    pub(crate) fn of(c: &Counters, providers: &[Provider]) -> SupplyFigures {
        SupplyFigures {
            providers_entered: c.providers_entered,
            providers_exited: c.providers_exited,
            providers_active_end: providers.iter().filter(|p| !p.is_retired()).count() as u64,
        }
    }
}

impl ClusterFigures {
    pub(crate) fn of(c: &Counters) -> ClusterFigures {
        ClusterFigures {
            cluster_leases: c.cluster_leases,
            cluster_mean_hosts: c.cluster_hosts as f64 / c.cluster_leases as f64,
            cluster_mean_efficiency: c.cluster_efficiency_sum / c.cluster_leases as f64,
        }
    }
}

impl ClaimFigures {
    pub(crate) fn of(claims: &[ClaimCheck]) -> ClaimFigures {
        let count = |verdict: &str| claims.iter().filter(|c| c.verdict == verdict).count() as u64;
        ClaimFigures {
            claims: claims.to_vec(),
            claims_agree: count("agrees"),
            claims_partly: count("partly"),
            claims_disagree: count("disagrees"),
        }
    }
}

impl EngineFigures {
    pub(crate) fn of(events: u64, wall_s: f64) -> EngineFigures {
        EngineFigures {
            events,
            wall_s,
            events_per_s: events as f64 / wall_s.max(1e-9),
        }
    }
}

/// A headline figure that sweeps summarize across runs (`arms.parquet`): its column in
/// `runs.parquet` (a summary.json key, or a figure derived from two), a label with its
/// unit, and how to read it from a [`Summary`]. The reader names the field itself, so a
/// renamed field fails to compile here; a test checks each key against summary.json.
#[derive(Debug, Clone, Copy)]
pub struct Headline {
    /// Column name in runs.parquet (the summary.json key unless `derived`).
    pub key: &'static str,
    /// Label with its unit, for the report.
    pub label: &'static str,
    /// The figure, read from a summary.
    pub value: fn(&Summary) -> f64,
    /// A ratio of two summary figures, computed per run by the sweep report.
    pub derived: bool,
}

const fn field(key: &'static str, label: &'static str, value: fn(&Summary) -> f64) -> Headline {
    Headline {
        key,
        label,
        value,
        derived: false,
    }
}

/// The figures a sweep report summarizes, in report order.
pub const HEADLINE: &[Headline] = &[
    field(
        "savings_pct",
        "savings vs cloud, failures counted [%]",
        |s| s.money.savings_pct,
    ),
    field(
        "mean_price_usd_per_gpu_hour",
        "network price [USD/GPU-h]",
        |s| s.money.mean_price_usd_per_gpu_hour,
    ),
    Headline {
        key: "usd_per_completed_job",
        label: "network spend per completed job [USD]",
        value: |s| s.money.spend_on_ended_jobs_usd / s.jobs.jobs_completed as f64,
        derived: true,
    },
    Headline {
        key: "cloud_usd_per_completed_job",
        label: "cloud cost per completed job [USD]",
        value: |s| s.money.cloud_equivalent_usd / s.jobs.jobs_completed as f64,
        derived: true,
    },
    field("utilization", "utilization [fraction]", |s| {
        s.capacity.utilization
    }),
    field("mean_wait_s", "mean wait [s]", |s| s.jobs.mean_wait_s),
    field("jobs_completed", "jobs completed", |s| {
        s.jobs.jobs_completed as f64
    }),
    field("jobs_failed", "jobs failed", |s| s.jobs.jobs_failed as f64),
    field("provider_profit_usd", "provider profit [USD]", |s| {
        s.money.provider_profit_usd
    }),
    field(
        "median_payback_months",
        "median provider payback [months]",
        |s| s.money.median_payback_months,
    ),
    field("supply_end", "token supply at end [tokens]", |s| {
        s.token.supply_end
    }),
    field("token_price_end_usd", "token price at end [USD]", |s| {
        s.token.token_price_end_usd
    }),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The backticked names in the first column of the README's summary.json table.
    fn documented() -> Vec<String> {
        let readme = include_str!("../../README.md");
        let table = readme
            .split("### summary.json")
            .nth(1)
            .expect("README has a summary.json section");
        let mut names = Vec::new();
        for row in table.lines().skip_while(|l| !l.starts_with('|')) {
            if !row.starts_with('|') {
                break;
            }
            let first = row.split('|').nth(1).unwrap_or_default();
            names.extend(first.split('`').skip(1).step_by(2).map(str::to_string));
        }
        names
    }

    /// Every key of summary.json is documented in the README's table, and the table
    /// documents no key that summary.json does not have.
    #[test]
    fn every_summary_key_is_documented_in_the_readme() {
        let json = serde_json::to_value(Summary::default()).unwrap();
        let keys: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
        let docs = documented();
        let missing: Vec<&String> = keys.iter().filter(|k| !docs.contains(k)).collect();
        assert!(
            missing.is_empty(),
            "summary.json keys missing from the README: {missing:?}"
        );
        let stale: Vec<&String> = docs
            .iter()
            .filter(|d| d.as_str() != "field" && !keys.contains(d))
            .collect();
        assert!(
            stale.is_empty(),
            "README documents keys summary.json lacks: {stale:?}"
        );
    }

    /// Each headline figure reads the summary.json key it names (derived ones are not
    /// keys): a summary whose figures all differ tells a wrong reader apart.
    #[test]
    fn headline_figures_read_the_fields_they_name() {
        let mut s = Summary::default();
        let json = |s: &Summary| serde_json::to_value(s).unwrap();
        // Give every numeric field a distinct value through its JSON key.
        let mut value = json(&s);
        assert!(value.is_object());
        for (i, (_, v)) in value.as_object_mut().unwrap().iter_mut().enumerate() {
            if v.is_number() {
                *v = serde_json::json!(i + 1);
            }
        }
        s.money.savings_pct = value["savings_pct"].as_f64().unwrap();
        s.money.mean_price_usd_per_gpu_hour =
            value["mean_price_usd_per_gpu_hour"].as_f64().unwrap();
        s.capacity.utilization = value["utilization"].as_f64().unwrap();
        s.jobs.mean_wait_s = value["mean_wait_s"].as_f64().unwrap();
        s.jobs.jobs_completed = value["jobs_completed"].as_u64().unwrap();
        s.jobs.jobs_failed = value["jobs_failed"].as_u64().unwrap();
        s.money.provider_profit_usd = value["provider_profit_usd"].as_f64().unwrap();
        s.money.median_payback_months = value["median_payback_months"].as_f64().unwrap();
        s.token.supply_end = value["supply_end"].as_f64().unwrap();
        s.token.token_price_end_usd = value["token_price_end_usd"].as_f64().unwrap();
        s.money.spend_on_ended_jobs_usd = 10.0;
        s.money.cloud_equivalent_usd = 40.0;
        let written = json(&s);
        for h in HEADLINE {
            let got = (h.value)(&s);
            if h.derived {
                assert!(written.get(h.key).is_none(), "{} is a summary key", h.key);
                assert!(got.is_finite() && got > 0.0, "{}: {got}", h.key);
            } else {
                let key = written[h.key]
                    .as_f64()
                    .unwrap_or_else(|| panic!("no key {}", h.key));
                assert_eq!(got, key, "{} reads another field", h.key);
            }
        }
    }
}
