//! `[[workloads]]`: a stream of jobs, its arrivals, sizes, accepted GPU models, price cap,
//! patience and tier, checked against the cohorts, the cloud and the market.

use std::ops::Range;
use std::sync::Arc;

use crate::base::calendar::Instant;
use crate::base::time::NEVER;
use crate::base::time::SimTime;
use crate::data::catalog::GpuId;
use crate::data::serving::{DEFAULT_CONTEXT_TOKENS, Serving};
use crate::data::throughput::JobKind;
use crate::data::trace::TraceArrivals;
use crate::input::check::{Check, Res};
use crate::input::raw::{RawArrivals, RawFallback, RawJobKind, RawWorkload};
use crate::input::spanned::Sp;
use crate::parts::cloud::CloudSpec;
use crate::parts::cohort::Cohort;
use crate::parts::market::Market;
use crate::parts::market::MarketSpec;
use crate::scenario::validate::trace::{TraceContext, trace};
use crate::scenario::{Fallback, MaxPrice, Workload};

/// Hour of day (UTC) of peak demand when `arrivals.peak_hour` is absent [h].
pub const DEFAULT_PEAK_HOUR: f64 = 15.0;
/// Interruptions tolerated when `max_restarts` is absent.
pub const DEFAULT_MAX_RESTARTS: u32 = 5;

/// Arrival process: rate at time 0, growth, daily cycle; or a trace (its mean rate over
/// the run, no growth, no cycle).
struct Arrivals {
    rate_per_hour: f64,
    growth_per_year: f64,
    diurnal_amplitude: f64,
    peak_hour: f64,
    trace: Option<Arc<TraceArrivals>>,
}

/// The sections of the scenario a workload refers to.
pub(super) struct Sections<'a> {
    /// GPU job sizes are measured on.
    pub reference_gpu: GpuId,
    /// The cloud baseline.
    pub cloud: &'a CloudSpec,
    /// The provider cohorts.
    pub cohorts: &'a [Cohort],
    /// The market.
    pub market: &'a MarketSpec,
    /// The run's duration [µs].
    pub duration: SimTime,
    /// `[scenario] start`.
    pub start: Option<Instant>,
    /// GPU specs, for serving throughput.
    pub catalog: &'a crate::data::catalog::Catalog,
    /// Effective throughputs and measured decode curves.
    pub throughput: &'a crate::data::throughput::Throughput,
    /// A world's demand: its venues' providers serve it, so no cohort is checked here.
    pub world: bool,
}

/// One workload, checked against the sections it refers to.
pub(super) fn workload(c: &Check, w: &RawWorkload, s: &Sections) -> Res<Workload> {
    let (reference_gpu, cloud, cohorts, market) = (s.reference_gpu, s.cloud, s.cohorts, s.market);
    let default_gpus = c.count_in(&w.gpus, 1, 1..=64, "gpus")? as u16;
    let (gpu_models, models_span) = gpu_models(c, w)?;
    let serving = serving(c, w)?;
    let a = arrivals(c, w, default_gpus, &gpu_models, serving, s)?;
    let gpus = a.trace.as_ref().map_or(default_gpus, |t| t.max_gpus());
    let size = size(c, w, a.trace.as_deref())?;
    if !s.world {
        servable(c, w, gpus, &gpu_models, models_span, cohorts, market)?;
    }
    let cloud_gpu = cloud_gpu(c, w, reference_gpu, cloud)?;
    let max_price = max_price(c, w)?;
    let patience = c.delay(&w.patience, NEVER, true, "patience")?;
    let checkpoint_interval = match &w.checkpoint_interval {
        Some(k) => Some(c.duration(k, false, "checkpoint_interval")?),
        None => None,
    };
    let tier = tier(c, w, &market.mechanism)?;
    Ok(Workload {
        name: w.name.get().clone(),
        kind: match w.kind {
            RawJobKind::Inference => JobKind::Inference,
            RawJobKind::Training => JobKind::Training,
            RawJobKind::Rendering => JobKind::Rendering,
            RawJobKind::Batch => JobKind::Batch,
        },
        rate_per_hour: a.rate_per_hour,
        growth_per_year: a.growth_per_year,
        diurnal_amplitude: a.diurnal_amplitude,
        peak_hour: a.peak_hour,
        trace: a.trace,
        size,
        gpus,
        gpu_models,
        cloud_gpu,
        max_price,
        patience,
        fallback: match w.fallback.unwrap_or(RawFallback::Drop) {
            RawFallback::Cloud => Fallback::Cloud,
            RawFallback::Drop => Fallback::Drop,
        },
        checkpoint_interval,
        max_restarts: w.max_restarts.unwrap_or(DEFAULT_MAX_RESTARTS),
        cloud_only_fraction: c.fraction(
            &w.cloud_only_fraction,
            0.0,
            0.0,
            1.0001,
            "cloud_only_fraction",
        )?,
        tier,
        serving,
    })
}

/// `serving`: inference workloads only; batch in 1..=4096, context in 1..=1,000,000.
fn serving(c: &Check, w: &RawWorkload) -> Res<Option<Serving>> {
    let Some(raw) = &w.serving else {
        return Ok(None);
    };
    if w.kind != RawJobKind::Inference {
        return Err(c.err(
            raw.span(),
            "serving applies to inference workloads only (kind = \"inference\")",
        ));
    }
    let s = raw.get();
    Ok(Some(Serving {
        batch: c.count_in(&s.batch, 1, 1..=4096, "serving.batch")?,
        context_tokens: c.count_in(
            &s.context_tokens,
            DEFAULT_CONTEXT_TOKENS,
            1..=1_000_000,
            "serving.context_tokens",
        )?,
    }))
}

/// Poisson arrivals (rate, growth, cycle) or a trace: exactly one.
fn arrivals(
    c: &Check,
    w: &RawWorkload,
    gpus: u16,
    gpu_models: &[GpuId],
    serving: Option<Serving>,
    s: &Sections,
) -> Res<Arrivals> {
    let a = w.arrivals.get();
    let Some(t) = &a.trace else {
        return poisson(c, &w.arrivals);
    };
    let poisson_keys = [
        a.rate_per_hour.as_ref(),
        a.growth_per_year.as_ref(),
        a.diurnal_amplitude.as_ref(),
        a.peak_hour.as_ref(),
    ];
    if let Some(k) = poisson_keys.into_iter().flatten().next() {
        return Err(c.err(
            k.span(),
            "arrivals: a trace sets the arrivals itself; expected either trace or rate_per_hour (with growth_per_year, diurnal_amplitude, peak_hour), not both",
        ));
    }
    if let (Some(_), Some(g)) = (&t.get().gpus_column, &w.gpus) {
        return Err(c.err(
            g.span(),
            "gpus: the trace's gpus_column gives each job's GPUs; expected one of the two",
        ));
    }
    let cx = TraceContext {
        workload: w.name.get(),
        gpus,
        start: s.start,
        gpu_models,
        default_rates: serving.map(|sv| {
            crate::data::serving::reference_rates(s.catalog, s.throughput, s.reference_gpu, sv)
        }),
    };
    let trace = trace(c, t, &cx)?;
    Ok(Arrivals {
        rate_per_hour: trace.mean_rate_per_hour(s.duration),
        growth_per_year: 0.0,
        diurnal_amplitude: 0.0,
        peak_hour: DEFAULT_PEAK_HOUR,
        trace: Some(Arc::new(trace)),
    })
}

/// The size distribution [s]; `None` when the trace gives each job's size.
fn size(
    c: &Check,
    w: &RawWorkload,
    trace: Option<&TraceArrivals>,
) -> Res<Option<crate::data::dist::Dist>> {
    let from_trace = trace.is_some_and(|t| t.rows[0].size_ref_s.is_some());
    match (&w.size, from_trace) {
        (Some(d), false) => Ok(Some(c.dist_secs(d, "size")?)),
        (None, true) => Ok(None),
        (Some(d), true) => Err(c.err(
            d.span(),
            "size: the trace gives each job's size (size_column or tokens columns); expected no size key",
        )),
        (None, false) => Err(c.err(
            w.name.span(),
            "missing field `size`: expected a job size distribution, e.g. size = { dist = \"lognormal\", median = \"2h\", sigma = 1.0 } (or a trace with size_column or tokens columns)",
        )),
    }
}

fn poisson(c: &Check, arrivals: &Sp<RawArrivals>) -> Res<Arrivals> {
    let a = arrivals.get();
    let Some(rate) = &a.rate_per_hour else {
        return Err(c.err(
            arrivals.span(),
            "arrivals: expected rate_per_hour (Poisson arrivals) or trace (a demand trace)",
        ));
    };
    Ok(Arrivals {
        trace: None,
        rate_per_hour: c.check(
            rate,
            |x| x.is_finite() && x > 0.0,
            "arrivals.rate_per_hour > 0 jobs per hour",
        )?,
        growth_per_year: c.fraction(
            &a.growth_per_year,
            0.0,
            -0.99,
            100.0,
            "arrivals.growth_per_year",
        )?,
        diurnal_amplitude: c.fraction(
            &a.diurnal_amplitude,
            0.0,
            0.0,
            1.0,
            "arrivals.diurnal_amplitude",
        )?,
        peak_hour: c.fraction(
            &a.peak_hour,
            DEFAULT_PEAK_HOUR,
            0.0,
            24.0,
            "arrivals.peak_hour",
        )?,
    })
}

/// The accepted GPU models (all when absent) and the span errors about them point at.
fn gpu_models(c: &Check, w: &RawWorkload) -> Res<(Vec<GpuId>, Range<usize>)> {
    let Some(list) = &w.gpu_models else {
        let all = (0..c.catalog.gpus.len() as GpuId).collect();
        return Ok((all, w.name.span()));
    };
    if list.get().is_empty() {
        return Err(c.err(
            list.span(),
            "gpu_models: expected at least one GPU model (or leave it out for any)",
        ));
    }
    let ids = list
        .get()
        .iter()
        .map(|k| c.gpu_at(k, list.span()))
        .collect::<Res<Vec<_>>>()?;
    Ok((ids, list.span()))
}

/// Some cohort can hold a job (on one host, or on up to `max_hosts` with clusters), and
/// a posted-price market lists one of its models.
fn servable(
    c: &Check,
    w: &RawWorkload,
    gpus: u16,
    gpu_models: &[GpuId],
    span: Range<usize>,
    cohorts: &[Cohort],
    market: &MarketSpec,
) -> Res<()> {
    let name = w.name.get();
    let host_limit = market.clusters.as_ref().map_or(1, |k| k.max_hosts);
    if !cohorts.iter().any(|k| {
        gpu_models.contains(&k.gpu)
            && k.gpus_per_provider as u32 * (k.count.min(host_limit as u32)) >= gpus as u32
    }) {
        return Err(c.err(
            span,
            if host_limit > 1 {
                format!("workload `{name}` needs {gpus} GPUs on at most {host_limit} hosts of one cohort, but no cohort offers that many of its GPU models")
            } else {
                format!("workload `{name}` needs {gpus} GPUs of one provider, but no cohort offers that many of its GPU models")
            },
        ));
    }
    if let Market::PostedPrice(p) = &market.mechanism
        && !gpu_models.iter().any(|g| p.prices[*g as usize].is_some())
    {
        return Err(c.err(
            span,
            format!("workload `{name}`: none of its GPU models has a posted price"),
        ));
    }
    Ok(())
}

/// The cloud GPU the consumer would otherwise rent: one the cloud prices.
fn cloud_gpu(c: &Check, w: &RawWorkload, reference_gpu: GpuId, cloud: &CloudSpec) -> Res<GpuId> {
    let (gpu, span) = match &w.cloud_gpu {
        Some(g) => (c.gpu(g)?, g.span()),
        None => (reference_gpu, w.name.span()),
    };
    if cloud.usd_per_gpu_hour[gpu as usize].is_none() {
        return Err(c.err(
            span,
            format!(
                "cloud GPU `{}` has no {} {} price in cloud_prices.csv; set cloud_gpu to one that has",
                c.catalog.gpu(gpu).gpu,
                cloud.name,
                cloud.offering
            ),
        ));
    }
    Ok(gpu)
}

/// Exactly one of the two caps, > 0.
fn max_price(c: &Check, w: &RawWorkload) -> Res<MaxPrice> {
    let mp = w.max_price.get();
    match (mp.usd_per_gpu_hour, mp.relative_to_cloud) {
        (Some(v), None) if v.is_finite() && v > 0.0 => Ok(MaxPrice::UsdPerGpuHour(v)),
        (None, Some(r)) if r.is_finite() && r > 0.0 => Ok(MaxPrice::RelativeToCloud(r)),
        _ => Err(c.err(
            w.max_price.span(),
            "max_price: expected exactly one of usd_per_gpu_hour or relative_to_cloud, > 0",
        )),
    }
}

/// Index of the workload's tier in the market's tiers (0 when it names none).
fn tier(c: &Check, w: &RawWorkload, market: &Market) -> Res<u8> {
    let tiers = market.tiers();
    let Some(name) = &w.tier else { return Ok(0) };
    if tiers.is_empty() {
        return Err(c.err(
            name.span(),
            "tier: this market has no tiers (set market.tiers with mechanism = \"posted_price\")",
        ));
    }
    let index = tiers.iter().position(|t| &t.name == name.get());
    index.map(|i| i as u8).ok_or_else(|| {
        let names: Vec<&str> = tiers.iter().map(|t| t.name.as_str()).collect();
        c.err(
            name.span(),
            format!(
                "unknown tier `{}`; expected one of: {}",
                name.get(),
                names.join(", ")
            ),
        )
    })
}
