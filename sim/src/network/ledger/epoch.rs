//! The close of an epoch: running leases settled, tokens minted and shared, margins
//! recorded for entry and exit, and one epoch row per GPU model present plus an "all" row.

use super::{EpochFlows, Ledger};
use crate::base::time::{SimTime, to_hours};
use crate::data::records::{EpochRecord, RecordSink};
use crate::network::entry_exit::record_epoch_margins;
use crate::parts::job::JobSlab;
use crate::parts::provider::Provider;
use crate::parts::token::{EpochTokens, PriceModel};
use crate::scenario::Scenario;

/// The epoch's provider totals by GPU model (indexed by GPU id).
struct ModelTotals {
    /// GPU-time online [GPU-µs].
    online: Vec<u64>,
    /// GPU-time sold [GPU-µs].
    sold: Vec<u64>,
    /// Provider revenue [USD].
    revenue: Vec<f64>,
    /// Providers up at the close.
    up: Vec<u32>,
}

impl ModelTotals {
    /// Sums the providers' epoch totals by model and resets them for the next epoch.
    fn take(providers: &mut [Provider], models: usize) -> ModelTotals {
        let n = models;
        let (mut online, mut sold, mut revenue, mut up) =
            (vec![0u64; n], vec![0u64; n], vec![0.0; n], vec![0u32; n]);
        for p in providers.iter_mut() {
            let g = p.gpu as usize;
            online[g] += p.epoch.online_gpu_us;
            sold[g] += p.epoch.leased_gpu_us;
            revenue[g] += p.epoch.revenue_usd;
            up[g] += p.is_up() as u32;
            p.epoch = Default::default();
        }
        ModelTotals {
            online,
            sold,
            revenue,
            up,
        }
    }
}

/// What the "all" row carries beyond the per-model figures.
struct EpochExtras<'a> {
    tokens: &'a EpochTokens,
    timeline_change: Option<String>,
    rewards_received: f64,
    waiting: u64,
}

impl Ledger {
    /// Closes the epoch ending at `now`: settles running leases, mints tokens, and emits
    /// one row per GPU model present plus an "all" row.
    pub fn close_epoch(
        &mut self,
        sc: &Scenario,
        providers: &mut [Provider],
        jobs: &mut JobSlab,
        waiting: u64,
        now: SimTime,
        sink: &mut impl RecordSink,
    ) {
        self.settle_running(providers, jobs, now);
        let weights = self.reward_weights(providers, now - self.epoch_start, now);
        self.token.reward_gpu_hours_pending = weights.gpu_hours();
        let tokens = self.token.close_epoch(
            to_hours(self.epoch_start),
            to_hours(now),
            std::mem::take(&mut self.slashed_this_epoch),
            weights.claimable,
            &mut self.token_rng,
        );
        let rewards_received = self.share_rewards(providers, &tokens, &weights);
        for p in providers.iter_mut() {
            p.tokens.act_last_epoch = std::mem::take(&mut p.tokens.act_this_epoch);
            p.tokens.payment_usd_this_epoch = 0.0;
        }
        record_epoch_margins(providers, self.epoch_start, now);
        let totals = ModelTotals::take(providers, sc.catalog.gpus.len());
        let extras = EpochExtras {
            tokens: &tokens,
            timeline_change: self.timeline_label.take(),
            rewards_received,
            waiting,
        };
        self.write_epoch_rows(sc, &totals, &extras, now, sink);
        self.epoch_index += 1;
        self.epoch_start = now;
        self.epoch_total = EpochFlows::default();
        self.epoch_by_gpu
            .iter_mut()
            .for_each(|f| *f = EpochFlows::default());
        self.epoch_counts = [0; 4];
    }

    /// Pays every running lease up to `now`, provider by provider.
    fn settle_running(&mut self, providers: &mut [Provider], jobs: &mut JobSlab, now: SimTime) {
        for i in 0..providers.len() {
            providers[i].advance(now);
            for k in 0..providers[i].jobs.len() {
                let slot = providers[i].jobs.get(k);
                self.settle(jobs.get_mut(slot), providers, now);
            }
        }
    }

    /// One row per GPU model present, then the "all" row.
    fn write_epoch_rows(
        &self,
        sc: &Scenario,
        t: &ModelTotals,
        extras: &EpochExtras,
        now: SimTime,
        sink: &mut impl RecordSink,
    ) {
        for &g in &self.gpu_models_present {
            let gi = g as usize;
            let key = sc.catalog.gpu(g).gpu.clone();
            sink.epoch(&self.epoch_row(
                key,
                (t.online[gi], t.sold[gi], t.revenue[gi], t.up[gi]),
                &self.epoch_by_gpu[gi],
                now,
            ));
        }
        let all = self.epoch_row(
            "all".into(),
            (
                t.online.iter().sum(),
                t.sold.iter().sum(),
                t.revenue.iter().sum(),
                t.up.iter().sum(),
            ),
            &self.epoch_total,
            now,
        );
        sink.epoch(&self.with_totals(all, extras));
    }

    /// The row of `model` with (GPU-µs online, GPU-µs sold, revenue [USD], providers up)
    /// and flows `f`; the run-wide columns empty.
    fn epoch_row(
        &self,
        model: String,
        (on, so, rev, ups): (u64, u64, f64, u32),
        f: &EpochFlows,
        now: SimTime,
    ) -> EpochRecord {
        EpochRecord {
            epoch: self.epoch_index,
            t_start_h: to_hours(self.epoch_start),
            t_end_h: to_hours(now),
            date: self
                .start
                .map(|s| s.plus_hours(to_hours(self.epoch_start)).unix_ms()),
            gpu_model: model,
            providers_up: ups,
            gpu_hours_online: to_hours(on),
            gpu_hours_sold: to_hours(so),
            utilization: to_hours(so) / to_hours(on),
            consumer_spend_usd: f.spend_usd,
            provider_revenue_usd: rev,
            fees_usd: f.fees_usd,
            burn_usd: f.burn_usd,
            mean_price_usd_per_gpu_hour: f.spend_usd / to_hours(so),
            leases_started: f.leases,
            jobs_completed: f.completed,
            jobs_interrupted: f.interrupted,
            jobs_submitted: None,
            jobs_failed: None,
            jobs_dropped: None,
            jobs_to_cloud: None,
            jobs_waiting: None,
            tokens_minted: None,
            tokens_burned: None,
            token_supply: None,
            token_price_usd: None,
            tokens_staked: None,
            tokens_slashed: None,
            provider_token_rewards: None,
            tokens_unclaimed: None,
            provider_token_rewards_received: None,
            provider_token_income_per_gpu_hour_online: None,
            provider_token_income_usd_per_gpu_hour_online: None,
            provider_token_income_usd: None,
            collateral_ratio: None,
            credit_outstanding: None,
            timeline_change: None,
        }
    }

    /// The "all" row with the run-wide columns: job counts and tokens.
    fn with_totals(&self, mut all: EpochRecord, x: &EpochExtras) -> EpochRecord {
        let tokens = x.tokens;
        all.jobs_submitted = Some(self.epoch_counts[0]);
        all.jobs_failed = Some(self.epoch_counts[1]);
        all.jobs_dropped = Some(self.epoch_counts[2]);
        all.jobs_to_cloud = Some(self.epoch_counts[3]);
        all.jobs_waiting = Some(x.waiting);
        all.timeline_change = x.timeline_change.clone();
        all.tokens_minted = Some(tokens.minted);
        all.tokens_burned = Some(tokens.burned);
        all.token_supply = Some(self.token.supply);
        all.token_price_usd = Some(self.token.price.price());
        all.tokens_staked = Some(self.token.staked);
        all.tokens_slashed = Some(tokens.slashed);
        all.provider_token_rewards = Some(tokens.provider_rewards);
        all.tokens_unclaimed = Some(tokens.unclaimed);
        all.provider_token_rewards_received = Some(x.rewards_received);
        all.provider_token_income_usd = Some(tokens.provider_sales_usd);
        let per_online = |x: f64| x / all.gpu_hours_online;
        all.provider_token_income_per_gpu_hour_online =
            Some(per_online(x.rewards_received + tokens.payment_tokens));
        all.provider_token_income_usd_per_gpu_hour_online =
            Some(per_online(tokens.provider_sales_usd));
        if let Some(bme) = &self.token.bme {
            all.collateral_ratio = Some(tokens.collateral_ratio);
            all.credit_outstanding = Some(bme.outstanding_act);
        }
        all
    }
}
