//! A multi-venue world in the report: the "Venues" section (one table row per venue from
//! `summary.venues`) and its charts from the venues frame (demand share, providers and
//! their cumulative net moves, per venue over time). A single-network run has no
//! `summary.venues`, so its report has no such section.

use flopmarket_sim::Summary;
use flopmarket_sim::run::summary::VenueSummary;
use polars::prelude::{DataFrame, PolarsResult};

use crate::analysis::{f64s, strings, u64s};
use crate::charts::x_label;
use crate::context::ReportContext;
use crate::document::{Block, Document, Table};
use crate::fmt::{NA, int, num, pct, pct_points, usd};
use crate::svg::{Chart, ChartKind, Series};

/// The "Venues" section, when the run is a multi-venue world; `venues` is the venues
/// frame (charts are left out without it).
pub(crate) fn section(
    doc: &mut Document,
    summary: &Summary,
    venues: Option<&DataFrame>,
    ctx: &ReportContext,
) -> PolarsResult<()> {
    if summary.venues.is_empty() {
        return Ok(());
    }
    doc.heading("Venues");
    doc.paragraph("Consumers chose a venue per job; providers moved between the networks. Demand share = the venue's jobs / all jobs; spend includes a network's cloud fallbacks; return = income + token rewards at the token's price - power - hosting - the stake's cost of capital (`[mobility] stake_cost_annual`), per GPU-hour present (capex is sunk); savings vs a cloud = 1 - spend here / what the same completed work costs on that cloud (n/a where it prices none of it).");
    doc.table(table(&summary.venues));
    let Some(frame) = venues else {
        return Ok(());
    };
    let rows = Rows::of(frame, &summary.venues)?;
    for chart in [
        demand_share(&rows, ctx),
        providers(&rows, ctx),
        net_flow(&rows, ctx),
    ] {
        doc.blocks.push(Block::Chart(chart));
    }
    Ok(())
}

/// The cloud venues, in the summary's order, then any other venue a savings figure
/// names: the savings columns.
fn savings_columns(venues: &[VenueSummary]) -> Vec<String> {
    let mut names: Vec<String> = venues
        .iter()
        .filter(|v| v.kind == "cloud")
        .map(|v| v.venue.clone())
        .collect();
    for v in venues {
        for name in v.savings_pct_vs.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
    }
    names
}

/// One row per venue.
fn table(venues: &[VenueSummary]) -> Table {
    let clouds = savings_columns(venues);
    let mut headers: Vec<String> = [
        "Venue",
        "Kind",
        "Mechanism",
        "Jobs",
        "Demand share",
        "GPU-hours",
        "Spend [USD]",
        "Providers start → end",
        "Providers in / out",
        "Return [USD/GPU-h]",
    ]
    .iter()
    .map(|h| h.to_string())
    .collect();
    headers.extend(clouds.iter().map(|c| format!("Savings vs {c}")));
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new(&refs);
    t.align[1] = crate::document::Align::Left;
    t.align[2] = crate::document::Align::Left;
    for v in venues {
        let mut row = vec![
            v.venue.clone(),
            v.kind.clone(),
            v.mechanism.clone(),
            int(v.jobs),
            pct(v.demand_share),
            num(v.gpu_hours),
            usd(v.spend_usd),
            format!("{} → {}", int(v.providers_start), int(v.providers_end)),
            format!("{} / {}", int(v.providers_in), int(v.providers_out)),
            usd(v.return_usd_per_gpu_hour),
        ];
        row.extend(clouds.iter().map(|c| {
            if *c == v.venue {
                "-".to_string()
            } else {
                v.savings_pct_vs
                    .get(c)
                    .map_or(NA.to_string(), |p| pct_points(*p))
            }
        }));
        t.row(row);
    }
    t
}

/// The venues frame's rows, grouped by venue in the summary's order (venues only the
/// frame names follow), each in epoch order.
struct Rows {
    /// (venue, kind, its rows).
    venues: Vec<(String, String, Vec<Row>)>,
}

/// One venue's epoch.
struct Row {
    epoch: u64,
    /// Epoch end [days since start].
    day: f64,
    /// [fraction]
    demand_share: f64,
    providers: f64,
    /// Providers in - out at the epoch's close.
    net_flow: f64,
}

impl Rows {
    fn of(frame: &DataFrame, summary: &[VenueSummary]) -> PolarsResult<Rows> {
        let names = strings(frame, "venue")?;
        let kinds = strings(frame, "kind")?;
        let epochs = u64s(frame, "epoch")?;
        let (end, share, providers, inflow, outflow) = (
            f64s(frame, "t_end_h")?,
            f64s(frame, "demand_share")?,
            f64s(frame, "providers")?,
            f64s(frame, "providers_in")?,
            f64s(frame, "providers_out")?,
        );
        let mut venues: Vec<(String, String, Vec<Row>)> = summary
            .iter()
            .map(|v| (v.venue.clone(), v.kind.clone(), Vec::new()))
            .collect();
        for i in 0..frame.height() {
            let row = Row {
                epoch: epochs[i].unwrap_or_default(),
                day: end[i] / 24.0,
                demand_share: share[i],
                providers: providers[i],
                net_flow: inflow[i] - outflow[i],
            };
            match venues.iter_mut().find(|(name, _, _)| *name == names[i]) {
                Some((_, _, rows)) => rows.push(row),
                None => venues.push((names[i].clone(), kinds[i].clone(), vec![row])),
            }
        }
        for (_, _, rows) in &mut venues {
            rows.sort_by_key(|r| r.epoch);
        }
        Ok(Rows { venues })
    }

    /// One line per venue (`networks_only`: clouds left out) of `value` of its rows;
    /// each venue keeps its colour (its place in the summary) across the charts.
    fn series(&self, networks_only: bool, value: impl Fn(&[Row]) -> Vec<f64>) -> Vec<Series> {
        self.venues
            .iter()
            .enumerate()
            .filter(|(_, (_, kind, _))| !networks_only || kind != "cloud")
            .map(|(i, (name, _, rows))| Series {
                name: name.clone(),
                points: rows.iter().map(|r| r.day).zip(value(rows)).collect(),
                dashed: false,
                color: i,
            })
            .collect()
    }
}

fn lines(title: &str, y_label: &str, series: Vec<Series>, ctx: &ReportContext) -> Chart {
    Chart {
        title: title.into(),
        x_label: x_label(ctx),
        y_label: y_label.into(),
        kind: ChartKind::Lines,
        series,
        x_dates: ctx.start,
    }
}

/// Each venue's share of the jobs routed per epoch [%].
fn demand_share(rows: &Rows, ctx: &ReportContext) -> Chart {
    let series = rows.series(false, |rows| {
        rows.iter().map(|r| 100.0 * r.demand_share).collect()
    });
    lines(
        "Demand share by venue per epoch",
        "jobs routed to the venue / all jobs routed [%]",
        series,
        ctx,
    )
}

/// Providers taking work at each epoch's end, per network.
fn providers(rows: &Rows, ctx: &ReportContext) -> Chart {
    let series = rows.series(true, |rows| rows.iter().map(|r| r.providers).collect());
    lines(
        "Providers by venue",
        "providers taking work at epoch end",
        series,
        ctx,
    )
}

/// Providers moved in minus moved out since the start, per network.
fn net_flow(rows: &Rows, ctx: &ReportContext) -> Chart {
    let series = rows.series(true, |rows| {
        rows.iter()
            .scan(0.0, |total, r| {
                *total += r.net_flow;
                Some(*total)
            })
            .collect()
    });
    lines(
        "Net provider moves by venue (cumulative)",
        "providers moved in - moved out since the start",
        series,
        ctx,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn venue(name: &str, kind: &str, savings: &[(&str, f64)]) -> VenueSummary {
        VenueSummary {
            venue: name.into(),
            kind: kind.into(),
            savings_pct_vs: savings
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect::<BTreeMap<_, _>>(),
            ..Default::default()
        }
    }

    #[test]
    fn savings_columns_are_the_clouds_then_other_named_venues() {
        let venues = [
            venue("akash", "network", &[("aws", 60.0), ("lambda", 20.0)]),
            venue("aws", "cloud", &[]),
            venue("runpod", "cloud", &[]),
        ];
        assert_eq!(savings_columns(&venues), ["aws", "runpod", "lambda"]);
        let t = table(&venues);
        assert_eq!(t.headers.len(), 10 + 3);
        // akash: 60 % vs aws, nothing priced on runpod, 20 % vs lambda.
        assert_eq!(t.rows[0][10..], ["60.0%", NA, "20.0%"]);
        // A cloud against itself.
        assert_eq!(t.rows[1][10], "-");
    }

    #[test]
    fn net_flow_accumulates_moves_in_minus_moves_out() {
        let row = |epoch, net_flow| Row {
            epoch,
            day: epoch as f64 + 1.0,
            demand_share: 0.5,
            providers: 1.0,
            net_flow,
        };
        let rows = Rows {
            venues: vec![
                (
                    "a".into(),
                    "network".into(),
                    vec![row(0, 2.0), row(1, -3.0)],
                ),
                ("c".into(), "cloud".into(), vec![row(0, 0.0), row(1, 0.0)]),
            ],
        };
        let chart = net_flow(&rows, &ReportContext::default());
        assert_eq!(chart.series.len(), 1, "clouds have no providers");
        assert_eq!(chart.series[0].points, [(1.0, 2.0), (2.0, -1.0)]);
    }
}
