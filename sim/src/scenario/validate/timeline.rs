//! `[[timeline]]`: dated changes to the market and token parameters of a running
//! scenario. Each entry is validated by building the scenario as it reads with every
//! change up to it applied (the `set` paths edited into the document the way `--set`
//! edits it, then the normal validation), so a bad value is refused before the run, at
//! its position in the file. The run switches to an entry's parameters at the end of the
//! epoch that ends at `at` (`World::apply_timeline`). The validation of a segment is
//! handed in ([`Segment`]), so that this file and the validator it re-enters do not
//! import each other.

use toml_edit::DocumentMut;

use crate::base::calendar::Instant;
use crate::base::time::{SimTime, from_secs, parse_duration_secs};
use crate::input::check::{Check, Res};
use crate::input::error::ScenarioError;
use crate::input::overrides::set_path;
use crate::input::raw::{RawTimelineEntry, SetValue};
use crate::input::spanned::Sp;
use crate::parts::market::MarketSpec;
use crate::parts::token::TokenEconomy;
use crate::scenario::change::{CHANGEABLE, moment, span_label};
use crate::scenario::{Scenario, TimelineChange};

/// The validation of a whole scenario text (`validate/mod.rs`), which a timeline
/// re-enters for each segment: the document as it reads with the changes so far applied.
pub(super) type Segment = fn(&str, &str) -> Res<Scenario>;

/// Where an entry falls against the run.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Moment {
    /// At or before the start: in force from the start.
    InForce,
    /// An epoch boundary inside the run [µs since start], with its date.
    During(SimTime, Option<Instant>),
    /// At or after the end: not reached.
    NotReached,
}

/// What a validated timeline does to a run: the changes it makes on the way, and the
/// parameters of the last entry dated at or before the start, which the run starts with
/// (a shortened or later-starting run keeps the rules of its date).
pub(super) struct Timeline {
    /// Changes inside the run, in time order.
    pub changes: Vec<TimelineChange>,
    /// The market and token parameters in force at the start, when an entry is dated at
    /// or before it.
    pub at_start: Option<(MarketSpec, TokenEconomy)>,
}

/// Validates `entries` against `base` (the scenario at the start, validated): times,
/// paths, and each segment's scenario, whether or not the run reaches it.
pub(super) fn timeline(
    c: &Check,
    entries: &[Sp<RawTimelineEntry>],
    base: &Scenario,
    validate_segment: Segment,
) -> Res<Timeline> {
    let mut doc: DocumentMut = c.loc.src.parse().map_err(|e: toml_edit::TomlError| {
        c.err(e.span().unwrap_or(0..0), e.message().to_string())
    })?;
    doc.remove("timeline");
    let mut out: Vec<TimelineChange> = Vec::with_capacity(entries.len());
    let mut at_start = None;
    let mut bme_running = base.token.bme.is_some();
    let mut engine_running = base.token.incentives.is_some();
    let mut previous: Option<i128> = None;
    for sp in entries {
        let e = sp.get();
        let (moment, key) = entry(c, e, base, previous)?;
        previous = Some(key);
        let segment = segment(c, &mut doc, e, validate_segment)?;
        if bme_running && segment.token.bme.is_none() {
            return Err(c.err(
                e.set.span(),
                "timeline: the burn-mint equilibrium cannot be switched off during a run (providers' outstanding ACT would never settle)",
            ));
        }
        bme_running = segment.token.bme.is_some();
        if engine_running && segment.token.incentives.is_none() {
            return Err(c.err(
                e.set.span(),
                "timeline: the incentive engine cannot be switched off during a run (its vaults' balances would be lost)",
            ));
        }
        engine_running = segment.token.incentives.is_some();
        let (at, date) = match moment {
            Moment::InForce => {
                at_start = Some((segment.market, segment.token));
                continue;
            }
            Moment::NotReached => continue,
            Moment::During(at, date) => (at, date),
        };
        out.push(TimelineChange {
            at,
            date,
            source: e.source.get().clone(),
            note: e.note.clone(),
            changes: e.set.get().keys().cloned().collect(),
            market: segment.market,
            token: segment.token,
        });
    }
    Ok(Timeline {
        changes: out,
        at_start,
    })
}

/// One entry's time (after `before`, the previous entry's signed time), source and
/// paths, checked; returns where it falls and its signed time [µs since start].
fn entry(
    c: &Check,
    e: &RawTimelineEntry,
    base: &Scenario,
    before: Option<i128>,
) -> Res<(Moment, i128)> {
    let (moment, key) = when(c, &e.at, base)?;
    if let Some(before) = before
        && key <= before
    {
        return Err(c.err(
            e.at.span(),
            format!(
                "timeline entries must be in time order: `at = \"{}\"` is not after the entry before it",
                e.at.get()
            ),
        ));
    }
    if e.source.get().trim().is_empty() {
        return Err(c.err(
            e.source.span(),
            "timeline: expected a non-empty source (where the change comes from)",
        ));
    }
    let set = e.set.get();
    if set.is_empty() {
        return Err(c.err(
            e.set.span(),
            "timeline: expected at least one change in `set`",
        ));
    }
    for (path, value) in set {
        if !changeable(path) {
            return Err(c.err(
                value.span(),
                format!(
                    "timeline: `{path}` cannot change during a run; these may: {}",
                    CHANGEABLE.join(", ")
                ),
            ));
        }
    }
    Ok((moment, key))
}

/// Whether `path` is one of [`CHANGEABLE`] or lies under one.
fn changeable(path: &str) -> bool {
    CHANGEABLE.iter().any(|p| {
        path == *p
            || path
                .strip_prefix(p)
                .is_some_and(|rest| rest.starts_with('.'))
    })
}

/// `at` as where it falls against the run, and its signed time since the start [µs]
/// (for ordering); inside the run it must be an epoch boundary.
fn when(c: &Check, at: &Sp<String>, sc: &Scenario) -> Res<(Moment, i128)> {
    let text = at.get().trim();
    let t = if let Ok(secs) = parse_duration_secs(text) {
        if !secs.is_finite() {
            return Err(c.err(at.span(), "timeline.at: expected a finite offset"));
        }
        from_secs(secs)
    } else if let Ok(date) = Instant::parse(text) {
        let Some(start) = sc.start else {
            return Err(c.err(
                at.span(),
                format!(
                    "timeline.at = \"{text}\" is a date: it needs `start` in [scenario] (or write an offset from the start such as \"81d\")"
                ),
            ));
        };
        if date.0 <= start.0 {
            let key = i128::from(date.0 - start.0) * i128::from(crate::base::time::SECOND);
            return Ok((Moment::InForce, key));
        }
        from_secs((date.0 - start.0) as f64)
    } else {
        return Err(c.err(
            at.span(),
            format!(
                "timeline.at = \"{text}\": expected a UTC date such as \"2026-03-23\" or an offset from the start such as \"81d\""
            ),
        ));
    };
    let key = i128::from(t);
    if t == 0 {
        return Ok((Moment::InForce, key));
    }
    if t >= sc.duration {
        return Ok((Moment::NotReached, key));
    }
    if !t.is_multiple_of(sc.epoch) {
        let lo = t / sc.epoch * sc.epoch;
        return Err(c.err(
            at.span(),
            format!(
                "changes apply between epochs: timeline.at = \"{text}\" falls inside an epoch (epoch {}); the nearest epoch boundaries are {} and {}",
                span_label(sc.epoch),
                moment(lo, sc.start),
                moment(lo + sc.epoch, sc.start)
            ),
        ));
    }
    Ok((
        Moment::During(
            t,
            sc.start
                .map(|s| s.plus_hours(crate::base::time::to_hours(t))),
        ),
        key,
    ))
}

/// Applies `e`'s changes to `doc` and validates the scenario it then describes; an error
/// is reported at the value that caused it (or at `set` when only the changes together fail).
fn segment(
    c: &Check,
    doc: &mut DocumentMut,
    e: &RawTimelineEntry,
    validate_segment: Segment,
) -> Res<Scenario> {
    let set = e.set.get();
    let before = doc.clone();
    for (path, value) in set {
        apply(c, doc, path, value)?;
    }
    let error = match validate_segment(&doc.to_string(), c.loc.file) {
        Ok(sc) => return Ok(sc),
        Err(error) => error,
    };
    let inner = inner_message(&error);
    for (path, value) in set {
        let mut alone = before.clone();
        apply(c, &mut alone, path, value)?;
        if validate_segment(&alone.to_string(), c.loc.file).is_err() {
            return Err(c.err(
                value.span(),
                format!("timeline ({}): `{path}`: {inner}", e.at.get()),
            ));
        }
    }
    Err(c.err(
        e.set.span(),
        format!("timeline ({}): these changes together: {inner}", e.at.get()),
    ))
}

/// Sets `path` to `value` in `doc`; an error at the value when the path does not exist.
fn apply(c: &Check, doc: &mut DocumentMut, path: &str, value: &Sp<SetValue>) -> Res<()> {
    let text = value.get().0.to_string();
    let parsed: toml_edit::Value = text.parse().map_err(|_| {
        c.err(
            value.span(),
            format!("timeline: `{path}`: not a TOML value"),
        )
    })?;
    set_path(doc, path, parsed).map_err(|m| c.err(value.span(), format!("timeline: {m}")))
}

/// The message of a validation error without its file:line:col (which points into the
/// edited document, not the file).
fn inner_message(e: &ScenarioError) -> String {
    match e {
        ScenarioError::Invalid { message, .. } => message.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
