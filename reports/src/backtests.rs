//! Backtests in the run's files: the `observed` table (one row per compared period) and
//! the report's "Backtests" section (the error figures and, per series, observed beside
//! simulated).

use flopmarket_sim::Summary;
use flopmarket_sim::base::calendar::Instant;
use flopmarket_sim::data::series::rows_of_columns;
use flopmarket_sim::parts::observed::{Comparison, Row, SeriesError};
use polars::prelude::{Column, DataFrame, PolarsResult};

use crate::context::ReportContext;
use crate::document::{Block, Document, Table};
use crate::fmt::{fixed, int};
use crate::svg::{Chart, ChartKind, Series};

/// The `observed` table: name, date (the period's start, as
/// [`date_type`](crate::sink::date_type)), observed, simulated, error_pct [%], series after series.
pub(crate) fn observed_frame(backtests: &[Comparison]) -> PolarsResult<DataFrame> {
    let rows = backtests
        .iter()
        .flat_map(|b| b.points.iter().map(move |p| (b, p)));
    let n = rows.clone().count();
    DataFrame::new(
        n,
        vec![
            Column::new(
                "name".into(),
                rows.clone()
                    .map(|(b, _)| b.name.clone())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "date".into(),
                rows.clone()
                    .map(|(_, p)| p.date.unix_ms())
                    .collect::<Vec<_>>(),
            )
            .cast(&crate::sink::date_type())?,
            Column::new(
                "observed".into(),
                rows.clone().map(|(_, p)| p.observed).collect::<Vec<_>>(),
            ),
            Column::new(
                "simulated".into(),
                rows.clone().map(|(_, p)| p.simulated).collect::<Vec<_>>(),
            ),
            Column::new(
                "error_pct".into(),
                rows.map(|(_, p)| p.error_pct).collect::<Vec<_>>(),
            ),
        ],
    )
}

/// The "Backtests" section, when the scenario has observed series.
pub(crate) fn section(doc: &mut Document, summary: &Summary, ctx: &ReportContext) {
    if summary.backtests.is_empty() {
        return;
    }
    doc.heading("Backtests");
    doc.paragraph("Each published series against the run, period by period (only periods the run overlaps; a period it covers in part is compared as the part covered). Error = (simulated - observed) / |observed|; MAPE = mean |error|; cumulative = the error of the totals for summed series, the last point's error for levels and means.");
    let spans = summary.backtests.iter().any(|f| f.span.is_some());
    if spans {
        doc.paragraph("The scenario splits its points ([backtest] fit_until): the fit span is what `flopmarket fit` fitted the demand to, the test span what the fit never saw.");
    }
    let mut head = vec![
        "Series",
        "Quantity",
        "Points",
        "MAPE [%]",
        "Max |error| [%]",
    ];
    head.push("Cumulative error [%]");
    if spans {
        head.insert(1, "Span");
    }
    let mut t = Table::new(&head);
    for f in &summary.backtests {
        let mut row = vec![
            f.name.clone(),
            f.quantity.clone(),
            int(f.points),
            fixed(f.mape_pct, 1),
            fixed(f.max_abs_error_pct, 1),
            fixed(f.cumulative_error_pct, 1),
        ];
        if spans {
            row.insert(1, f.span.clone().unwrap_or_default());
        }
        t.row(row);
    }
    doc.table(t);
    for b in &ctx.backtests {
        if !b.points.is_empty() {
            doc.blocks.push(Block::Chart(chart(b)));
        }
    }
}

/// Observed and simulated of one series by the start date of each period (x in days
/// since the first compared period's start, drawn as a date axis; `b` has at least one
/// point).
fn chart(b: &Comparison) -> Chart {
    let origin = b.points[0].date;
    let x = |d: Instant| d.hours_since(origin) / 24.0;
    let line = |name: &str, value: &dyn Fn(usize) -> f64, dashed, color| Series {
        name: name.into(),
        points: (0..b.points.len())
            .map(|i| (x(b.points[i].date), value(i)))
            .collect(),
        dashed,
        color,
    };
    Chart {
        title: format!("Observed vs simulated: {}", b.name),
        x_label: "period start (UTC)".into(),
        y_label: format!("{} ({})", b.quantity, b.aggregate.name()),
        kind: ChartKind::Lines,
        series: vec![
            line("observed", &|i| b.points[i].observed, false, 0),
            line("simulated", &|i| b.points[i].simulated, true, 3),
        ],
        x_dates: Some(origin),
    }
}

/// Reads the scenario's Parquet observed series (the simulator reads CSV itself): each
/// file's date and value columns as text, checked like a CSV's (row r is "line" r + 2,
/// the header being line 1; the column is the column's position).
pub fn resolve_observed(
    sc: &mut flopmarket_sim::Scenario,
) -> Result<(), flopmarket_sim::ScenarioError> {
    sc.resolve_observed(read_parquet_series)
}

pub(crate) fn read_parquet_series(
    path: &std::path::Path,
    date_column: &str,
    value_column: &str,
) -> Result<Vec<Row>, SeriesError> {
    use polars::prelude::{DataType, ParquetReader, SerReader};
    let whole = |message: String| SeriesError::At {
        line: 1,
        col: 1,
        message,
    };
    let file = std::fs::File::open(path).map_err(|e| whole(e.to_string()))?;
    let df = ParquetReader::new(file)
        .finish()
        .map_err(|e| whole(format!("not a readable Parquet file: {e}")))?;
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let text =
        |column: &str| -> Result<(usize, Vec<Option<String>>), SeriesError> {
            let index = names.iter().position(|n| n == column).ok_or_else(|| {
                SeriesError::MissingColumn {
                    column: column.to_string(),
                    found: names.clone(),
                }
            })?;
            let cast = df.columns()[index]
                .cast(&DataType::String)
                .map_err(|e| whole(format!("column `{column}`: {e}")))?;
            let strings = cast
                .str()
                .map_err(|e| whole(format!("column `{column}`: {e}")))?;
            let values = (0..strings.len())
                .map(|i| strings.get(i).map(str::to_string))
                .collect();
            Ok((index + 1, values))
        };
    Ok(rows_of_columns(text(date_column)?, text(value_column)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use flopmarket_sim::parts::observed::{Aggregate, BacktestPoint};
    use polars::prelude::DataType;

    fn comparison() -> Comparison {
        let point = |m, observed: f64, simulated: f64| BacktestPoint {
            date: Instant::from_ymd(2024, m, 1),
            observed,
            simulated,
            error_pct: (simulated - observed) / observed * 100.0,
        };
        Comparison {
            name: "minted".into(),
            fit_until: None,
            quantity: "tokens_minted",
            aggregate: Aggregate::Sum,
            points: vec![point(6, 100.0, 110.0), point(7, 50.0, 40.0)],
        }
    }

    #[test]
    fn the_observed_table_has_one_row_per_point() {
        let df = observed_frame(&[comparison()]).unwrap();
        assert_eq!(df.height(), 2);
        let dates = df.column("date").unwrap().cast(&DataType::Int64).unwrap();
        let july = Instant::from_ymd(2024, 7, 1).unix_ms();
        assert_eq!(dates.i64().unwrap().get(1), Some(july));
        let errors = df.column("error_pct").unwrap().f64().unwrap().clone();
        assert_eq!(errors.get(1), Some(-20.0));
    }

    #[test]
    fn the_chart_shows_observed_beside_simulated_by_day() {
        let c = chart(&comparison());
        assert_eq!(c.series.len(), 2);
        assert_eq!(c.series[0].points, vec![(0.0, 100.0), (30.0, 50.0)]);
        assert_eq!(c.series[1].points, vec![(0.0, 110.0), (30.0, 40.0)]);
    }
}
