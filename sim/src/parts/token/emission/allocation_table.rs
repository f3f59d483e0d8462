//! `schedule = "allocations"`: a dated allocation table ([`Allocations`]) read from the
//! scenario and checked.

use crate::base::calendar::Instant;
use crate::input::check::{Check, Res};
use crate::input::raw::{RawAllocationRow, RawEmission};
use crate::input::spanned::Sp;
use crate::parts::token::allocations::{AllocationRow, Allocations};
use crate::parts::token::emission::dated::dated;
use crate::parts::token::emission::kind::Emission;

/// `schedule = "allocations"`, checked: a dated start, rows in date order with amounts
/// >= 0 and `to_providers` <= `per_month` (errors at the row), `until` after the last row.
pub(super) fn allocations_from_raw(
    e: &Sp<RawEmission>,
    start: Option<Instant>,
    rows: &[RawAllocationRow],
    until: Option<&String>,
    c: &Check,
) -> Res<Emission> {
    let Some(run_start) = start else {
        return Err(c.err(
            c.key_span(e.span(), "from", 0),
            "token.emission: allocations are dated and need [scenario] start (the calendar date of the run's hour 0)",
        ));
    };
    let mut out: Vec<AllocationRow> = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        let (_, from) = dated(e, start, &row.from, "from", i, c)?;
        let in_order = out.last().is_none_or(|prev| from > prev.from);
        let amounts_ok = row.per_month.is_finite()
            && row.per_month >= 0.0
            && (0.0..=row.per_month).contains(&row.to_providers);
        if !(in_order && amounts_ok) {
            return Err(c.err(
                c.key_span(e.span(), "from", i),
                format!("token.emission row {}: expected dates in increasing order, per_month >= 0 and 0 <= to_providers <= per_month", i + 1),
            ));
        }
        out.push(AllocationRow {
            from,
            per_month: row.per_month,
            to_providers: row.to_providers,
        });
    }
    let Some(last) = out.last() else {
        return Err(c.err(
            e.span(),
            "token.emission: allocations need at least one row",
        ));
    };
    let until = match until {
        Some(u) => {
            let (_, at) = dated(e, start, u, "until", 0, c)?;
            if at <= last.from {
                return Err(c.err(
                    c.key_span(e.span(), "until", 0),
                    "token.emission.until: expected a date after the last row's",
                ));
            }
            Some(at)
        }
        None => None,
    };
    Ok(Emission::Allocations(Allocations {
        rows: out,
        until,
        start: run_start,
    }))
}
