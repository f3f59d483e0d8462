//! The schedules a scenario can name ([`Emission`]), what one stretch of one mints
//! ([`ScheduledMint`]), the trait that reads it ([`EmissionSchedule`]) and the limits on
//! their parameters.

use crate::parts::token::allocations::Allocations;
use crate::parts::token::cosmos_inflation::CosmosInflation;

/// Highest yearly inflation a scenario may set (exclusive) [fraction per year].
pub const MAX_INFLATION_PER_YEAR: f64 = 10.0;
/// Shortest halving period a scenario may set [s].
pub const MIN_HALVING_PERIOD_S: f64 = 3600.0;
/// Shortest period of a per-epoch table a scenario may set [s].
pub const MIN_TABLE_EPOCH_S: f64 = 3600.0;

/// Tokens minted between two times.
pub trait EmissionSchedule {
    /// Tokens minted in [t0_h, t1_h) [tokens]; times in hours since the schedule's
    /// genesis, nothing before it (t < 0). `supply` is the supply at t0 [tokens], for
    /// inflation-style schedules. For the stateful [`Emission::CosmosInflation`] this
    /// steps a copy from its current state: a run uses [`Emission::advance`].
    fn minted(&self, t0_h: f64, t1_h: f64, supply: f64) -> f64;
}

/// What one stretch of a schedule mints, and the providers' part where the schedule
/// sets it itself.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScheduledMint {
    /// Tokens minted [tokens].
    pub total: f64,
    /// Tokens for providers, set by the schedule (allocation tables); `None`: the
    /// economy's `emission_to_providers` share of `total` [tokens].
    pub providers: Option<f64>,
}

/// The schedules a scenario can name.
#[derive(Debug, Clone, PartialEq)]
pub enum Emission {
    /// Nothing minted.
    None,
    /// Supply grows by `inflation_per_year` compounded continuously [fraction per year].
    Inflation {
        /// Yearly inflation.
        inflation_per_year: f64,
    },
    /// A fixed amount per year for listed years; past the table the last listed year's
    /// amount, held until year `damping_after_year`, then damped by `damping` once per
    /// year after the later of the table's last year and `damping_after_year` (Render,
    /// RNP-001/-006) [tokens/yr].
    YearlyTable {
        /// Tokens in year 1, 2, ...
        per_year: Vec<f64>,
        /// Last table year before damping applies.
        damping_after_year: usize,
        /// Factor applied per year after that [ratio].
        damping: f64,
    },
    /// A rate that starts at `first_hour` and falls by `monthly_decline` each 730.5-hour
    /// month, for `months` months (io.net) [tokens per hour].
    HourlyDecline {
        /// Tokens in the first hour.
        first_hour: f64,
        /// Decline per month [fraction].
        monthly_decline: f64,
        /// Months of emission.
        months: u32,
    },
    /// `initial_per_year`, halving every `period_years` [tokens/yr].
    Halving {
        /// Tokens per year before the first halving.
        initial_per_year: f64,
        /// Years between halvings.
        period_years: f64,
    },
    /// Fixed amount per epoch of `epoch_h` hours, by table; zero past the table [tokens].
    PerEpoch {
        /// Epoch length [h].
        epoch_h: f64,
        /// Tokens per epoch.
        amounts: Vec<f64>,
    },
    /// Akash's chain inflation: the Cosmos minter with Akash's inflation calculator
    /// (code: akash-network/node x/inflation), with its state.
    CosmosInflation(CosmosInflation),
    /// Dated monthly allocations by governance, with the providers' part (Render RNPs).
    Allocations(Allocations),
}

/// Highest `blocks_per_year` a scenario may set (a block a second is 31.6M) [blocks].
pub const MAX_BLOCKS_PER_YEAR: f64 = 1e9;
