//! A world's cloud venue: a (cloud, tier) row of cloud_prices.csv, its capacity, its
//! dated price changes, a dated price path on some GPU models (a rental index read from
//! a CSV file) and, for a marketplace tier, its hosts' failures.

use super::observed::{base_dir, builtin_of};
use crate::base::calendar::Instant;
use crate::base::time::{SimTime, from_secs};
use crate::data::catalog::{TIERS, is_marketplace_tier};
use crate::data::series::{Period, Row, SeriesError, csv_with_header, field_column};
use crate::input::check::{Check, Res};
use crate::input::error::ScenarioError;
use crate::input::raw::{RawPricePath, RawVenue};
use crate::input::spanned::Sp;
use crate::parts::cloud::{CloudVenue, HostFailures, PriceChange, PricePath};
use crate::scenario::Scenario;

/// GPU models a price path applies to when `gpus` is absent.
pub const DEFAULT_PATH_GPUS: [&str; 2] = ["H100-SXM", "H100-PCIe"];

/// A cloud venue: a row of cloud_prices.csv, its capacity, its dated price changes and
/// path, and its hosts' failures.
pub(super) fn cloud(
    c: &Check,
    v: &RawVenue,
    key: &Sp<String>,
    world: &Scenario,
) -> Res<CloudVenue> {
    let name = v.name.get();
    if !v.set.is_empty() {
        return Err(c.err(
            v.name.span(),
            format!("venue `{name}`: `set` is for networks"),
        ));
    }
    let (cloud, offering) = key
        .get()
        .split_once(':')
        .unwrap_or((key.get().as_str(), super::cloud::DEFAULT_OFFERING));
    if !c
        .catalog
        .cloud_prices
        .iter()
        .any(|p| p.cloud == cloud && p.offering == offering)
    {
        let tiers: Vec<&str> = c
            .catalog
            .cloud_prices
            .iter()
            .filter(|p| p.cloud == cloud)
            .map(|p| p.offering.as_str())
            .fold(Vec::new(), |mut l, t| {
                if !l.contains(&t) {
                    l.push(t);
                }
                l
            });
        return Err(c.err(
            key.span(),
            format!(
                "venue `{name}`: no cloud `{cloud}` with tier `{offering}` in cloud_prices.csv; expected \"cloud:tier\" with one of its tiers {tiers:?}"
            ),
        ));
    }
    let spec = super::cloud::priced(c, cloud, offering);
    let capacity_gpus = match &v.capacity_gpus {
        Some(n) => Some(c.check(n, |x| x > 0, "capacity_gpus > 0")?),
        None => None,
    };
    if v.mtbf_factor.is_some() {
        return Err(c.err(
            v.name.span(),
            format!("venue `{name}`: `mtbf_factor` is for networks (a cloud's hosts fail only through `host_mtbf`)"),
        ));
    }
    let price_factor = match &v.price_factor {
        Some(f) => c.check(f, |x| x.is_finite() && x > 0.0, "price_factor > 0")?,
        None => 1.0,
    };
    Ok(CloudVenue {
        spec,
        capacity_gpus,
        price_factor,
        price_changes: price_changes(c, v, world)?,
        price_path: match &v.price_path {
            Some(p) => Some(Box::new(price_path(c, name, p, world)?)),
            None => None,
        },
        host_failures: host_failures(c, v, offering)?,
    })
}

/// `host_mtbf`: only on a marketplace tier (community, interruptible).
fn host_failures(c: &Check, v: &RawVenue, tier: &str) -> Res<Option<HostFailures>> {
    let Some(m) = &v.host_mtbf else {
        return Ok(None);
    };
    if !is_marketplace_tier(tier) {
        let meaning = TIERS
            .iter()
            .find(|(t, _)| *t == tier)
            .map_or("", |(_, m)| *m);
        return Err(c.err(
            m.span(),
            format!(
                "venue `{}`: `host_mtbf` is for marketplace tiers (community, interruptible); tier `{tier}` is {meaning}",
                v.name.get()
            ),
        ));
    }
    Ok(Some(HostFailures {
        mtbf: c.duration(m, false, "host_mtbf")?,
    }))
}

/// When a dated value takes effect: a time since the start ("180d"), or a date (which
/// needs `[scenario] start` and must not be before it) [µs since start].
fn at_time(c: &Check, at: &Sp<String>, what: &str, world: &Scenario) -> Res<SimTime> {
    if let Ok(s) = crate::base::time::parse_duration_secs(at.get()) {
        return Ok(from_secs(s));
    }
    let date = c.date(
        at,
        &format!("{what} (a date or a time since the start such as \"180d\")"),
    )?;
    let Some(start) = world.start else {
        return Err(c.err(
            at.span(),
            format!("{what}: a date needs `[scenario] start`"),
        ));
    };
    let hours = date.hours_since(start);
    if hours < 0.0 {
        return Err(c.err(at.span(), format!("{what}: before the world's start")));
    }
    Ok(from_secs(hours * 3600.0))
}

/// A cloud venue's `price_changes`: each at a time since the start or a date, in time
/// order, by a factor > 0.
fn price_changes(c: &Check, v: &RawVenue, world: &Scenario) -> Res<Vec<PriceChange>> {
    let mut price_changes: Vec<PriceChange> = Vec::new();
    for p in &v.price_changes {
        let p = p.get();
        let at = at_time(c, &p.at, "price_changes.at", world)?;
        if price_changes.last().is_some_and(|l| l.at > at) {
            return Err(c.err(p.at.span(), "price_changes: expected dates in time order"));
        }
        let factor = c.check(&p.factor, |f| f.is_finite() && f > 0.0, "factor > 0")?;
        price_changes.push(PriceChange {
            at,
            factor,
            source: p.source.clone().unwrap_or_else(|| "scenario".into()),
            note: p.note.clone(),
        });
    }
    Ok(price_changes)
}

/// A venue's `price_path`: its file read (rows of `kinds` only), each point's value
/// over the value in force on `anchor` (a point at or before it must exist); the factor
/// at the start is the last point's at or before it (before the first point, the first
/// point's); points at or after the end are dropped.
fn price_path(c: &Check, venue: &str, raw: &Sp<RawPricePath>, world: &Scenario) -> Res<PricePath> {
    let p = raw.get();
    let Some(start) = world.start else {
        return Err(c.err(
            raw.span(),
            "price_path: needs `[scenario] start` (its points are dated)",
        ));
    };
    let anchor = c.date(&p.anchor, "price_path.anchor")?;
    let mut gpus = vec![false; c.catalog.gpus.len()];
    match &p.gpus {
        Some(list) => {
            for g in list.get() {
                gpus[c.gpu(g)? as usize] = true;
            }
        }
        None => {
            for g in DEFAULT_PATH_GPUS {
                gpus[c.gpu_at(g, raw.span())? as usize] = true;
            }
        }
    }
    let (shown, text) = path_text(c, &p.file)?;
    let points = read_points(c, p, &shown, &text).map_err(|e| match e {
        PathError::Scenario(e) => e,
        PathError::File { line, col, message } => {
            let (at_line, at_col) = c.loc.line_col(p.file.span().start);
            ScenarioError::Invalid {
                file: shown.clone(),
                line,
                col,
                message: format!(
                    "price_path of venue `{venue}`: {message}\n  {}:{at_line}:{at_col}: the price_path file key naming it",
                    c.loc.file
                ),
            }
        }
    })?;
    let in_force = |t: Instant| points.iter().rev().find(|(d, _)| *d <= t).map(|(_, v)| *v);
    let Some(base) = in_force(anchor) else {
        return Err(c.err(
            p.anchor.span(),
            format!(
                "price_path.anchor: {shown} has no point at or before {} (of the kinds kept)",
                p.anchor.get()
            ),
        ));
    };
    let initial = in_force(start).unwrap_or(points[0].1) / base;
    let horizon_h = crate::base::time::to_hours(world.duration);
    let later = points
        .iter()
        .map(|(d, v)| (d.hours_since(start), v / base))
        .filter(|(h, _)| *h > 0.0 && *h < horizon_h)
        .map(|(h, f)| (from_secs(h * 3600.0), f))
        .collect();
    Ok(PricePath {
        gpus,
        initial,
        points: later,
        source: shown,
    })
}

/// The path file's name as shown in errors and its text: embedded beside a built-in
/// world, else read relative to the scenario.
fn path_text(c: &Check, file: &Sp<String>) -> Res<(String, String)> {
    let name = file.get();
    if let Some(builtin) = builtin_of(c.loc.file) {
        let key = crate::scenario::embedded_key(builtin, name);
        return match crate::scenario::embedded_series(&key) {
            Some(text) => Ok((format!("scenarios/{key}"), text.to_string())),
            None => Err(c.err(
                file.span(),
                format!("price_path file `{name}` is not embedded with built-in scenario `{builtin}` (only scenarios/history/data/*.csv are)"),
            )),
        };
    }
    let path = base_dir(c.loc.file).join(name);
    let text = std::fs::read_to_string(&path).map_err(|e| {
        c.err(
            file.span(),
            format!("price_path file {}: {e}", path.display()),
        )
    })?;
    Ok((path.display().to_string(), text))
}

/// Why a path file's points could not be read.
enum PathError {
    /// At a key of the scenario (a missing column).
    Scenario(ScenarioError),
    /// At a place in the file.
    File {
        line: usize,
        col: usize,
        message: String,
    },
}

impl From<SeriesError> for PathError {
    fn from(e: SeriesError) -> PathError {
        match e {
            SeriesError::At { line, col, message } => PathError::File { line, col, message },
            SeriesError::MissingColumn { column, found } => PathError::File {
                line: 1,
                col: 1,
                message: format!("no column `{column}`; its columns are {found:?}"),
            },
        }
    }
}

/// The file's (date, value) points of the kinds kept, in date order; a value must be
/// > 0 (it divides); a missing column is an error at the key that names it.
fn read_points(
    c: &Check,
    p: &RawPricePath,
    shown: &str,
    text: &str,
) -> Result<Vec<(Instant, f64)>, PathError> {
    let (mut reader, header) = csv_with_header(text).map_err(|e| SeriesError::At {
        line: 1,
        col: 1,
        message: e.to_string(),
    })?;
    let column = |name: &str, span: std::ops::Range<usize>| -> Result<usize, PathError> {
        header.iter().position(|h| h == name).ok_or_else(|| {
            PathError::Scenario(c.err(
                span,
                format!("{shown} has no column `{name}`; its columns are {header:?}"),
            ))
        })
    };
    let named = |key: &Option<Sp<String>>, default: &'static str| match key {
        Some(k) => (k.get().clone(), k.span()),
        None => (default.to_string(), p.file.span()),
    };
    let (date_name, date_span) = named(&p.date_column, "date");
    let (value_name, value_span) = named(&p.column, "usd_per_gpu_hour");
    let (d, v) = (
        column(&date_name, date_span)?,
        column(&value_name, value_span)?,
    );
    let kind = match &p.kinds {
        Some(k) => Some((column("kind", k.span())?, k.get())),
        None => None,
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| SeriesError::At {
            line: e.position().map_or(1, |p| p.line() as usize),
            col: 1,
            message: crate::data::series::csv_error_message(&e),
        })?;
        if kind.is_some_and(|(k, kinds)| !kinds.iter().any(|x| x == record[k].trim())) {
            continue;
        }
        let line = record.position().map_or(1, |p| p.line() as usize);
        let line_text = record
            .position()
            .and_then(|p| text[p.byte() as usize..].lines().next())
            .unwrap_or("");
        let value = record[v].trim().replace(',', "");
        if value.parse::<f64>().is_ok_and(|x| x <= 0.0) {
            return Err(PathError::File {
                line,
                col: field_column(line_text, v),
                message: format!("expected a value > 0 (it divides), found {value:?}"),
            });
        }
        rows.push(Row {
            line,
            date_col: field_column(line_text, d),
            date: record[d].to_string(),
            value_col: field_column(line_text, v),
            value: record[v].to_string(),
        });
    }
    let points = crate::data::series::points_from_rows(rows, Period::Day)?;
    if points.is_empty() {
        return Err(PathError::File {
            line: 1,
            col: 1,
            message: "expected at least one point (of the kinds kept)".into(),
        });
    }
    Ok(points.into_iter().map(|pt| (pt.date, pt.value)).collect())
}
