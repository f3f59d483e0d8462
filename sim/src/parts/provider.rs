//! Providers: individuals created from cohorts, with their costs, ask price, capacity and
//! running totals for accounting.

use rand::RngExt;

use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::base::time::{NEVER, SimTime, from_secs, to_hours};
use crate::data::catalog::{Catalog, GpuId};
use crate::parts::cohort::{Cohort, Interconnect, Pricing};

mod host_jobs;
pub use host_jobs::HostJobs;

/// Index of a provider in the world.
pub type ProviderId = u32;

/// A provider's cost structure.
#[derive(Debug, Clone, Copy)]
pub struct ProviderCost {
    /// Capex [USD per GPU].
    pub capex_usd_per_gpu: f64,
    /// Amortized capex [USD per GPU-hour].
    pub capex_usd_per_gpu_hour: f64,
    /// Power draw at full load [kW per GPU].
    pub tdp_kw: f64,
    /// Electricity [USD per kWh].
    pub electricity_usd_per_kwh: f64,
    /// Idle power as a fraction of TDP [fraction].
    pub idle_power_fraction: f64,
    /// Hosting [USD per GPU-hour].
    pub hosting_usd_per_gpu_hour: f64,
}

impl ProviderCost {
    /// Full hourly cost of one busy GPU: amortized capex + power at TDP + hosting
    /// [USD per GPU-hour]. Cost-plus asks mark this up.
    pub fn busy_usd_per_gpu_hour(&self) -> f64 {
        self.capex_usd_per_gpu_hour
            + self.tdp_kw * self.electricity_usd_per_kwh
            + self.hosting_usd_per_gpu_hour
    }
}

/// Where a provider stands in its life in the market. The transitions are the methods
/// [`Provider::go_down`], [`Provider::come_up`], [`Provider::start_leaving`] and
/// [`Provider::retire`]:
///
/// ```text
/// Up <-> Down        (churn: failure, repair)
/// Up -> Leaving      (entry and exit, while jobs still run on it)
/// Up | Leaving | Down -> Retired   (left for good; a leaving host that goes down retires)
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderState {
    /// Up and taking work.
    Up,
    /// Down for repair; comes back up.
    Down,
    /// Decided to leave: up, finishing its jobs, taking no new work.
    Leaving,
    /// Left the market for good; its pending churn events are ignored.
    Retired,
}

/// One provider (a host with `gpus` GPUs of one model).
///
/// Laid out for the access pattern (`repr(C)`, one cache line per record start): the
/// fields every lease start, settlement and release touch come first, in the first three
/// 64-byte lines, so a network of a million GPUs costs about three cache misses per
/// provider touched rather than one per scattered field.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub struct Provider {
    // Line 0: what clearing, leasing and releasing read and write on every event.
    /// GPU model.
    pub gpu: GpuId,
    /// GPUs installed.
    pub gpus: u16,
    /// GPUs neither leased nor reserved.
    pub free: u16,
    /// GPUs under a running lease.
    pub leased: u16,
    /// Up, down, leaving or retired.
    pub state: ProviderState,
    /// Whether the host's offers can match at all (false: its start fee is over every
    /// requestor's cap, so the market never shows it).
    pub listed: bool,
    /// Expelled after being caught cheating: never leased again.
    pub expelled: bool,
    /// Whether this solver skips work when it can (verified training).
    pub cheater: bool,
    /// Cohort index.
    pub cohort: u16,
    /// Interconnect class.
    pub interconnect: Interconnect,
    /// Time of the last accounting update [µs].
    pub last_update: SimTime,
    /// Ask price [USD per GPU-hour].
    pub ask_usd_per_gpu_hour: f64,
    /// Jobs reserved on or running on this host (job slots), the first
    /// [`HostJobs::INLINE`] inside the record.
    pub jobs: HostJobs,
    // Line 1 and 2 (64 bytes each): the accounting every lease start, settlement and
    // release updates.
    /// Totals since the start.
    pub totals: ProviderTotals,
    /// Totals since the last epoch boundary.
    pub epoch: ProviderTotals,
    // Colder: epoch closes, churn, entry and exit.
    /// Start fee per lease (linear pricing) [USD].
    pub start_usd: f64,
    /// When the host last came up [µs] (0 if up from the start).
    pub up_since: SimTime,
    /// Token rewards and what became of them.
    pub tokens: ProviderTokens,
    /// Stake weight per GPU relative to the token's `stake_per_gpu` (io.net: H100 = 10) [ratio].
    pub stake_multiplier: f64,
    /// Markup over cost used to set the ask [fraction]; 0 for price lists.
    pub markup: f64,
    /// Epochs in a row with a negative operating margin.
    pub losing_epochs: u32,
    /// Operating margin of the last closed epoch: income - power - hosting [USD].
    pub last_epoch_margin_usd: f64,
    /// Token sales income when the current epoch began [USD].
    pub sales_usd_at_epoch_start: f64,
    /// When it joined the market [µs] (0 for the starting cohorts).
    pub joined_at: SimTime,
    /// When it left [µs]; `NEVER` while in the market.
    pub retired_at: SimTime,
    /// Cost structure.
    pub cost: ProviderCost,
    /// The host's churn stream.
    pub churn_rng: StreamRng,
}

/// A provider's token rewards.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProviderTokens {
    /// Emissions and BME remints received [tokens].
    pub rewards: f64,
    /// Of `rewards`, the emissions and incentive-engine payouts (not remints, which
    /// settle lease revenue) [tokens].
    pub emitted: f64,
    /// Kept (not sold) [tokens].
    pub held: f64,
    /// USD from selling rewards [USD].
    pub sales_usd: f64,
    /// BME: credit (ACT) earned this epoch [ACT].
    pub act_this_epoch: f64,
    /// BME: credit earned last epoch, settled at this epoch's close [ACT].
    pub act_last_epoch: f64,
    /// Token payment: USD earned this epoch, paid in tokens at its close [USD].
    pub payment_usd_this_epoch: f64,
    /// Token payment: tokens received for work [tokens].
    pub payment_tokens: f64,
}

/// Accumulated figures of one provider.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProviderTotals {
    /// Time up [µs].
    pub up_us: u64,
    /// GPU-time online [GPU-µs].
    pub online_gpu_us: u64,
    /// GPU-time leased [GPU-µs].
    pub leased_gpu_us: u64,
    /// Revenue after fees [USD].
    pub revenue_usd: f64,
    /// Leases started.
    pub leases: u64,
    /// Jobs completed.
    pub jobs_completed: u64,
    /// Jobs interrupted by this host going down.
    pub jobs_interrupted: u64,
    /// Times the host went down.
    pub failures: u64,
}

impl ProviderTotals {
    fn add_time(&mut self, dt: SimTime, gpus: u16, leased: u16) {
        self.up_us += dt;
        self.online_gpu_us += dt * gpus as u64;
        self.leased_gpu_us += dt * leased as u64;
    }
}

impl Provider {
    /// Builds provider number `index` (global) of `cohort`; draws its markup from its
    /// own setup stream. Nobody cheats (see [`Provider::with_cheaters`]).
    pub fn new(
        seed: u64,
        index: u32,
        cohort_index: u16,
        cohort: &Cohort,
        catalog: &Catalog,
    ) -> Provider {
        Provider::with_cheaters(seed, index, cohort_index, cohort, catalog, 0.0)
    }

    /// As [`Provider::new`], with a chance `cheater_fraction` that this solver cheats when
    /// the network verifies training.
    pub fn with_cheaters(
        seed: u64,
        index: u32,
        cohort_index: u16,
        cohort: &Cohort,
        catalog: &Catalog,
        cheater_fraction: f64,
    ) -> Provider {
        let spec = catalog.gpu(cohort.gpu);
        let cost = ProviderCost {
            capex_usd_per_gpu: cohort.capex_usd_per_gpu,
            capex_usd_per_gpu_hour: cohort.capex_usd_per_gpu / cohort.amortization_hours,
            tdp_kw: spec.tdp_w / 1000.0,
            electricity_usd_per_kwh: cohort.electricity_usd_per_kwh,
            idle_power_fraction: cohort.idle_power_fraction,
            hosting_usd_per_gpu_hour: cohort.hosting_usd_per_gpu_hour,
        };
        let mut setup = stream_rng(seed, StreamId::new(StreamKind::ProviderSetup, index as u64));
        let (ask, markup, start_usd) = match &cohort.pricing {
            Pricing::CostPlus { markup } => {
                let m = markup.sample(&mut setup);
                (cost.busy_usd_per_gpu_hour() * (1.0 + m), m, 0.0)
            }
            Pricing::RandomRange { min, max } => {
                (min + (max - min) * setup.random::<f64>(), 0.0, 0.0)
            }
            Pricing::PriceList { usd_per_gpu_hour } => (*usd_per_gpu_hour, 0.0, 0.0),
            Pricing::Linear {
                start_usd,
                usd_per_gpu_hour,
            } => {
                let start = start_usd.sample(&mut setup).max(0.0);
                (usd_per_gpu_hour.sample(&mut setup).max(0.0), 0.0, start)
            }
        };
        // One more draw, taken whether or not it is used, so streams never shift: whether
        // this solver cheats when the network verifies training.
        let cheater = setup.random::<f64>() < cheater_fraction;
        Provider {
            cohort: cohort_index,
            gpu: cohort.gpu,
            gpus: cohort.gpus_per_provider,
            free: cohort.gpus_per_provider,
            leased: 0,
            state: ProviderState::Up,
            cheater,
            expelled: false,
            up_since: 0,
            stake_multiplier: cohort.stake_multiplier,
            ask_usd_per_gpu_hour: ask,
            start_usd,
            listed: true,
            losing_epochs: 0,
            last_epoch_margin_usd: 0.0,
            sales_usd_at_epoch_start: 0.0,
            joined_at: 0,
            retired_at: NEVER,
            markup,
            interconnect: cohort.interconnect,
            cost,
            jobs: HostJobs::default(),
            churn_rng: stream_rng(seed, StreamId::new(StreamKind::Churn, index as u64)),
            last_update: 0,
            totals: ProviderTotals::default(),
            epoch: ProviderTotals::default(),
            tokens: ProviderTokens::default(),
        }
    }

    /// Time from now to the host's next failure, drawn from its churn stream [µs], at
    /// least 1 µs; None if its cohort never fails. The one place failures are drawn.
    pub fn time_to_failure(&mut self, cohort: &Cohort) -> Option<SimTime> {
        let av = cohort.availability.as_ref()?;
        Some(from_secs(av.mtbf.sample(&mut self.churn_rng) * av.mtbf_scale).max(1))
    }

    /// Time the host takes to come back up, drawn from its churn stream [µs], at least 1 µs.
    pub fn time_to_repair(&mut self, cohort: &Cohort) -> SimTime {
        let av = cohort
            .availability
            .as_ref()
            .expect("only churning hosts go down");
        from_secs(av.mttr.sample(&mut self.churn_rng)).max(1)
    }

    /// Whether the host is up (taking work, or finishing its last jobs before leaving).
    pub fn is_up(&self) -> bool {
        matches!(self.state, ProviderState::Up | ProviderState::Leaving)
    }

    /// Whether the host has left the market for good.
    pub fn is_retired(&self) -> bool {
        self.state == ProviderState::Retired
    }

    /// The stake weight of `gpus` of this host's GPUs: GPUs x its cohort's stake
    /// multiplier [stake-weighted GPUs]. The one place the weight is computed.
    pub fn stake_gpus_of(&self, gpus: u16) -> f64 {
        gpus as f64 * self.stake_multiplier
    }

    /// The stake weight of the whole host [stake-weighted GPUs].
    pub fn stake_gpus(&self) -> f64 {
        self.stake_gpus_of(self.gpus)
    }

    /// Whether the host is in the market and not on its way out (up or down).
    pub fn is_staying(&self) -> bool {
        matches!(self.state, ProviderState::Up | ProviderState::Down)
    }

    /// Whether the market may place new work on the host: up and not leaving, listed,
    /// not expelled.
    pub fn takes_orders(&self) -> bool {
        self.state == ProviderState::Up && self.listed && !self.expelled
    }

    /// Whether the host is in the book: it takes orders and has a free GPU.
    pub fn offers(&self) -> bool {
        self.takes_orders() && self.free > 0
    }

    /// Up or leaving -> down: every GPU is free again (its jobs were interrupted).
    /// Returns whether it was leaving (then it retires instead of being repaired).
    pub fn go_down(&mut self) -> bool {
        debug_assert!(self.is_up(), "{:?} host goes down", self.state);
        let was_leaving = self.state == ProviderState::Leaving;
        self.state = ProviderState::Down;
        self.free = self.gpus;
        self.leased = 0;
        was_leaving
    }

    /// Down -> up at `now` [µs].
    pub fn come_up(&mut self, now: SimTime) {
        debug_assert_eq!(self.state, ProviderState::Down);
        self.state = ProviderState::Up;
        self.up_since = now;
    }

    /// Up -> leaving: takes no new work, retires when its last job ends.
    pub fn start_leaving(&mut self) {
        debug_assert_eq!(self.state, ProviderState::Up);
        self.state = ProviderState::Leaving;
    }

    /// Any state but retired -> retired at `now` [µs].
    pub fn retire(&mut self, now: SimTime) {
        debug_assert!(!self.is_retired());
        self.state = ProviderState::Retired;
        self.retired_at = now;
    }

    /// Brings time-based totals up to `now` [µs]; call before any state change.
    pub fn advance(&mut self, now: SimTime) {
        let dt = now.saturating_sub(self.last_update);
        if self.is_up() && dt > 0 {
            self.totals.add_time(dt, self.gpus, self.leased);
            self.epoch.add_time(dt, self.gpus, self.leased);
        }
        self.last_update = now;
    }

    /// Energy cost of the time so far [USD]: idle GPUs draw `idle_power_fraction` of TDP,
    /// leased GPUs full TDP.
    pub fn power_cost_usd(&self, t: &ProviderTotals) -> f64 {
        let leased_h = to_hours(t.leased_gpu_us);
        let idle_h = to_hours(t.online_gpu_us - t.leased_gpu_us);
        let kwh = self.cost.tdp_kw * (leased_h + self.cost.idle_power_fraction * idle_h);
        kwh * self.cost.electricity_usd_per_kwh
    }
}

#[cfg(test)]
mod tests;
