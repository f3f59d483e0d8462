//! Raw sweep file -> [`Sweep`], each error at its value's span as `file:line:col`. Every
//! axis is tried on the base scenario (its first value, or both ends of its range), so a
//! misspelt path or an out-of-range value fails here, before any run starts.

use std::ops::Range;
use std::path::Path;

use super::spec::{Axis, DesignKind, Domain, Keep, Sweep, SweepError, resolve_base};
use crate::input::error::Locator;
use crate::input::spanned::Sp;
use crate::scenario::Scenario;
use crate::sweep::raw::{RawAxis, RawSweep, RawSweepFile};

type Res<T> = Result<T, SweepError>;

pub(super) fn validate(src: &str, file: &str, dir: &Path) -> Res<Sweep> {
    let loc = Locator { file, src };
    let raw: RawSweepFile = toml::from_str(src).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        loc.error(span, e.message().trim_end().to_string())
    })?;
    let s = raw.sweep.get();
    let name = s.name.get().trim().to_string();
    if name.is_empty() {
        return Err(loc.error(s.name.span(), "expected a non-empty sweep name"));
    }
    let base = base(&loc, s, dir)?;
    let set: Vec<String> = s.set.iter().map(|v| v.get().clone()).collect();
    let (design, samples) = design(&loc, &raw.sweep)?;
    let replicates = match &s.replicates {
        None => 1,
        Some(v) => positive(&loc, v, "replicates >= 1")?,
    };
    let seed = match &s.seed {
        None => 1,
        Some(v) if *v.get() >= 0 => *v.get() as u64,
        Some(v) => return Err(loc.error(v.span(), "expected seed >= 0")),
    };
    let keep = keep(&loc, &s.keep)?;
    Scenario::parse(&base.text, &base.file, &set).map_err(|e| {
        let span = s.set.first().map_or(s.base.span(), |v| v.span());
        loc.error(
            span,
            format!("the base scenario with `set` is not valid: {e}"),
        )
    })?;
    let axes = axes(&loc, &raw.axes, design, &base, &set)?;
    let study = match &raw.study {
        None => None,
        Some(sp) => Some(crate::sweep::study::validate(
            &loc,
            sp,
            design,
            (&base.text, &base.file),
            &set,
        )?),
    };
    Ok(Sweep {
        name,
        file: file.to_string(),
        base: base.path,
        base_text: base.text,
        set,
        design,
        samples,
        replicates,
        seed,
        keep,
        axes,
        study,
    })
}

/// The base scenario: where it is, its text, and the name its errors give.
struct Base {
    path: String,
    text: String,
    file: String,
}

/// Reads the base scenario: a file relative to the sweep file, else a built-in name.
fn base(loc: &Locator, s: &RawSweep, dir: &Path) -> Res<Base> {
    let (path, builtin) = resolve_base(s.base.get(), dir);
    let text = match builtin {
        Some(text) => text.to_string(),
        None => std::fs::read_to_string(&path).map_err(|e| {
            loc.error(
                s.base.span(),
                format!(
                    "cannot read base scenario `{path}` ({e}); expected a file (relative to the sweep file) or a built-in name"
                ),
            )
        })?,
    };
    let file = if builtin.is_some() {
        format!("<built-in {path}>")
    } else {
        path.clone()
    };
    Ok(Base { path, text, file })
}

/// The design and its number of samples (1 for a grid, required for the others).
fn design(loc: &Locator, sweep: &Sp<RawSweep>) -> Res<(DesignKind, usize)> {
    let s = sweep.get();
    let design = match &s.design {
        None => DesignKind::Grid,
        Some(d) => DesignKind::from_name(d.get()).ok_or_else(|| {
            loc.error(
                d.span(),
                "expected design = \"grid\", \"random\" or \"lhs\"",
            )
        })?,
    };
    let samples = match (&s.samples, design) {
        (None, DesignKind::Grid) => 1,
        (Some(v), DesignKind::Grid) => {
            return Err(loc.error(v.span(), "samples applies to random and lhs designs only"));
        }
        (None, _) => {
            return Err(loc.error(
                sweep.span(),
                "expected samples = N (points to draw) for a random or lhs design",
            ));
        }
        (Some(v), _) => positive(loc, v, "samples >= 1")?,
    };
    Ok((design, samples))
}

/// The axes, each with a distinct name and tried on the base scenario.
fn axes(
    loc: &Locator,
    raw: &[Sp<RawAxis>],
    design: DesignKind,
    base: &Base,
    set: &[String],
) -> Res<Vec<Axis>> {
    let mut axes: Vec<Axis> = Vec::with_capacity(raw.len());
    for raw_axis in raw {
        let axis = axis(loc, raw_axis, design)?;
        if let Some(other) = axes.iter().find(|a| a.name == axis.name) {
            return Err(loc.error(
                raw_axis.get().path.span(),
                format!(
                    "axis name `{}` is used twice (set `name` to tell them apart)",
                    other.name
                ),
            ));
        }
        try_on_base(loc, raw_axis.get(), &axis, &base.text, &base.file, set)?;
        axes.push(axis);
    }
    Ok(axes)
}

fn positive(loc: &Locator, v: &Sp<i64>, expected: &str) -> Res<usize> {
    match usize::try_from(*v.get()) {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(loc.error(v.span(), format!("expected {expected}"))),
    }
}

fn keep(loc: &Locator, raw: &Option<Sp<Vec<Sp<String>>>>) -> Res<Keep> {
    let Some(list) = raw else {
        return Ok(Keep::default());
    };
    let mut keep = Keep {
        epochs: false,
        providers: false,
        jobs: false,
        venues: false,
    };
    for item in list.get() {
        match item.get().as_str() {
            "summary" => {}
            "epochs" => keep.epochs = true,
            "providers" => keep.providers = true,
            "jobs" => keep.jobs = true,
            "venues" => keep.venues = true,
            other => {
                return Err(loc.error(
                    item.span(),
                    format!(
                        "unknown output `{other}`: expected summary, epochs, providers, jobs or venues"
                    ),
                ));
            }
        }
    }
    Ok(keep)
}

fn axis(loc: &Locator, sp: &Sp<RawAxis>, design: DesignKind) -> Res<Axis> {
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
fn try_on_base(
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
                    sp.map(|sp| (sp.span(), crate::sweep::design::value_at(axis, u).text))
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
