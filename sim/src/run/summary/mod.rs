//! summary.json: the headline figures of one run, in sections. Each section is filled
//! by the part of the model it describes ([`crate::run`] calls one builder per section)
//! and flattened into one JSON object, so summary.json's keys and their order are the
//! ones docs/guide/outputs.md documents (a test checks every key is documented there).
//!
//! To add a figure: a field in its section here (with its unit in the doc comment), its
//! value in that section's builder, and a row in docs/guide/outputs.md's summary.json table.

use serde::Serialize;

mod alternatives;
pub(crate) mod assemble;
mod market;
mod mechanisms;
mod token;
mod venues;

pub use alternatives::*;
pub use market::*;
pub use mechanisms::*;
pub use token::*;
pub use venues::*;

/// Headline figures of one run (summary.json). Documented field by field in
/// docs/guide/outputs.md.
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
    /// Savings against the other clouds and against the cheapest one per workload.
    #[serde(flatten)]
    pub alternatives: AlternativeFigures,
    /// The token: supply, price, stake and what providers were paid in it.
    #[serde(flatten)]
    pub token: TokenFigures,
    /// Providers' token income per GPU-hour and its share of their income.
    #[serde(flatten)]
    pub token_income: TokenIncomeFigures,
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
    /// The scenario's `[[timeline]]` changes, in time order.
    pub timeline: Vec<TimelineSummary>,
    /// Published claims checked against the run.
    #[serde(flatten)]
    pub claims: ClaimFigures,
    /// The scenario's observed series against the run: points compared and errors
    /// (absent without `[[observed]]`, so such runs' summaries are unchanged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub backtests: Vec<crate::parts::observed::BacktestFigures>,
    /// A multi-venue world's venues, one entry each (absent from single-network runs,
    /// so their summaries are unchanged).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub venues: Vec<VenueSummary>,
    /// A multi-venue world's workloads: where their jobs went (absent from
    /// single-network runs).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workload_venues: Vec<WorkloadVenues>,
    /// Engine work and speed (the timing fields vary run to run).
    #[serde(flatten)]
    pub engine: EngineFigures,
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

/// One `[[timeline]]` change (in summary.json's `timeline` list).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimelineSummary {
    /// When it took effect [h since start].
    pub at_h: f64,
    /// Its date (RFC 3339, UTC); `None` in an undated scenario.
    pub date: Option<String>,
    /// Where it comes from.
    pub source: String,
    /// What it is, in a few words.
    pub note: Option<String>,
    /// The paths it set.
    pub changes: Vec<String>,
}

impl TimelineSummary {
    /// The changes of `sc`'s timeline, in time order.
    pub fn of(sc: &crate::scenario::Scenario) -> Vec<TimelineSummary> {
        sc.timeline
            .iter()
            .map(|c| TimelineSummary {
                at_h: crate::base::time::to_hours(c.at),
                date: c.date.map(|d| d.to_string()),
                source: c.source.clone(),
                note: c.note.clone(),
                changes: c.changes.clone(),
            })
            .collect()
    }
}

impl Summary {
    /// The sections a venue entry of a world reads ([`VenueSummary::of_network`]).
    pub(crate) fn network_sections(&self) -> NetworkSections<'_> {
        NetworkSections {
            run: &self.run,
            jobs: &self.jobs,
            capacity: &self.capacity,
            money: &self.money,
            alternatives: &self.alternatives,
            token: &self.token,
            supply: &self.supply,
        }
    }

    /// Its token sections, as [`TokenSections::of_world`] adds a world's networks'.
    pub(crate) fn token_sections(&self) -> TokenSections {
        TokenSections {
            token: self.token.clone(),
            verification: self.verification.clone(),
            bme: self.bme.clone(),
            token_payments: self.token_payments.clone(),
        }
    }

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
        let t = &self.token;
        let fee_uses =
            t.incentive_fee_usd_paid + t.incentive_burn_usd + t.incentive_fee_vault_end_usd;
        if !close(t.incentive_fees_in_usd, fee_uses)
            || t.incentive_fees_in_usd > self.money.fees_usd * (1.0 + 1e-9) + 1e-9
        {
            v.push(format!(
                "USD: the incentive fee vault received {} (fees kept {}) != paid {} + burned {} + left {}",
                t.incentive_fees_in_usd,
                self.money.fees_usd,
                t.incentive_fee_usd_paid,
                t.incentive_burn_usd,
                t.incentive_fee_vault_end_usd
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
        "savings_vs_cheapest_pct",
        "savings vs the cheapest alternative cloud [%]",
        |s| s.alternatives.savings_vs_cheapest_pct,
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

    /// The backticked names in the first column of docs/guide/outputs.md's summary.json table.
    fn documented() -> Vec<String> {
        let readme = include_str!("../../../../docs/guide/outputs.md");
        let table = readme
            .split("### summary.json")
            .nth(1)
            .expect("docs/guide/outputs.md has a summary.json section");
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

    /// Every key of summary.json is documented in docs/guide/outputs.md's table, and the table
    /// documents no key that summary.json does not have.
    #[test]
    fn every_summary_key_is_documented_in_the_readme() {
        // `backtests` and `venues` are left out when empty: document the summary of a
        // backtested multi-venue world.
        let summary = Summary {
            backtests: vec![Default::default()],
            venues: vec![Default::default()],
            workload_venues: vec![Default::default()],
            ..Default::default()
        };
        let json = serde_json::to_value(summary).unwrap();
        let keys: Vec<String> = json.as_object().unwrap().keys().cloned().collect();
        let docs = documented();
        let missing: Vec<&String> = keys.iter().filter(|k| !docs.contains(k)).collect();
        assert!(
            missing.is_empty(),
            "summary.json keys missing from docs/guide/outputs.md: {missing:?}"
        );
        let stale: Vec<&String> = docs
            .iter()
            .filter(|d| d.as_str() != "field" && !keys.contains(d))
            .collect();
        assert!(
            stale.is_empty(),
            "docs/guide/outputs.md documents keys summary.json lacks: {stale:?}"
        );
        // The `venues` row names every field of an entry.
        let readme = include_str!("../../../../docs/guide/outputs.md");
        let row = readme
            .lines()
            .find(|l| l.starts_with("| `venues` |"))
            .expect("a venues row");
        let row_of = |key: &str| {
            readme
                .lines()
                .find(|l| l.starts_with(&format!("| `{key}` |")))
                .unwrap_or_else(|| panic!("a {key} row"))
        };
        let entry = row_of("workload_venues");
        let missing_fields: Vec<&String> = json["workload_venues"][0]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !entry.contains(&format!("`{k}`")))
            .collect();
        assert!(
            missing_fields.is_empty(),
            "workload_venues fields missing: {missing_fields:?}"
        );
        let undocumented: Vec<&String> = json["venues"][0]
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| !row.contains(&format!("`{k}`")))
            .collect();
        assert!(
            undocumented.is_empty(),
            "venues entry fields missing from docs/guide/outputs.md: {undocumented:?}"
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
