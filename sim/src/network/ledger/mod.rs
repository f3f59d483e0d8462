//! Accounting: job counters, USD flows (consumers -> providers + fees), GPU-time, tokens,
//! and the epoch and provider records built from them. The epoch's close is in `epoch`,
//! the sharing of provider rewards in `rewards`, the job and provider records in
//! `records`.

pub mod counters;
mod epoch;
pub mod records;
mod rewards;

pub use counters::{
    ClusterCounters, Counters, JobCounters, MoneyCounters, OrderCounters, SupplyCounters,
    WorkloadCounters,
};

use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::base::time::{SimTime, to_hours, to_secs};
use crate::data::catalog::GpuId;
use crate::parts::job::{Job, JobState};
use crate::parts::provider::Provider;
use crate::parts::token::{PaymentSplit, ProviderPayment, TokenEconomy};
use crate::scenario::Scenario;

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
    pub verification: crate::parts::verification::VerificationTally,
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
    /// The date of simulated time 0, for the epoch rows' dates.
    start: Option<crate::base::calendar::Instant>,
    /// The timeline change that took effect at the last close, for the next "all" row.
    timeline_label: Option<String>,
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
                t.staked =
                    t.stake_per_gpu * providers.iter().map(Provider::stake_gpus).sum::<f64>();
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
            start: sc.start,
            timeline_label: None,
        }
    }

    /// Switches to `change`'s take rate and token parameters, keeping every total and the
    /// token's state; the next epoch's "all" row names the change.
    pub fn change_rules(&mut self, change: &crate::scenario::TimelineChange) {
        self.take_rate = change.market.take_rate;
        self.token.change_parameters(&change.token);
        let label = change.label();
        self.timeline_label = Some(match self.timeline_label.take() {
            Some(earlier) => format!("{earlier}; {label}"),
            None => label,
        });
    }

    /// A job was submitted.
    pub fn job_submitted(&mut self) {
        self.counters.jobs.submitted += 1;
        self.epoch_counts[0] += 1;
    }

    /// An order found offers.
    pub fn order_cleared(&mut self, bids: u32) {
        self.counters.orders.orders_cleared += 1;
        self.counters.orders.bids += bids as u64;
    }

    /// An order's bids expired.
    pub fn order_expired(&mut self) {
        self.counters.orders.orders_expired += 1;
    }

    /// A job of workload `workload` started for the first time after waiting `wait_s` [s].
    pub fn job_started(&mut self, workload: u16, wait_s: f64, queued: bool) {
        self.counters.jobs.started += 1;
        self.counters.jobs.wait_sum_s += wait_s;
        self.counters.jobs.started_after_queueing += queued as u64;
        let w = &mut self.by_workload[workload as usize];
        w.started += 1;
        w.wait_sum_s += wait_s;
        w.started_after_queueing += queued as u64;
    }

    /// A lease started on a `gpu` host.
    pub fn lease_started(&mut self, gpu: GpuId) {
        self.counters.orders.leases += 1;
        self.epoch_total.leases += 1;
        self.epoch_by_gpu[gpu as usize].leases += 1;
    }

    /// A provider holding `stake_gpus` GPUs' worth of stake joined the market.
    pub fn provider_joined(&mut self, stake_gpus: f64) {
        self.counters.supply.providers_entered += 1;
        self.token.staked += self.token.stake_per_gpu * stake_gpus;
    }

    /// A provider left the market; its remaining stake is returned (unstaked).
    pub fn provider_left(&mut self, stake_gpus: f64) {
        self.counters.supply.providers_exited += 1;
        self.token.staked = (self.token.staked - self.token.stake_per_gpu * stake_gpus).max(0.0);
    }

    /// A lease started on a cluster of `hosts` hosts running at `efficiency` of one host.
    pub fn cluster_lease_started(&mut self, hosts: usize, efficiency: f64) {
        self.counters.clusters.cluster_leases += 1;
        self.counters.clusters.cluster_hosts += hosts as u64;
        self.counters.clusters.cluster_efficiency_sum += efficiency;
    }

    /// Pays `job`'s running lease up to `now` [µs]: consumer -> provider + fee.
    pub fn settle(&mut self, job: &mut Job, providers: &mut [Provider], now: SimTime) {
        if job.state != JobState::Running || now <= job.paid_until {
            return;
        }
        let hours = to_hours(now - job.paid_until);
        let lease = job.price_usd_per_gpu_hour * job.gpus as f64 * hours;
        // A start fee (linear pricing) is paid with the first settlement of the lease.
        let start_fee = std::mem::take(&mut job.start_fee_due_usd);
        self.counters.money.start_fees_usd += start_fee;
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
        self.counters.money.token_payments_usd += token_usd;
        let w = &mut self.by_workload[job.workload as usize];
        w.gpu_hours += gpus * hours;
        w.spend_usd += amount;
        job.paid_until = now;
        job.spend_usd += amount;
        self.counters.money.consumer_spend_usd += amount;
        self.counters.money.fees_usd += split.fee_usd;
        self.counters.money.burn_usd += split.burn_usd;
        self.counters.money.provider_revenue_usd += provider_usd;
        self.token.burn_usd_pending += split.burn_usd;
        self.token.fees_usd_pending += split.fee_usd;
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
    #[inline]
    pub fn job_completed(&mut self, job: &Job, now: SimTime) {
        self.counters.jobs.completed += 1;
        self.by_workload[job.workload as usize].completed += 1;
        self.counters.jobs.time_in_system_sum_s += to_secs(now - job.submitted);
        self.counters.money.cloud_equivalent_usd += job.cloud_equivalent_usd;
        self.counters.money.spend_on_ended_usd += job.spend_usd;
        let w = &mut self.by_workload[job.workload as usize];
        w.cloud_equivalent_usd += job.cloud_equivalent_usd;
        w.spend_on_ended_usd += job.spend_usd;
        self.epoch_total.completed += 1;
        self.epoch_by_gpu[job.gpu as usize].completed += 1;
    }

    /// A job of `workload` that did not complete ended after spending `spend_usd` on the
    /// network.
    pub fn job_ended_unfinished(&mut self, workload: u16, spend_usd: f64) {
        self.counters.money.spend_on_ended_usd += spend_usd;
        self.by_workload[workload as usize].spend_on_ended_usd += spend_usd;
    }

    /// A running job of `gpus` GPUs on a `gpu` host was interrupted; the host's stake
    /// for those GPUs is slashed.
    pub fn job_interrupted(&mut self, gpu: GpuId, gpus: f64) {
        self.slashed_this_epoch += self.token.slash(gpus);
        self.counters.jobs.interrupted += 1;
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
        self.counters.jobs.failed += 1;
        self.epoch_counts[1] += 1;
    }

    /// A job was dropped.
    pub fn job_dropped(&mut self) {
        self.counters.jobs.dropped += 1;
        self.epoch_counts[2] += 1;
    }

    /// A job of `workload` went to the cloud, costing `usd` there for `gpu_hours` of
    /// GPU-time [GPU-h].
    pub fn job_to_cloud(&mut self, workload: u16, usd: f64, gpu_hours: f64) {
        self.counters.jobs.to_cloud += 1;
        self.counters.money.cloud_spend_usd += usd;
        let w = &mut self.by_workload[workload as usize];
        w.cloud_fallback_usd += usd;
        w.cloud_fallback_gpu_hours += gpu_hours;
        self.epoch_counts[3] += 1;
    }
}
