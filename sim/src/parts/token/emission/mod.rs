//! Emission schedules: how many tokens are minted between two times. Each schedule is a
//! rate in tokens per hour that is piecewise constant or has a closed-form integral, so
//! any epoch length gives the same totals; Akash's chain inflation
//! ([`CosmosInflation`]) has state (the minter's rate) and is advanced in time order.
//!
//! Every schedule is read at hours since its own genesis: the step schedules take an
//! optional `genesis` date (hours since genesis = hours since the scenario's start +
//! `start.hours_since(genesis)`, nothing before genesis), the Cosmos minter a required
//! one, and allocation tables are dated row by row.
//!
//! The schedules' type and limits are in `kind.rs`; what they mint in `steps.rs`; how
//! `token.emission` is read and checked in `from_raw.rs` (the Cosmos minter in
//! `cosmos.rs`, allocation tables in `allocation_table.rs`, dates in `dated.rs`); their
//! descriptions in `describe.rs`. This file only declares and re-exports.

mod allocation_table;
mod cosmos;
mod dated;
mod describe;
mod from_raw;
mod kind;
mod steps;
#[cfg(test)]
mod tests;

pub use crate::base::time::HOURS_PER_YEAR;
pub use crate::parts::token::allocations::{AllocationRow, Allocations};
pub use crate::parts::token::cosmos_inflation::{BondedRatio, CosmosInflation};
pub use kind::{
    Emission, EmissionSchedule, MAX_BLOCKS_PER_YEAR, MAX_INFLATION_PER_YEAR, MIN_HALVING_PERIOD_S,
    MIN_TABLE_EPOCH_S, ScheduledMint,
};
