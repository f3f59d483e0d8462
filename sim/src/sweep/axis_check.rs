//! One axis checked (`[[axes]]`, a study's sensitivity parameters): a dotted path, a
//! name, values or a range that fits the design, and its extreme values tried on the
//! base scenario, each error at its value's span as `file:line:col`.

use std::ops::Range;

use super::axis::{Axis, Domain};
use super::design_kind::DesignKind;
use crate::input::error::Locator;
use crate::input::spanned::Sp;
use crate::scenario::Scenario;
use crate::scenario::ScenarioError as SweepError;
use crate::sweep::raw::RawAxis;

type Res<T> = Result<T, SweepError>;

/// A count >= 1, else an error at it saying what was `expected`.
pub(super) fn positive(loc: &Locator, v: &Sp<i64>, expected: &str) -> Res<usize> {
    match usize::try_from(*v.get()) {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(loc.error(v.span(), format!("expected {expected}"))),
    }
}

pub(super) fn axis(loc: &Locator, sp: &Sp<RawAxis>, design: DesignKind) -> Res<Axis> {
    let a = sp.get();
    let path = a.path.get().trim().to_string();
    if path.is_empty() || path.split('.').any(str::is_empty) {
        return Err(loc.error(
            a.path.span(),
            "expected a dotted path such as market.take_rate",
        ));
    }
    let name = match &a.name {
        Some(n) if n.get().trim().is_empty() => {
            return Err(loc.error(n.span(), "expected a non-empty axis name"));
        }
        Some(n) => n.get().trim().to_string(),
        None => path.clone(),
    };
    let domain = match (&a.values, &a.min, &a.max) {
        (Some(values), None, None) => {
            if values.get().is_empty() {
                return Err(loc.error(values.span(), "expected at least one value"));
            }
            if a.steps.is_some() || a.unit.is_some() || a.log || a.integer {
                return Err(loc.error(
                    values.span(),
                    "steps, unit, log and integer apply to ranges (min, max), not to values",
                ));
            }
            Domain::Values(values.get().iter().map(|v| v.get().clone()).collect())
        }
        (None, Some(min), Some(max)) => range(loc, a, min, max, design)?,
        _ => {
            return Err(loc.error(
                sp.span(),
                "expected either values = [...] or a range: min = .., max = ..",
            ));
        }
    };
    let mut also = Vec::new();
    for a in &a.also {
        let p = a.get().trim().to_string();
        if p.is_empty() || p.split('.').any(str::is_empty) {
            return Err(loc.error(a.span(), "expected a dotted path such as market.take_rate"));
        }
        also.push(p);
    }
    Ok(Axis {
        name,
        path,
        also,
        domain,
    })
}

fn range(
    loc: &Locator,
    a: &RawAxis,
    min: &Sp<f64>,
    max: &Sp<f64>,
    design: DesignKind,
) -> Res<Domain> {
    let (lo, hi) = (*min.get(), *max.get());
    if !lo.is_finite() {
        return Err(loc.error(min.span(), "expected a finite min"));
    }
    if !hi.is_finite() || hi < lo {
        return Err(loc.error(max.span(), "expected a finite max >= min"));
    }
    if a.log && lo <= 0.0 {
        return Err(loc.error(min.span(), "expected min > 0 for a log range"));
    }
    let steps = match (&a.steps, design) {
        (Some(v), DesignKind::Grid) => Some(positive(loc, v, "steps >= 1")?),
        (None, DesignKind::Grid) => {
            return Err(loc.error(min.span(), "a range in a grid design needs steps = N"));
        }
        (Some(v), _) => {
            return Err(loc.error(
                v.span(),
                "steps applies to grid designs (samples sets the count)",
            ));
        }
        (None, _) => None,
    };
    let unit = match &a.unit {
        None => None,
        Some(u) => {
            if crate::base::time::parse_duration_secs(&format!("1{}", u.get())).is_err() {
                return Err(loc.error(
                    u.span(),
                    "expected a duration unit: ms, s, m, h, d, w, mo or y",
                ));
            }
            Some(u.get().clone())
        }
    };
    Ok(Domain::Range {
        min: lo,
        max: hi,
        steps,
        log: a.log,
        integer: a.integer,
        unit,
    })
}

/// Applies the axis's extreme values to the base scenario and validates the result.
pub(super) fn try_on_base(
    loc: &Locator,
    raw: &RawAxis,
    axis: &Axis,
    base_text: &str,
    base_file: &str,
    set: &[String],
) -> Res<()> {
    let tries: Vec<(Range<usize>, String)> = match (&axis.domain, &raw.values) {
        (Domain::Values(values), Some(sp)) => values
            .iter()
            .zip(sp.get())
            .map(|(v, s)| (s.span(), v.to_string()))
            .collect(),
        (Domain::Range { .. }, _) => {
            let ends = [(raw.min.as_ref(), 0.0), (raw.max.as_ref(), 1.0)];
            ends.into_iter()
                .filter_map(|(sp, u)| {
                    sp.map(|sp| (sp.span(), crate::sweep::axis::value_at(axis, u).text))
                })
                .collect()
        }
        _ => Vec::new(),
    };
    for (span, text) in tries {
        let mut overrides = set.to_vec();
        overrides.push(format!("{}={}", axis.path, text));
        overrides.extend(axis.also.iter().map(|a| format!("{a}={text}")));
        Scenario::parse(base_text, base_file, &overrides).map_err(|e| {
            let misspelt = e.to_string().contains("unknown field");
            let at = if misspelt || matches!(e, crate::scenario::ScenarioError::Override { .. }) {
                raw.path.span()
            } else {
                span
            };
            loc.error(
                at,
                format!(
                    "`{}={}` does not apply to the base scenario: {e}",
                    axis.path, text
                ),
            )
        })?;
    }
    Ok(())
}
