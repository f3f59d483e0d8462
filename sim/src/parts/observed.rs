//! Backtests: a run compared with the published series it should reproduce
//! (`[[observed]]`).
//!
//! Each observed point stands for a calendar period (a month or a day) that starts on
//! the date it carries. The simulated value of a period comes from the run's epoch rows
//! (the `gpu_model = "all"` rows), mapped to dates from `[scenario] start`:
//!
//! - `sum` (flows): the flows of the epochs overlapping the period, an epoch straddling
//!   a period boundary split in proportion to time;
//! - `last` (levels): the level at the last epoch end within the period (at the period's
//!   end when an epoch ends there); a period no epoch ends in is not compared;
//! - `mean`: the time-weighted mean over the epochs overlapping the period (epochs whose
//!   value is NaN, such as utilization with nothing online, weigh nothing);
//! - `per_day`: `sum` divided by the days of the period the run covers (a published
//!   daily average);
//! - `cumulative`: the flows from the run's start to the period's end (a published
//!   running total, such as tokens burned since a date the run starts before no burn).
//!
//! A scenario may split its points into a fit span and a test span (`[backtest]
//! fit_until`): a point whose period starts before that instant is in the fit span,
//! any later one in the test span, and summary.json gives each series' figures for the
//! two spans separately.
//!
//! Only periods the run overlaps are compared, and a period the run covers in part is
//! compared as the part covered: a series whose first month is partial (io.net's June
//! 2024 starts on the 25th) compares like with like only if the run starts at the same
//! instant as the series.

use serde::Serialize;

use crate::base::calendar::{Instant, SECONDS_PER_DAY};
use crate::data::records::EpochRecord;

pub use crate::data::series::{
    ObservedData, ObservedPoint, Period, Row, SeriesError, parse_csv, points_from_rows,
};

/// How simulated epochs are combined over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregate {
    /// Flows over the period (epochs split in proportion to time).
    Sum,
    /// The level at the period's end (the last epoch end within it).
    Last,
    /// The time-weighted mean over the period.
    Mean,
    /// Flows over the period divided by its days covered (a daily average).
    PerDay,
    /// Flows from the run's start to the period's end (a running total).
    Cumulative,
}

impl Aggregate {
    /// The names accepted in `aggregate = ...`.
    pub const NAMES: &'static str = "sum, last, mean, per_day or cumulative";

    /// Parses "sum", "last" or "mean".
    pub fn from_name(name: &str) -> Option<Aggregate> {
        match name {
            "sum" => Some(Aggregate::Sum),
            "last" => Some(Aggregate::Last),
            "mean" => Some(Aggregate::Mean),
            "per_day" => Some(Aggregate::PerDay),
            "cumulative" => Some(Aggregate::Cumulative),
            _ => None,
        }
    }

    /// The name used in scenarios and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Aggregate::Sum => "sum",
            Aggregate::Last => "last",
            Aggregate::Mean => "mean",
            Aggregate::PerDay => "per_day",
            Aggregate::Cumulative => "cumulative",
        }
    }
}

/// A simulated quantity a series can be compared with: one column of the epoch table's
/// "all" rows. Quantities are equal when their names are.
#[derive(Debug, Clone, Copy)]
pub struct Quantity {
    /// The epoch column's name [its unit is the column's].
    pub name: &'static str,
    /// Its natural aggregation: `sum` for flows, `last` for levels, `mean` for ratios.
    pub natural: Aggregate,
    /// Whether it grows with the network (counts, flows, token amounts) rather than
    /// being a ratio or a price: a run that is `fleet_fraction` of its network is
    /// compared as its value / `fleet_fraction`.
    pub extensive: bool,
    read: fn(&EpochRecord) -> f64,
}

fn opt(v: Option<f64>) -> f64 {
    v.unwrap_or(f64::NAN)
}

/// Every quantity a backtest can compare, with its natural aggregation.
pub const QUANTITIES: &[Quantity] = &[
    q("tokens_minted", Aggregate::Sum, |r| opt(r.tokens_minted)),
    q("tokens_burned", Aggregate::Sum, |r| opt(r.tokens_burned)),
    q("token_supply", Aggregate::Last, |r| opt(r.token_supply)),
    q("provider_token_rewards", Aggregate::Sum, |r| {
        opt(r.provider_token_rewards)
    }),
    q("tokens_unclaimed", Aggregate::Sum, |r| {
        opt(r.tokens_unclaimed)
    }),
    ratio("token_price_usd", Aggregate::Last, |r| {
        opt(r.token_price_usd)
    }),
    q("consumer_spend_usd", Aggregate::Sum, |r| {
        r.consumer_spend_usd
    }),
    q("provider_revenue_usd", Aggregate::Sum, |r| {
        r.provider_revenue_usd
    }),
    q("fees_usd", Aggregate::Sum, |r| r.fees_usd),
    q("burn_usd", Aggregate::Sum, |r| r.burn_usd),
    q("gpu_hours_sold", Aggregate::Sum, |r| r.gpu_hours_sold),
    q("gpu_hours_online", Aggregate::Sum, |r| r.gpu_hours_online),
    ratio("utilization", Aggregate::Mean, |r| r.utilization),
    q("providers_up", Aggregate::Last, |r| r.providers_up as f64),
    q("leases_started", Aggregate::Sum, |r| {
        r.leases_started as f64
    }),
    q("jobs_completed", Aggregate::Sum, |r| {
        r.jobs_completed as f64
    }),
    q("gpus_online", Aggregate::Mean, |r| {
        r.gpu_hours_online / (r.t_end_h - r.t_start_h)
    }),
    q("gpus_leased", Aggregate::Mean, |r| {
        r.gpu_hours_sold / (r.t_end_h - r.t_start_h)
    }),
    ratio("collateral_ratio", Aggregate::Last, |r| {
        opt(r.collateral_ratio)
    }),
];

/// A quantity that grows with the network.
const fn q(name: &'static str, natural: Aggregate, read: fn(&EpochRecord) -> f64) -> Quantity {
    Quantity {
        name,
        natural,
        extensive: true,
        read,
    }
}

/// A ratio or a price: the same whatever part of the network the run is.
const fn ratio(name: &'static str, natural: Aggregate, read: fn(&EpochRecord) -> f64) -> Quantity {
    Quantity {
        extensive: false,
        ..q(name, natural, read)
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.name == other.name
    }
}

impl Quantity {
    /// The quantity named `name`.
    pub fn from_name(name: &str) -> Option<Quantity> {
        QUANTITIES.iter().copied().find(|q| q.name == name)
    }

    /// The valid names, comma-separated.
    pub fn names() -> String {
        QUANTITIES
            .iter()
            .map(|q| q.name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Its value on an epoch row.
    pub fn of(&self, row: &EpochRecord) -> f64 {
        (self.read)(row)
    }

    /// Its value on an epoch row of a run that is `fleet_fraction` of its network, for
    /// the whole network: divided by `fleet_fraction` when extensive.
    pub fn of_network(&self, row: &EpochRecord, fleet_fraction: f64) -> f64 {
        let v = self.of(row);
        if self.extensive {
            v / fleet_fraction
        } else {
            v
        }
    }
}

/// A published series the run should reproduce (`[[observed]]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Observed {
    /// Name in outputs.
    pub name: String,
    /// The simulated quantity it is compared with.
    pub quantity: Quantity,
    /// How epochs combine over a period.
    pub aggregate: Aggregate,
    /// The period each point stands for.
    pub period: Period,
    /// The points, or the file still to be read (Parquet, read by the CLI).
    pub data: ObservedData,
    /// Where the fit span ends (`[backtest] fit_until`): points whose period starts
    /// before it are the fit span, later ones the test span; `None`: one span.
    pub fit_until: Option<Instant>,
}

/// One epoch of the run on the calendar: [start, end) and the quantity's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochValue {
    /// Epoch start [UTC].
    pub start: Instant,
    /// Epoch end [UTC].
    pub end: Instant,
    /// The quantity over (flows) or at the end of (levels) the epoch.
    pub value: f64,
}

/// The simulated value over `[from, to)` by `aggregate`, from epochs in time order;
/// `None` when no epoch overlaps it (or, for `last`, none ends within it).
pub fn simulated(
    epochs: &[EpochValue],
    aggregate: Aggregate,
    from: Instant,
    to: Instant,
) -> Option<f64> {
    let overlap = |e: &EpochValue| (e.end.0.min(to.0) - e.start.0.max(from.0)).max(0) as f64;
    let touching = epochs.iter().filter(|e| overlap(e) > 0.0);
    match aggregate {
        Aggregate::PerDay => {
            let days = touching.map(overlap).sum::<f64>() / SECONDS_PER_DAY as f64;
            let sum = simulated(epochs, Aggregate::Sum, from, to)?;
            Some(sum / days)
        }
        Aggregate::Cumulative => {
            let first = epochs.first()?.start;
            simulated(epochs, Aggregate::Sum, first.min(from), to)
        }
        Aggregate::Sum => {
            let mut any = false;
            let mut sum = 0.0;
            for e in touching {
                any = true;
                sum += e.value * overlap(e) / (e.end.0 - e.start.0) as f64;
            }
            any.then_some(sum)
        }
        Aggregate::Last => epochs
            .iter()
            .rev()
            .find(|e| e.end > from && e.end <= to)
            .map(|e| e.value),
        Aggregate::Mean => {
            let (mut weighted, mut weight) = (0.0, 0.0);
            for e in touching.filter(|e| !e.value.is_nan()) {
                weighted += e.value * overlap(e);
                weight += overlap(e);
            }
            (weight > 0.0).then(|| weighted / weight)
        }
    }
}

/// One compared point.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestPoint {
    /// Start of the period [UTC].
    pub date: Instant,
    /// Published value [the quantity's unit].
    pub observed: f64,
    /// Simulated value over the part of the period the run covers [the quantity's unit].
    pub simulated: f64,
    /// (simulated - observed) / |observed| x 100 [%]; NaN when observed is 0.
    pub error_pct: f64,
}

/// A series compared with the run, point by point.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// The series' name.
    pub name: String,
    /// Where the fit span ends (see [`Observed::fit_until`]).
    pub fit_until: Option<Instant>,
    /// The simulated quantity.
    pub quantity: &'static str,
    /// How epochs were combined.
    pub aggregate: Aggregate,
    /// The compared points, in date order.
    pub points: Vec<BacktestPoint>,
}

/// One series' error figures (summary.json's `backtests` list).
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BacktestFigures {
    /// The series' name.
    pub name: String,
    /// "fit" or "test" when the scenario splits its points (`[backtest] fit_until`);
    /// absent when it does not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<String>,
    /// The simulated quantity.
    pub quantity: String,
    /// Points compared (periods the run overlaps).
    pub points: u64,
    /// Mean over points of |sim - obs| / |obs| x 100 [%] (points with obs = 0 left out).
    pub mape_pct: f64,
    /// Largest |sim - obs| / |obs| x 100 over the points [%].
    pub max_abs_error_pct: f64,
    /// `sum` series: (sum of sim - sum of obs) / |sum of obs| x 100; `last` and `mean`
    /// series: the last point's signed error [%].
    pub cumulative_error_pct: f64,
}

/// The run's epochs on the calendar, as `quantity`'s values for the whole network (the
/// run being `fleet_fraction` of it), from the "all" rows.
pub fn epoch_values(
    rows: &[EpochRecord],
    start: Instant,
    quantity: Quantity,
    fleet_fraction: f64,
) -> Vec<EpochValue> {
    let at = |h: f64| Instant(start.0 + (h * 3600.0).round() as i64);
    rows.iter()
        .filter(|r| r.gpu_model == "all")
        .map(|r| EpochValue {
            start: at(r.t_start_h),
            end: at(r.t_end_h),
            value: quantity.of_network(r, fleet_fraction),
        })
        .filter(|e| e.end > e.start)
        .collect()
}

impl Observed {
    /// Compares the series with a run that started at `start`, stood for
    /// `fleet_fraction` of its network and wrote `rows` (its "all" epoch rows are used;
    /// extensive quantities are scaled up to the network). An unresolved file compares
    /// no point.
    pub fn compare(&self, rows: &[EpochRecord], start: Instant, fleet_fraction: f64) -> Comparison {
        let epochs = epoch_values(rows, start, self.quantity, fleet_fraction);
        let points = match &self.data {
            ObservedData::Points(points) => points
                .iter()
                .filter_map(|p| {
                    let (from, to) = self.period.containing(p.date);
                    let sim = simulated(&epochs, self.aggregate, from, to)?;
                    Some(BacktestPoint {
                        date: p.date,
                        observed: p.value,
                        simulated: sim,
                        error_pct: error_pct(sim, p.value),
                    })
                })
                .collect(),
            ObservedData::File { .. } => Vec::new(),
        };
        Comparison {
            name: self.name.clone(),
            fit_until: self.fit_until,
            quantity: self.quantity.name,
            aggregate: self.aggregate,
            points,
        }
    }
}

/// (sim - obs) / |obs| x 100 [%]; NaN when obs is 0.
pub fn error_pct(sim: f64, obs: f64) -> f64 {
    if obs == 0.0 {
        f64::NAN
    } else {
        (sim - obs) / obs.abs() * 100.0
    }
}

impl Comparison {
    /// The error figures of the compared points.
    pub fn figures(&self) -> BacktestFigures {
        self.figures_of(&self.points, None)
    }

    /// Whether a point is in the fit span (always, without a split).
    pub fn in_fit_span(&self, p: &BacktestPoint) -> bool {
        self.fit_until.is_none_or(|until| p.date < until)
    }

    /// The figures summary.json lists: of all points, or, with a fit span, of the fit
    /// span's points and of the test span's, in that order.
    pub fn span_figures(&self) -> Vec<BacktestFigures> {
        if self.fit_until.is_none() {
            return vec![self.figures()];
        }
        let (fit, test): (Vec<BacktestPoint>, Vec<BacktestPoint>) = self
            .points
            .iter()
            .cloned()
            .partition(|p| self.in_fit_span(p));
        vec![
            self.figures_of(&fit, Some("fit")),
            self.figures_of(&test, Some("test")),
        ]
    }

    fn figures_of(&self, points: &[BacktestPoint], span: Option<&str>) -> BacktestFigures {
        let errors: Vec<f64> = points
            .iter()
            .map(|p| p.error_pct)
            .filter(|e| !e.is_nan())
            .collect();
        let mape = errors.iter().map(|e| e.abs()).sum::<f64>() / errors.len() as f64;
        let max = errors.iter().map(|e| e.abs()).fold(f64::NAN, f64::max);
        let cumulative = match self.aggregate {
            Aggregate::Sum | Aggregate::PerDay => {
                let sim: f64 = points.iter().map(|p| p.simulated).sum();
                let obs: f64 = points.iter().map(|p| p.observed).sum();
                error_pct(sim, obs)
            }
            Aggregate::Last | Aggregate::Mean | Aggregate::Cumulative => {
                points.last().map_or(f64::NAN, |p| p.error_pct)
            }
        };
        BacktestFigures {
            name: self.name.clone(),
            span: span.map(str::to_string),
            quantity: self.quantity.to_string(),
            points: points.len() as u64,
            mape_pct: mape,
            max_abs_error_pct: max,
            cumulative_error_pct: cumulative,
        }
    }
}

#[cfg(test)]
#[path = "observed_tests.rs"]
mod tests;
