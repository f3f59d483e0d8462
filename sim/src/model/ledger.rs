//! Accounting: job counters, USD flows (consumers -> providers + fees), GPU-time, tokens,
//! and the epoch and provider records built from them.

use super::catalog::GpuId;
use super::job::{Job, JobSlab, JobState};
use super::provider::Provider;
use crate::output::{EpochRecord, JobRecord, JobStatus, ProviderRecord, RecordSink};
use crate::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::scenario::Scenario;
use crate::time::{NEVER, SimTime, to_hours, to_secs};
use crate::token::{
    EpochTokens, PaymentSplit, PriceModel, ProviderPayment, RewardBasis, TokenEconomy,
};

/// Run-wide counters.
#[derive(Debug, Clone, Default)]
pub struct Counters {
    /// Jobs submitted.
    pub submitted: u64,
    /// Jobs completed.
    pub completed: u64,
    /// Jobs failed.
    pub failed: u64,
    /// Jobs dropped.
    pub dropped: u64,
    /// Jobs sent to the cloud.
    pub to_cloud: u64,
    /// Interruptions.
    pub interrupted: u64,
    /// Leases started.
    pub leases: u64,
    /// Orders cleared (a bid was chosen).
    pub orders_cleared: u64,
    /// Bids received over all cleared orders.
    pub bids: u64,
    /// Orders whose bids expired.
    pub orders_expired: u64,
    /// Jobs that started at least once.
    pub started: u64,
    /// Of those, jobs that queued.
    pub started_after_queueing: u64,
    /// Sum of waits of started jobs [s].
    pub wait_sum_s: f64,
    /// Sum of times in system of completed jobs [s].
    pub time_in_system_sum_s: f64,
    /// Consumer payments on the network [USD].
    pub consumer_spend_usd: f64,
    /// Provider receipts [USD].
    pub provider_revenue_usd: f64,
    /// Network fees kept [USD].
    pub fees_usd: f64,
    /// USD collected to buy and burn tokens [USD].
    pub burn_usd: f64,
    /// Providers' share of payments spent buying the tokens they are paid in [USD].
    pub token_payments_usd: f64,
    /// Start fees paid (linear pricing) [USD].
    pub start_fees_usd: f64,
    /// Orders that took an offer dearer per hour than the cheapest they received.
    pub orders_not_lowest_price: u64,
    /// Providers whose start fee is over the requestors' cap (never matched).
    pub providers_unlisted: u64,
    /// Providers that joined during the run (entry and exit).
    pub providers_entered: u64,
    /// Providers that left during the run.
    pub providers_exited: u64,
    /// Leases spread over several hosts (aggregator clusters).
    pub cluster_leases: u64,
    /// Sum of hosts over cluster leases.
    pub cluster_hosts: u64,
    /// Sum of throughput factors over cluster leases [ratio].
    pub cluster_efficiency_sum: f64,
    /// Cloud fallback spend [USD].
    pub cloud_spend_usd: f64,
    /// Cloud cost of the completed jobs [USD].
    pub cloud_equivalent_usd: f64,
    /// Network spend of jobs that ended [USD].
    pub spend_on_ended_usd: f64,
}

/// Service counters of one workload.
#[derive(Debug, Clone, Default)]
pub struct WorkloadCounters {
    /// Jobs that started at least once.
    pub started: u64,
    /// Of those, jobs that queued.
    pub started_after_queueing: u64,
    /// Sum of waits of started jobs [s].
    pub wait_sum_s: f64,
    /// Jobs completed.
    pub completed: u64,
}

/// Per-epoch flows, for one GPU model or in total.
#[derive(Debug, Clone, Default)]
struct EpochFlows {
    spend_usd: f64,
    fees_usd: f64,
    burn_usd: f64,
    leases: u64,
    completed: u64,
    interrupted: u64,
}

/// All accounting of one run.
#[derive(Debug)]
pub struct Ledger {
    /// Run-wide counters.
    pub counters: Counters,
    /// Token economy (state moves as the run goes).
    pub token: TokenEconomy,
    /// What verification did (verified training).
    pub verification: crate::model::verification::VerificationTally,
    /// Service counters per workload.
    pub by_workload: Vec<WorkloadCounters>,
    token_rng: StreamRng,
    slashed_this_epoch: f64,
    epoch_index: u32,
    epoch_start: SimTime,
    epoch_total: EpochFlows,
    epoch_by_gpu: Vec<EpochFlows>,
    epoch_counts: [u64; 4],
    gpu_models_present: Vec<GpuId>,
    take_rate: f64,
}

impl Ledger {
    /// A ledger for `sc` whose providers are `providers`.
    pub fn new(sc: &Scenario, providers: &[Provider]) -> Ledger {
        let mut present: Vec<GpuId> = providers.iter().map(|p| p.gpu).collect();
        present.sort_unstable();
        present.dedup();
        Ledger {
            counters: Counters::default(),
            token: {
                let mut t = sc.token.clone();
                t.staked = t.stake_per_gpu
                    * providers
                        .iter()
                        .map(|p| p.gpus as f64 * p.stake_multiplier)
                        .sum::<f64>();
                t
            },
            token_rng: stream_rng(sc.seed, StreamId::new(StreamKind::TokenPrice, 0)),
            verification: Default::default(),
            by_workload: vec![WorkloadCounters::default(); sc.workloads.len()],
            slashed_this_epoch: 0.0,
            epoch_index: 0,
            epoch_start: 0,
            epoch_total: EpochFlows::default(),
            epoch_by_gpu: vec![EpochFlows::default(); sc.catalog.gpus.len()],
            epoch_counts: [0; 4],
            gpu_models_present: present,
            take_rate: sc.market.take_rate,
        }
    }

    /// A job was submitted.
    pub fn job_submitted(&mut self) {
        self.counters.submitted += 1;
        self.epoch_counts[0] += 1;
    }

    /// An order found offers.
    pub fn order_cleared(&mut self, bids: u32) {
        self.counters.orders_cleared += 1;
        self.counters.bids += bids as u64;
    }

    /// An order's bids expired.
    pub fn order_expired(&mut self) {
        self.counters.orders_expired += 1;
    }

    /// A job of workload `workload` started for the first time after waiting `wait_s` [s].
    pub fn job_started(&mut self, workload: u16, wait_s: f64, queued: bool) {
        self.counters.started += 1;
        self.counters.wait_sum_s += wait_s;
        self.counters.started_after_queueing += queued as u64;
        let w = &mut self.by_workload[workload as usize];
        w.started += 1;
        w.wait_sum_s += wait_s;
        w.started_after_queueing += queued as u64;
    }

    /// A lease started on a `gpu` host.
    pub fn lease_started(&mut self, gpu: GpuId) {
        self.counters.leases += 1;
        self.epoch_total.leases += 1;
        self.epoch_by_gpu[gpu as usize].leases += 1;
    }

    /// A provider holding `stake_gpus` GPUs' worth of stake joined the market.
    pub fn provider_joined(&mut self, stake_gpus: f64) {
        self.counters.providers_entered += 1;
        self.token.staked += self.token.stake_per_gpu * stake_gpus;
    }

    /// A provider left the market; its remaining stake is returned (unstaked).
    pub fn provider_left(&mut self, stake_gpus: f64) {
        self.counters.providers_exited += 1;
        self.token.staked = (self.token.staked - self.token.stake_per_gpu * stake_gpus).max(0.0);
    }

    /// A lease started on a cluster of `hosts` hosts running at `efficiency` of one host.
    pub fn cluster_lease_started(&mut self, hosts: usize, efficiency: f64) {
        self.counters.cluster_leases += 1;
        self.counters.cluster_hosts += hosts as u64;
        self.counters.cluster_efficiency_sum += efficiency;
    }

    /// Pays `job`'s running lease up to `now` [µs]: consumer -> provider + fee.
    pub fn settle(&mut self, job: &mut Job, providers: &mut [Provider], now: SimTime) {
        if job.state != JobState::Running || now <= job.paid_until {
            return;
        }
        let lease = job.price_usd_per_gpu_hour * job.gpus as f64 * to_hours(now - job.paid_until);
        // A start fee (linear pricing) is paid with the first settlement of the lease.
        let start_fee = std::mem::take(&mut job.start_fee_due_usd);
        self.counters.start_fees_usd += start_fee;
        let gpus = job.gpus as f64;
        let (amount, split) = match &mut self.token.bme {
            // BME: the tenant buys and burns tokens worth the lease plus the mint spread;
            // the provider is owed the lease in credit, settled in tokens next epoch.
            Some(bme) => {
                let owed = lease + start_fee;
                let usd = bme.tenant_usd(owed);
                bme.earned_this_epoch += owed;
                self.token.act_minted_pending += owed;
                for (pid, g) in job.hosts() {
                    providers[pid as usize].tokens.act_this_epoch += owed * g as f64 / gpus;
                }
                (
                    usd,
                    PaymentSplit {
                        provider_usd: 0.0,
                        fee_usd: 0.0,
                        burn_usd: usd,
                    },
                )
            }
            None => {
                let owed = lease + start_fee;
                (owed, self.token.burn.split(owed, self.take_rate))
            }
        };
        // Paid in tokens: the providers' share buys tokens at the epoch's close.
        let in_tokens = self.token.provider_payment == ProviderPayment::Token;
        for (pid, g) in job.hosts() {
            let usd = split.provider_usd * g as f64 / gpus;
            let p = &mut providers[pid as usize];
            if in_tokens {
                p.tokens.payment_usd_this_epoch += usd;
            } else {
                p.totals.revenue_usd += usd;
                p.epoch.revenue_usd += usd;
            }
        }
        let (provider_usd, token_usd) = if in_tokens {
            (0.0, split.provider_usd)
        } else {
            (split.provider_usd, 0.0)
        };
        self.token.payment_usd_pending += token_usd;
        self.counters.token_payments_usd += token_usd;
        job.paid_until = now;
        job.spend_usd += amount;
        self.counters.consumer_spend_usd += amount;
        self.counters.fees_usd += split.fee_usd;
        self.counters.burn_usd += split.burn_usd;
        self.counters.provider_revenue_usd += provider_usd;
        self.token.burn_usd_pending += split.burn_usd;
        for flows in [
            &mut self.epoch_total,
            &mut self.epoch_by_gpu[job.gpu as usize],
        ] {
            flows.spend_usd += amount;
            flows.fees_usd += split.fee_usd;
            flows.burn_usd += split.burn_usd;
        }
    }

    /// `job` completed at `now`.
    pub fn job_completed(&mut self, job: &Job, now: SimTime) {
        self.counters.completed += 1;
        self.by_workload[job.workload as usize].completed += 1;
        self.counters.time_in_system_sum_s += to_secs(now - job.submitted);
        self.counters.cloud_equivalent_usd += job.cloud_equivalent_usd;
        self.counters.spend_on_ended_usd += job.spend_usd;
        self.epoch_total.completed += 1;
        self.epoch_by_gpu[job.gpu as usize].completed += 1;
    }

    /// A job that did not complete ended after spending `spend_usd` on the network.
    pub fn job_ended_unfinished(&mut self, spend_usd: f64) {
        self.counters.spend_on_ended_usd += spend_usd;
    }

    /// A running job of `gpus` GPUs on a `gpu` host was interrupted; the host's stake
    /// for those GPUs is slashed.
    pub fn job_interrupted(&mut self, gpu: GpuId, gpus: f64) {
        self.slashed_this_epoch += self.token.slash(gpus);
        self.counters.interrupted += 1;
        self.epoch_total.interrupted += 1;
        self.epoch_by_gpu[gpu as usize].interrupted += 1;
    }

    /// A caught cheater's stake is slashed: `jackpot_share` goes to the whistleblower, the
    /// rest is burned.
    pub fn slash_cheater(&mut self, stake_gpus: f64, fraction: f64, jackpot_share: f64) {
        let (slashed, burned) = self
            .token
            .slash_with(stake_gpus, fraction, 1.0 - jackpot_share);
        self.verification.jackpots += slashed - burned;
        self.slashed_this_epoch += burned;
    }

    /// A job failed.
    pub fn job_failed(&mut self) {
        self.counters.failed += 1;
        self.epoch_counts[1] += 1;
    }

    /// A job was dropped.
    pub fn job_dropped(&mut self) {
        self.counters.dropped += 1;
        self.epoch_counts[2] += 1;
    }

    /// A job went to the cloud, costing `usd` there.
    pub fn job_to_cloud(&mut self, usd: f64) {
        self.counters.to_cloud += 1;
        self.counters.cloud_spend_usd += usd;
        self.epoch_counts[3] += 1;
    }

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
        for i in 0..providers.len() {
            providers[i].advance(now);
            for k in 0..providers[i].jobs.len() {
                let slot = providers[i].jobs[k];
                self.settle(jobs.get_mut(slot), providers, now);
            }
        }
        let weights = self.reward_weights(providers, now - self.epoch_start, now);
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
        let n = sc.catalog.gpus.len();
        let (mut online, mut sold, mut revenue, mut up) =
            (vec![0u64; n], vec![0u64; n], vec![0.0; n], vec![0u32; n]);
        let epoch_h = to_hours(now - self.epoch_start);
        for p in providers
            .iter_mut()
            .filter(|p| !p.retired || p.retired_at > self.epoch_start)
        {
            // Operating margin of the epoch (capex is sunk): what entry and exit act on.
            let present_h = epoch_h.min(to_hours(now.min(p.retired_at) - p.joined_at));
            let margin = p.epoch.revenue_usd + (p.tokens.sales_usd - p.sales_usd_at_epoch_start)
                - p.power_cost_usd(&p.epoch)
                - p.cost.hosting_usd_per_gpu_hour * p.gpus as f64 * present_h;
            p.last_epoch_margin_usd = margin;
            p.sales_usd_at_epoch_start = p.tokens.sales_usd;
            p.losing_epochs = if margin < 0.0 { p.losing_epochs + 1 } else { 0 };
        }
        for p in providers.iter_mut() {
            let g = p.gpu as usize;
            online[g] += p.epoch.online_gpu_us;
            sold[g] += p.epoch.leased_gpu_us;
            revenue[g] += p.epoch.revenue_usd;
            up[g] += p.up as u32;
            p.epoch = Default::default();
        }
        let base =
            |model: String, on: u64, so: u64, rev: f64, ups: u32, f: &EpochFlows| EpochRecord {
                epoch: self.epoch_index,
                t_start_h: to_hours(self.epoch_start),
                t_end_h: to_hours(now),
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
                provider_token_income_usd: None,
                collateral_ratio: None,
                credit_outstanding: None,
            };
        for &g in &self.gpu_models_present {
            let gi = g as usize;
            let key = sc.catalog.gpu(g).gpu.clone();
            sink.epoch(&base(
                key,
                online[gi],
                sold[gi],
                revenue[gi],
                up[gi],
                &self.epoch_by_gpu[gi],
            ));
        }
        let mut all = base(
            "all".into(),
            online.iter().sum(),
            sold.iter().sum(),
            revenue.iter().sum(),
            up.iter().sum(),
            &self.epoch_total,
        );
        all.jobs_submitted = Some(self.epoch_counts[0]);
        all.jobs_failed = Some(self.epoch_counts[1]);
        all.jobs_dropped = Some(self.epoch_counts[2]);
        all.jobs_to_cloud = Some(self.epoch_counts[3]);
        all.jobs_waiting = Some(waiting);
        all.tokens_minted = Some(tokens.minted);
        all.tokens_burned = Some(tokens.burned);
        all.token_supply = Some(self.token.supply);
        all.token_price_usd = Some(self.token.price.price());
        all.tokens_staked = Some(self.token.staked);
        all.tokens_slashed = Some(tokens.slashed);
        all.provider_token_rewards = Some(tokens.provider_rewards);
        all.tokens_unclaimed = Some(tokens.unclaimed);
        all.provider_token_rewards_received = Some(rewards_received);
        all.provider_token_income_usd = Some(tokens.provider_sales_usd);
        if let Some(bme) = &self.token.bme {
            all.collateral_ratio = Some(tokens.collateral_ratio);
            all.credit_outstanding = Some(bme.outstanding_act);
        }
        sink.epoch(&all);
        self.epoch_index += 1;
        self.epoch_start = now;
        self.epoch_total = EpochFlows::default();
        self.epoch_by_gpu
            .iter_mut()
            .for_each(|f| *f = EpochFlows::default());
        self.epoch_counts = [0; 4];
    }

    /// Each provider's claim on the epoch's emission pools: (capacity weight, delivery
    /// weight) = (GPU-µs online, GPU-µs sold) of an eligible provider, (0, 0) of one
    /// that is not. Eligible: at least `reward_min_uptime` of the epoch up (Render:
    /// 50 %), and up without a break for `reward_min_streak` at the epoch's end (io.net:
    /// 5 h). `claimable` is the share of the emission whose pool has some weight.
    fn reward_weights(
        &self,
        providers: &[Provider],
        epoch_len: SimTime,
        now: SimTime,
    ) -> RewardWeights {
        let (min_uptime, min_streak) = (self.token.reward_min_uptime, self.token.reward_min_streak);
        let delivery_share = match self.token.reward_basis {
            RewardBasis::Online => 0.0,
            RewardBasis::Sold => 1.0,
            RewardBasis::Split { delivery_share } => delivery_share,
        };
        let by_provider: Vec<(f64, f64)> = providers
            .iter()
            .map(|p| {
                let eligible = p.epoch.up_us as f64 >= min_uptime * epoch_len as f64
                    && (min_streak == 0 || (p.up && now - p.up_since >= min_streak));
                if eligible {
                    (p.epoch.online_gpu_us as f64, p.epoch.leased_gpu_us as f64)
                } else {
                    (0.0, 0.0)
                }
            })
            .collect();
        let (online_total, sold_total) = by_provider
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let has = |total: f64| if total > 0.0 { 1.0 } else { 0.0 };
        RewardWeights {
            claimable: (1.0 - delivery_share) * has(online_total)
                + delivery_share * has(sold_total),
            delivery_share,
            online_total,
            sold_total,
            by_provider,
        }
    }

    /// Shares the epoch's provider emissions (and the USD from selling part of them) by
    /// the [`RewardWeights`] of [`Ledger::reward_weights`], BME settlements by credit
    /// earned, and token payments by USD earned. What the token economy counted as paid
    /// to providers is exactly what they receive: emissions no one could claim were not
    /// minted.
    /// Returns the rewards credited to providers, summed [tokens].
    fn share_rewards(
        &self,
        providers: &mut [Provider],
        tokens: &EpochTokens,
        w: &RewardWeights,
    ) -> f64 {
        let received_total = tokens.provider_rewards + tokens.payment_tokens;
        if received_total <= 0.0 {
            return 0.0;
        }
        let mut credited = 0.0;
        let emitted = tokens.provider_rewards - tokens.reminted;
        let act_total: f64 = providers.iter().map(|p| p.tokens.act_last_epoch).sum();
        let pay_total: f64 = providers
            .iter()
            .map(|p| p.tokens.payment_usd_this_epoch)
            .sum();
        let part = |x: f64, total: f64| if total > 0.0 { x / total } else { 0.0 };
        // Each pool's tokens per unit of weight; a pool no one can claim was not minted,
        // so the minted emission is spread over the claimable pools.
        let (capacity_pool, delivery_pool) = (
            (1.0 - w.delivery_share) * part(emitted, w.claimable),
            w.delivery_share * part(emitted, w.claimable),
        );
        for (p, &(online, sold)) in providers.iter_mut().zip(&w.by_provider) {
            let from_emission = capacity_pool * part(online, w.online_total)
                + delivery_pool * part(sold, w.sold_total);
            let from_credit = tokens.reminted * part(p.tokens.act_last_epoch, act_total);
            let from_payment =
                tokens.payment_tokens * part(p.tokens.payment_usd_this_epoch, pay_total);
            let received = from_emission + from_credit + from_payment;
            let share = received / received_total;
            p.tokens.rewards += from_emission + from_credit;
            credited += from_emission + from_credit;
            p.tokens.payment_tokens += from_payment;
            p.tokens.held += (received_total - tokens.provider_sold) * share;
            p.tokens.sales_usd += tokens.provider_sales_usd * share;
        }
        credited
    }

    /// The record of `job`, ending at `end` (None: in flight) with `status`.
    pub fn job_record(
        &self,
        sc: &Scenario,
        job: &Job,
        end: Option<SimTime>,
        status: JobStatus,
    ) -> JobRecord {
        let wl = &sc.workloads[job.workload as usize];
        let started = job.first_start != NEVER;
        JobRecord {
            job_id: job.id,
            workload: wl.name.clone(),
            kind: wl.kind.name().into(),
            gpus: job.gpus as u32,
            size_ref_gpu_h: job.size_ref_s / 3600.0,
            submitted_h: to_hours(job.submitted),
            first_start_h: started.then(|| to_hours(job.first_start)),
            end_h: end.map(to_hours),
            wait_s: started.then(|| to_secs(job.first_start - job.submitted)),
            waited: job.waited,
            status: status.name().into(),
            provider_id: job.placed.then_some(job.provider),
            gpu_model: job.placed.then(|| sc.catalog.gpu(job.gpu).gpu.clone()),
            price_usd_per_gpu_hour: job.placed.then_some(job.price_usd_per_gpu_hour),
            spend_usd: job.spend_usd,
            cloud_spend_usd: job.cloud_spend_usd,
            cloud_equivalent_usd: job.cloud_equivalent_usd,
            restarts: job.restarts,
        }
    }

    /// The end-of-run record of provider `id`.
    pub fn provider_record(sc: &Scenario, id: u32, p: &Provider) -> ProviderRecord {
        let cohort = &sc.cohorts[p.cohort as usize];
        let t = &p.totals;
        // Time in the market: entrants join late, leavers retire early.
        let present = sc.duration.min(p.retired_at) - p.joined_at;
        let run_h = to_hours(present);
        let gpus = p.gpus as f64;
        let power = p.power_cost_usd(t);
        let hosting = p.cost.hosting_usd_per_gpu_hour * gpus * run_h;
        let capex = p.cost.capex_usd_per_gpu * gpus;
        let amortized = p.cost.capex_usd_per_gpu_hour * gpus * run_h;
        let income = t.revenue_usd + p.tokens.sales_usd;
        let monthly_margin = (income - power - hosting) / (run_h / crate::time::HOURS_PER_MONTH);
        ProviderRecord {
            provider_id: id,
            cohort: cohort.name.clone(),
            gpu_model: sc.catalog.gpu(p.gpu).gpu.clone(),
            gpus: p.gpus as u32,
            region: cohort.region.clone(),
            ask_usd_per_gpu_hour: p.ask_usd_per_gpu_hour,
            markup: p.markup,
            uptime: t.up_us as f64 / present as f64,
            utilization: t.leased_gpu_us as f64 / t.online_gpu_us as f64,
            gpu_hours_online: to_hours(t.online_gpu_us),
            gpu_hours_sold: to_hours(t.leased_gpu_us),
            revenue_usd: t.revenue_usd,
            power_cost_usd: power,
            hosting_cost_usd: hosting,
            capex_usd: capex,
            amortized_capex_usd: amortized,
            token_rewards: p.tokens.rewards,
            token_income_usd: p.tokens.sales_usd,
            tokens_held: p.tokens.held,
            profit_usd: income - power - hosting - amortized,
            payback_months: (monthly_margin > 0.0).then(|| capex / monthly_margin),
            leases: t.leases,
            jobs_completed: t.jobs_completed,
            jobs_interrupted: t.jobs_interrupted,
            failures: t.failures,
        }
    }
}

/// Each provider's claim on an epoch's emission pools ([`Ledger::reward_weights`]).
struct RewardWeights {
    /// Share of the providers' emission whose pool some provider can claim [fraction].
    claimable: f64,
    /// Share of the emission paid by delivery (GPU-hours sold) [fraction].
    delivery_share: f64,
    /// Eligible GPU-µs online, summed [GPU-µs].
    online_total: f64,
    /// Eligible GPU-µs sold, summed [GPU-µs].
    sold_total: f64,
    /// (online, sold) weight of each provider, in provider order [GPU-µs].
    by_provider: Vec<(f64, f64)>,
}
