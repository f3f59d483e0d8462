//! Dates inside `token.emission`: a genesis, a bonded-ratio or allocation row's `from`,
//! an allocation table's `until`.

use crate::base::calendar::Instant;
use crate::input::check::{Check, Res};
use crate::input::raw::RawEmission;
use crate::input::spanned::Sp;

/// A date inside `token.emission` (the `n`-th `key`): parsed, and its hours after the
/// run's start; an error at the key's value when it does not parse or when the scenario
/// has no `[scenario] start`.
pub(super) fn dated(
    e: &Sp<RawEmission>,
    start: Option<Instant>,
    text: &str,
    key: &str,
    n: usize,
    c: &Check,
) -> Res<(f64, Instant)> {
    let span = c.key_span(e.span(), key, n);
    let at = Instant::parse(text)
        .map_err(|err| c.err(span.clone(), format!("token.emission.{key}: {err}")))?;
    let Some(start) = start else {
        return Err(c.err(
            span,
            format!("token.emission.{key}: a dated schedule needs [scenario] start (the calendar date of the run's hour 0)"),
        ));
    };
    Ok((at.hours_since(start), at))
}
