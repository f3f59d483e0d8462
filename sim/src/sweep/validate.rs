//! Raw sweep file -> [`Sweep`], each error at its value's span as `file:line:col`. Every
//! axis is tried on the base scenario (its first value, or both ends of its range), so a
//! misspelt path or an out-of-range value fails here, before any run starts.

use std::path::Path;

use super::axis::Axis;
use super::axis_check::{axis, positive, try_on_base};
use super::spec::{DesignKind, Keep, Sweep, SweepError, resolve_base};
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
            (&set, super::design::count(design, samples, &axes)),
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
