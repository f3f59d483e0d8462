//! Scenarios: TOML files parsed into a raw form ([`raw`]), then validated into the model's
//! types ([`Scenario`]) with file:line:col errors. `--set` overrides are applied to the
//! text first ([`overrides`]).

mod builtin;
mod change;
mod load;
mod scale;
mod validate;

pub use crate::input::error::ScenarioError;
pub use builtin::{
    BUILTIN, BUILTIN_HISTORY, builtin, builtins, embedded_key, embedded_series, embedded_trace,
};
pub use change::{CHANGEABLE, TimelineChange, moment};

pub use crate::parts::market::{Market, Selection, Tier};

use crate::base::time::SimTime;
use crate::data::catalog::{Catalog, GpuId};
use crate::data::dist::Dist;
use crate::data::serving::{self, Serving};
use crate::data::throughput::{JobKind, Throughput};
use crate::parts::cloud::{CloudSpec, CloudVenue};
use crate::parts::cohort::Cohort;
use crate::parts::market::MarketSpec;
use crate::parts::token::TokenEconomy;

/// A validated scenario, ready to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name.
    pub name: String,
    /// What it represents.
    pub description: String,
    /// Simulated horizon [µs].
    pub duration: SimTime,
    /// Accounting epoch [µs].
    pub epoch: SimTime,
    /// The calendar date of simulated time 0 (`[scenario] start`); `None`: undated.
    pub start: Option<crate::base::calendar::Instant>,
    /// Master seed.
    pub seed: u64,
    /// Fraction of the real network the providers and demand stand for (1: all of it);
    /// network-wide token amounts are already multiplied by it in `token`, and size
    /// claims and backtests divide the run's extensive figures by it [fraction].
    pub fleet_fraction: f64,
    /// GPU that job sizes are measured on.
    pub reference_gpu: GpuId,
    /// GPU specs and cloud prices.
    pub catalog: Catalog,
    /// Effective throughput per GPU and job kind.
    pub throughput: Throughput,
    /// Market mechanism and fees.
    pub market: MarketSpec,
    /// Cloud baseline.
    pub cloud: CloudSpec,
    /// Token economy (parameters and starting state).
    pub token: TokenEconomy,
    /// Provider cohorts.
    pub cohorts: Vec<Cohort>,
    /// Workloads.
    pub workloads: Vec<Workload>,
    /// Published claims to check.
    pub claims: Vec<crate::parts::claims::Claim>,
    /// Verified training (Gensyn); `None` = results are trusted.
    pub verification: Option<crate::parts::verification::Verification>,
    /// Dated changes to the market and token parameters, in time order (`[[timeline]]`).
    pub timeline: Vec<TimelineChange>,
    /// Published series to backtest the run against (`[[observed]]`).
    pub observed: Vec<crate::parts::observed::Observed>,
    /// A multi-venue world (`[[venues]]`): its networks and clouds, how consumers
    /// choose among them and how providers move; `None` for one network.
    pub world: Option<std::sync::Arc<WorldSpec>>,
}

/// Willingness to pay.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MaxPrice {
    /// Absolute cap [USD per GPU-hour].
    UsdPerGpuHour(f64),
    /// Fraction of the cloud cost of the same work [fraction].
    RelativeToCloud(f64),
}

/// What happens when patience runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// Run on the cloud.
    Cloud,
    /// Give up.
    Drop,
}

/// A stream of jobs.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Name.
    pub name: String,
    /// Kind of job.
    pub kind: JobKind,
    /// Arrival rate at time 0 [jobs per hour]; for a trace, its mean rate over the run.
    pub rate_per_hour: f64,
    /// Rate growth [fraction per year].
    pub growth_per_year: f64,
    /// Daily cycle amplitude [fraction].
    pub diurnal_amplitude: f64,
    /// Hour of peak demand [h, UTC].
    pub peak_hour: f64,
    /// Arrivals replayed from a demand trace instead of the Poisson process above.
    pub trace: Option<std::sync::Arc<crate::data::trace::TraceArrivals>>,
    /// Job size per GPU on the reference GPU [s]; `None`: the trace gives each job's.
    pub size: Option<Dist>,
    /// GPUs per job (with a trace: the most any row asks for).
    pub gpus: u16,
    /// Accepted GPU models.
    pub gpu_models: Vec<GpuId>,
    /// Cloud GPU the consumer would otherwise rent.
    pub cloud_gpu: GpuId,
    /// Willingness to pay.
    pub max_price: MaxPrice,
    /// Wait before falling back [µs]; `NEVER` = forever.
    pub patience: SimTime,
    /// What to do then.
    pub fallback: Fallback,
    /// Checkpoint interval [µs]; `None` = no checkpoints.
    pub checkpoint_interval: Option<SimTime>,
    /// Interruptions tolerated before failure.
    pub max_restarts: u32,
    /// Fraction of jobs that go straight to the cloud [fraction].
    pub cloud_only_fraction: f64,
    /// Service tier, an index into the posted-price market's tiers (0 without tiers).
    pub tier: u8,
    /// Inference served in batches (`serving`): GPU speeds follow the serving curve at
    /// that batch; `None`: they follow memory bandwidth (batch 1).
    pub serving: Option<Serving>,
}

impl Scenario {
    /// Provider number `index` (global) of cohort `cohort` of this scenario, joining the market at
    /// `now` [µs] (0 for the starting providers, the epoch's close for entrants). The one
    /// place providers of a run are built.
    pub fn provider_joining(
        &self,
        index: u32,
        cohort: usize,
        now: SimTime,
    ) -> crate::parts::provider::Provider {
        let mut p = crate::parts::provider::Provider::with_cheaters(
            self.seed,
            index,
            cohort as u16,
            &self.cohorts[cohort],
            &self.catalog,
            self.verification.map_or(0.0, |v| v.cheater_fraction),
        );
        p.joined_at = now;
        p.last_update = now;
        p.up_since = now;
        p
    }

    /// How much faster `gpu` runs workload `w`'s jobs than the reference GPU [ratio]: the
    /// ratio of serving throughputs at the workload's batch when it sets `serving`, else
    /// the ratio of effective throughputs for its kind.
    pub fn workload_speed(&self, w: &Workload, gpu: GpuId) -> f64 {
        match w.serving {
            Some(s) => {
                let tps = |g| serving::tokens_per_s(&self.catalog, &self.throughput, g, s).0;
                tps(gpu) / tps(self.reference_gpu)
            }
            None => self.throughput.speed(gpu, self.reference_gpu, w.kind),
        }
    }

    /// Per-GPU-hour price on the cloud for `gpu` [USD per GPU-hour].
    pub fn cloud_price(&self, gpu: GpuId) -> Option<f64> {
        self.cloud.usd_per_gpu_hour[gpu as usize]
    }
}

// A world (`[[venues]]`): several networks, each a whole single-network scenario of its
// own (its market, book, providers, token and timeline), and clouds, competing for one
// stream of demand. Consumers choose a venue for each job (`crate::parts::choice`);
// providers move between networks as their returns differ (`crate::parts::mobility`). A
// run interleaves the networks' simulations in time order (`crate::run::run_world`); a
// single-network scenario never goes there. A world's scenario holds its venues and a
// network venue holds a scenario: the two types are defined here, together.

/// The venues of a world and how demand and supply move between them.
#[derive(Debug, Clone)]
pub struct WorldSpec {
    /// The venues, in the order of the file (ties in choices go to the first).
    pub venues: Vec<Venue>,
    /// How consumers choose a venue.
    pub choice: crate::parts::choice::Choice,
    /// How providers move between networks.
    pub mobility: crate::parts::mobility::Mobility,
}

/// One venue.
#[derive(Debug, Clone)]
pub struct Venue {
    /// Name, unique in the world.
    pub name: String,
    /// A network or a cloud.
    pub kind: VenueKind,
    /// A network: the other networks a share of its starting hosts are also listed on
    /// (`crate::network::listing`).
    pub also_listed_on: Vec<Listing>,
}

/// A share of a network's starting hosts (of one cohort, or all) also listed on another.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Listing {
    /// The other network (a venue index).
    pub venue: usize,
    /// Share of the hosts listed there too [fraction].
    pub fraction: f64,
    /// Only this cohort's hosts (an index into the network's cohorts); `None`: all.
    pub cohort: Option<u16>,
}

/// What a venue is.
#[derive(Debug, Clone)]
pub enum VenueKind {
    /// A network: its scenario, with the world's demand, horizon and cloud baseline.
    Network(Box<Scenario>),
    /// A cloud.
    Cloud(CloudVenue),
}

impl Venue {
    /// "network" or "cloud".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            VenueKind::Network(_) => "network",
            VenueKind::Cloud(_) => "cloud",
        }
    }
}
