//! Raw scenario -> validated [`Scenario`]: ranges, names and cross-references, each
//! error at the position of the offending value. One file per section; each mechanism
//! and token part validates its own parameters (`from_raw` beside its type).

mod calibration;
mod claims;
mod cloud;
mod cloud_venue;
mod cohort;
mod market;
mod observed;
mod timeline;
mod token;
mod trace;
mod workload;
mod world;

use crate::base::time::{DAY, SimTime};
use crate::data::catalog::{Catalog, GpuId};
use crate::input::check::{Check, Res};
use crate::input::error::{Locator, ScenarioError};
use crate::input::overrides::apply_overrides;
use crate::input::raw::{RawMeta, RawScenario, RawWorkload};
use crate::input::spanned::Sp;
use crate::parts::cohort::Cohort;
use crate::scenario::{Scenario, Workload};

/// Applies `overrides` to `text` and validates the result; `file` names it in errors
/// (with " (with --set)" when there are overrides).
pub(super) fn parse_with(
    text: &str,
    file: &str,
    overrides: &[String],
) -> Result<Scenario, ScenarioError> {
    let edited = apply_overrides(text, overrides)?;
    let file = if overrides.is_empty() {
        file.to_string()
    } else {
        format!("{file} (with --set)")
    };
    validate(&edited, &file)
}

/// Accounting epoch when `scenario.epoch` is absent [µs].
pub const DEFAULT_EPOCH: SimTime = DAY;
/// Master seed when `scenario.seed` is absent.
pub const DEFAULT_SEED: u64 = 1;
/// GPU model job sizes are measured on when `scenario.reference_gpu` is absent.
pub const DEFAULT_REFERENCE_GPU: &str = "A100-80G";

/// Parses and validates `src`, its `[[timeline]]` included.
pub fn validate(src: &str, file: &str) -> Res<Scenario> {
    let loc = Locator { file, src };
    let mut raw = parse(loc)?;
    let entries = raw.timeline.take();
    let c = Check {
        loc,
        catalog: Catalog::embedded(),
    };
    let mut sc = scenario(&c, raw)?;
    if let Some(entries) = entries {
        if sc.world.is_some()
            && let Some(first) = entries.first()
        {
            return Err(c.err(
                first.span(),
                "a world has no [[timeline]] of its own: its networks' scenarios keep theirs, and a cloud venue's `price_changes` date its price changes",
            ));
        }
        let timeline = timeline::timeline(&c, &entries, &sc, segment)?;
        if let Some((market, token)) = timeline.at_start {
            sc.market = market;
            sc.token = token;
        }
        sc.timeline = timeline.changes;
    }
    Ok(sc)
}

/// Parses and validates `src` as one segment of a run with a timeline: the scenario as it
/// reads with the changes so far applied (and its `[[timeline]]` removed).
fn segment(src: &str, file: &str) -> Res<Scenario> {
    let loc = Locator { file, src };
    let raw = parse(loc)?;
    let c = Check {
        loc,
        catalog: Catalog::embedded(),
    };
    scenario(&c, raw)
}

/// The raw scenario of `loc.src`; a syntax or type error at its position.
fn parse(loc: Locator) -> Res<RawScenario> {
    toml::from_str(loc.src).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        loc.error(span, e.message().trim_end().to_string())
    })
}

/// The whole scenario, section by section (the order decides which error comes first).
fn scenario(c: &Check, raw: RawScenario) -> Res<Scenario> {
    let meta = &raw.scenario;
    let (duration, epoch) = horizon(c, meta)?;
    let start = match &meta.start {
        Some(d) => Some(c.date(d, "scenario.start")?),
        None => None,
    };
    let reference_gpu = reference_gpu(c, meta)?;
    let fleet_fraction = fleet_fraction(c, meta)?;
    let cloud = cloud::cloud(c, raw.cloud.as_ref())?;
    let throughput = calibration::throughput(c, raw.calibration.as_ref())?;
    no_market_in_a_world(c, &raw)?;
    let market = market::market(c, raw.market.as_ref())?;
    let mut token = token::token(c, raw.token.as_ref(), market.take_rate, start)?;
    token.sample_of_network(fleet_fraction);
    let is_world = raw.venues.is_some();
    let cohorts = if is_world {
        Vec::new()
    } else {
        cohorts(c, &raw.providers, epoch)?
    };
    let sections = workload::Sections {
        reference_gpu,
        cloud: &cloud,
        cohorts: &cohorts,
        market: &market,
        duration,
        start,
        catalog: c.catalog,
        throughput: &throughput,
        world: is_world,
    };
    let workloads = workloads(c, &raw.workloads, &sections)?;
    let claims = match &raw.claims {
        Some(list) => list
            .iter()
            .map(|k| claims::claim(c, k, &cohorts))
            .collect::<Res<Vec<_>>>()?,
        None => Vec::new(),
    };
    let verification = match &raw.verification {
        Some(v) => Some(claims::verification(c, v)?),
        None => None,
    };
    let observed = match &raw.observed {
        Some(list) => observed::observed(c, list, start.is_some(), raw.backtest.as_ref())?,
        None => match &raw.backtest {
            Some(b) => return Err(c.err(b.span(), "[backtest] needs [[observed]] series to split")),
            None => Vec::new(),
        },
    };
    let mut sc = Scenario {
        world: None,
        observed,
        verification,
        claims,
        name: meta.name.get().clone(),
        description: meta.description.clone().unwrap_or_default(),
        duration,
        epoch,
        start,
        seed: meta.seed.unwrap_or(DEFAULT_SEED),
        fleet_fraction,
        reference_gpu,
        catalog: c.catalog.clone(),
        throughput,
        market,
        cloud,
        token,
        cohorts,
        workloads,
        timeline: Vec::new(),
    };
    if is_world {
        sc.world = Some(std::sync::Arc::new(world::world(c, &raw, &sc, parse_with)?));
    }
    Ok(sc)
}

/// The part of the real network the scenario stands for: `scenario.fleet_fraction`
/// (finite, > 0), else 1.
fn fleet_fraction(c: &Check, meta: &RawMeta) -> Res<f64> {
    match &meta.fleet_fraction {
        Some(f) => c.check(
            f,
            |x| x.is_finite() && x > 0.0,
            "scenario.fleet_fraction > 0 (1: the whole network)",
        ),
        None => Ok(1.0),
    }
}

/// The GPU model job sizes are measured on: `scenario.reference_gpu`, else
/// [`DEFAULT_REFERENCE_GPU`].
fn reference_gpu(c: &Check, meta: &RawMeta) -> Res<GpuId> {
    Ok(match &meta.reference_gpu {
        Some(g) => c.gpu(g)?,
        None => c
            .catalog
            .gpu_id(DEFAULT_REFERENCE_GPU)
            .expect("the default reference GPU is in gpus.csv"),
    })
}

/// A world (`[[venues]]`) with a `[market]` of its own: an error at the market.
fn no_market_in_a_world(c: &Check, raw: &RawScenario) -> Res<()> {
    if raw.venues.is_some()
        && let Some(m) = &raw.market
    {
        return Err(c.err(
            m.span(),
            "a world has no [market] of its own: each network venue brings its scenario's",
        ));
    }
    Ok(())
}

/// The workloads: at least one, each checked against the sections it refers to.
fn workloads(
    c: &Check,
    raw: &Sp<Vec<RawWorkload>>,
    sections: &workload::Sections,
) -> Res<Vec<Workload>> {
    non_empty(c, raw, "expected at least one workload ([[workloads]])")?;
    raw.get()
        .iter()
        .map(|w| workload::workload(c, w, sections))
        .collect()
}

/// A non-empty name, the run's duration and its epoch [µs], no longer than the run.
fn horizon(c: &Check, meta: &RawMeta) -> Res<(SimTime, SimTime)> {
    if meta.name.get().trim().is_empty() {
        return Err(c.err(meta.name.span(), "expected a non-empty scenario name"));
    }
    let duration = c.duration(&meta.duration, false, "scenario.duration")?;
    let epoch = match &meta.epoch {
        Some(e) => c.duration(e, false, "scenario.epoch")?,
        None => DEFAULT_EPOCH,
    };
    if epoch > duration {
        let span = meta
            .epoch
            .as_ref()
            .map_or(meta.duration.span(), |e| e.span());
        return Err(c.err(
            span,
            "scenario.epoch must not be longer than scenario.duration",
        ));
    }
    Ok((duration, epoch))
}

/// The provider cohorts: at least one.
fn cohorts(
    c: &Check,
    raw: &Sp<Vec<crate::input::raw::RawCohort>>,
    epoch: SimTime,
) -> Res<Vec<Cohort>> {
    non_empty(
        c,
        raw,
        "expected at least one provider cohort ([[providers]])",
    )?;
    raw.get()
        .iter()
        .map(|k| cohort::cohort(c, k, epoch))
        .collect()
}

/// An error saying `msg` at `list` when it is empty.
fn non_empty<T>(c: &Check, list: &Sp<Vec<T>>, msg: &str) -> Res<()> {
    if list.get().is_empty() {
        return Err(c.err(list.span(), msg));
    }
    Ok(())
}
