//! A schedule read from `token.emission` and checked: the step schedules here, the
//! Cosmos minter in `cosmos.rs`, allocation tables in `allocation_table.rs`.

use crate::base::calendar::Instant;
use crate::base::time::{YEAR, to_secs};
use crate::input::check::{Check, Res};
use crate::input::raw::RawEmission;
use crate::input::spanned::Sp;
use crate::parts::token::emission::allocation_table::allocations_from_raw;
use crate::parts::token::emission::cosmos::cosmos_from_raw;
use crate::parts::token::emission::dated::dated;
use crate::parts::token::emission::kind::{
    Emission, MAX_INFLATION_PER_YEAR, MIN_HALVING_PERIOD_S, MIN_TABLE_EPOCH_S,
};

impl Emission {
    /// The schedule `token.emission` names, checked: rates >= 0, declines and damping in
    /// [0, 1], a non-empty table, a halving period of at least an hour; and its genesis
    /// (`None`: the run's start). A genesis, the Cosmos minter and allocation tables need
    /// `start` (`[scenario] start`).
    pub(crate) fn from_raw(
        e: &Sp<RawEmission>,
        start: Option<Instant>,
        c: &Check,
    ) -> Res<(Emission, Option<Instant>)> {
        let genesis = match e.get().genesis() {
            Some(g) => Some(dated(e, start, g, "genesis", 0, c)?.1),
            None => None,
        };
        Ok((Emission::steps_from_raw(e, start, c)?, genesis))
    }

    /// The schedule without its optional genesis.
    fn steps_from_raw(e: &Sp<RawEmission>, start: Option<Instant>, c: &Check) -> Res<Emission> {
        let non_negative = |x: f64| x.is_finite() && x >= 0.0;
        let checked = match e.get() {
            RawEmission::None {} => Some(Emission::None),
            RawEmission::CosmosInflation { .. } => return cosmos_from_raw(e, start, c),
            RawEmission::Allocations { rows, until } => {
                return allocations_from_raw(e, start, rows, until.as_ref(), c);
            }
            RawEmission::Inflation {
                inflation_per_year, ..
            } => (0.0..MAX_INFLATION_PER_YEAR)
                .contains(inflation_per_year)
                .then_some(Emission::Inflation {
                    inflation_per_year: *inflation_per_year,
                }),
            RawEmission::YearlyTable {
                per_year,
                damping_after_year,
                damping,
                ..
            } => (!per_year.is_empty()
                && per_year.iter().all(|v| non_negative(*v))
                && *damping_after_year >= 1
                && (0.0..=1.0).contains(damping))
            .then(|| Emission::YearlyTable {
                per_year: per_year.clone(),
                damping_after_year: *damping_after_year,
                damping: *damping,
            }),
            RawEmission::HourlyDecline {
                first_hour,
                monthly_decline,
                months,
                ..
            } => (non_negative(*first_hour) && (0.0..1.0).contains(monthly_decline)).then_some(
                Emission::HourlyDecline {
                    first_hour: *first_hour,
                    monthly_decline: *monthly_decline,
                    months: *months,
                },
            ),
            RawEmission::Halving {
                initial_per_year,
                period,
                ..
            } => (non_negative(*initial_per_year)
                && period.secs() >= MIN_HALVING_PERIOD_S
                && period.secs().is_finite())
            .then(|| Emission::Halving {
                initial_per_year: *initial_per_year,
                period_years: period.secs() / to_secs(YEAR),
            }),
            RawEmission::PerEpoch { epoch, amounts, .. } => {
                let table_ok = !amounts.is_empty() && amounts.iter().all(|a| non_negative(*a));
                let epoch_ok = epoch.secs() >= MIN_TABLE_EPOCH_S && epoch.secs().is_finite();
                if !(table_ok && epoch_ok) {
                    return Err(c.err(
                        e.span(),
                        "token.emission: per_epoch needs a finite epoch of at least 1h and a non-empty table of amounts >= 0",
                    ));
                }
                Some(Emission::PerEpoch {
                    epoch_h: epoch.secs() / 3600.0,
                    amounts: amounts.clone(),
                })
            }
        };
        checked.ok_or_else(|| {
            c.err(
                e.span(),
                "token.emission: parameter out of range (rates >= 0, declines and damping in [0, 1], a non-empty table, a halving period of at least 1h)",
            )
        })
    }
}
