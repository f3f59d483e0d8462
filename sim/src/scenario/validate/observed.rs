//! `[[observed]]`: published series to backtest against, read relative to the scenario
//! file (or, for a built-in scenario, from the files embedded beside it).

use std::path::{Path, PathBuf};

use crate::data::series::{RowFilter, parse_csv_where};
use crate::input::check::{Check, Res};
use crate::input::raw::{RawBacktest, RawObserved};
use crate::input::spanned::Sp;
use crate::parts::observed::{Aggregate, Observed, ObservedData, Period, Quantity, SeriesError};
use crate::scenario::ScenarioError;

/// The scenario's observed series; any needs `[scenario] start` (the error is at the
/// first `[[observed]]`). `backtest` splits their points into a fit and a test span.
pub(super) fn observed(
    c: &Check,
    raw: &[Sp<RawObserved>],
    has_start: bool,
    backtest: Option<&Sp<RawBacktest>>,
) -> Res<Vec<Observed>> {
    if let Some(first) = raw.first()
        && !has_start
    {
        return Err(c.err(
            first.span(),
            "[[observed]] needs [scenario] start (the date the run starts, e.g. start = \"2024-06-25\") to place the run's epochs on the series' dates",
        ));
    }
    let fit_until = match backtest {
        Some(b) => Some(c.date(&b.get().fit_until, "backtest.fit_until")?),
        None => None,
    };
    raw.iter()
        .map(|o| series(c, o.get()).map(|s| Observed { fit_until, ..s }))
        .collect()
}

/// The rows a series keeps (`kind_column` and `kinds`, both or neither).
fn row_filter(c: &Check, o: &RawObserved) -> Res<Option<RowFilter>> {
    match (&o.kind_column, &o.kinds) {
        (None, None) => Ok(None),
        (Some(column), None) => Err(c.err(
            column.span(),
            "kind_column needs kinds = [...], the cells of the rows to keep",
        )),
        (None, Some(kinds)) => Err(c.err(
            kinds.span(),
            "kinds needs kind_column, the column they are read from",
        )),
        (Some(_), Some(kinds)) if kinds.get().is_empty() => Err(c.err(
            kinds.span(),
            "expected at least one kind (the cells of the rows to keep)",
        )),
        (Some(column), Some(kinds)) => Ok(Some(RowFilter {
            column: column.get().clone(),
            values: kinds.get().clone(),
        })),
    }
}

fn series(c: &Check, o: &RawObserved) -> Res<Observed> {
    let quantity = Quantity::from_name(o.quantity.get()).ok_or_else(|| {
        c.err(
            o.quantity.span(),
            format!(
                "unknown quantity `{}`; expected one of {}",
                o.quantity.get(),
                Quantity::names()
            ),
        )
    })?;
    let aggregate = match &o.aggregate {
        Some(a) => Aggregate::from_name(a.get()).ok_or_else(|| {
            c.err(
                a.span(),
                format!(
                    "unknown aggregate `{}`; expected {}",
                    a.get(),
                    Aggregate::NAMES
                ),
            )
        })?,
        None => quantity.natural,
    };
    let period = match &o.period {
        Some(p) => Period::from_name(p.get()).ok_or_else(|| {
            c.err(
                p.span(),
                format!(
                    "unknown period `{}`; expected month, quarter or day",
                    p.get()
                ),
            )
        })?,
        None => Period::Month,
    };
    if o.name.get().trim().is_empty() {
        return Err(c.err(o.name.span(), "expected a non-empty series name"));
    }
    let data = data(c, o, period)?;
    Ok(Observed {
        name: o.name.get().clone(),
        quantity,
        aggregate,
        period,
        data,
        fit_until: None,
    })
}

/// The series' points (CSV), or its path for the CLI to read (Parquet).
fn data(c: &Check, o: &RawObserved, period: Period) -> Res<ObservedData> {
    let name = o.file.get();
    let filter = row_filter(c, o)?;
    let is_parquet = Path::new(name)
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("parquet"));
    let (shown, text) = match builtin_of(c.loc.file) {
        Some(builtin) => {
            let key = crate::scenario::embedded_key(builtin, name);
            match crate::scenario::embedded_series(&key) {
                Some(text) => (format!("scenarios/{key}"), text.to_string()),
                None => {
                    return Err(c.err(
                        o.file.span(),
                        format!(
                            "observed series file `{name}` is not embedded with built-in scenario `{builtin}` (only scenarios/history/data/*.csv are)"
                        ),
                    ));
                }
            }
        }
        None => {
            let path = base_dir(c.loc.file).join(name);
            if is_parquet {
                if let Some(column) = &o.kind_column {
                    return Err(c.err(
                        column.span(),
                        "kind_column and kinds are read from CSV series only",
                    ));
                }
                if !path.is_file() {
                    return Err(c.err(
                        o.file.span(),
                        format!("observed series file {}: not found", path.display()),
                    ));
                }
                return Ok(ObservedData::File {
                    path,
                    date_column: o.date_column.get().clone(),
                    value_column: o.value_column.get().clone(),
                });
            }
            let text = std::fs::read_to_string(&path).map_err(|e| {
                c.err(
                    o.file.span(),
                    format!("observed series file {}: {e}", path.display()),
                )
            })?;
            (path.display().to_string(), text)
        }
    };
    let (date, value) = (o.date_column.get(), o.value_column.get());
    parse_csv_where(&text, date, value, period, filter.as_ref())
        .map(ObservedData::Points)
        .map_err(|e| located(c, o, &shown, e))
}

/// A series file's error: a missing column at the scenario's key, anything else at its
/// place in the file.
pub(crate) fn located(c: &Check, o: &RawObserved, shown: &str, e: SeriesError) -> ScenarioError {
    match e {
        SeriesError::MissingColumn { column, found } => {
            let span = if *o.date_column.get() == column {
                o.date_column.span()
            } else {
                o.value_column.span()
            };
            c.err(
                span,
                format!("{shown} has no column `{column}`; its columns are {found:?}"),
            )
        }
        SeriesError::At { line, col, message } => {
            let (at_line, at_col) = c.loc.line_col(o.file.span().start);
            ScenarioError::Invalid {
                file: shown.to_string(),
                line,
                col,
                message: format!(
                    "observed series `{}`: {message}\n  {}:{at_line}:{at_col}: the [[observed]] file key naming it",
                    o.name.get(),
                    c.loc.file
                ),
            }
        }
    }
}

/// The built-in scenario's name when `file` is a `<built-in NAME>` label.
pub(super) fn builtin_of(file: &str) -> Option<&str> {
    file.strip_prefix("<built-in ")?.split('>').next()
}

/// The folder of the scenario file named `file` (its label without " (with --set)").
pub(super) fn base_dir(file: &str) -> PathBuf {
    Path::new(file.split(" (with --set)").next().unwrap_or(""))
        .parent()
        .unwrap_or(Path::new(""))
        .to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_labels_and_base_folders() {
        assert_eq!(builtin_of("<built-in ionet>"), Some("ionet"));
        assert_eq!(builtin_of("<built-in ionet> (with --set)"), Some("ionet"));
        assert_eq!(builtin_of("scenarios/ionet.toml"), None);
        assert_eq!(base_dir("a/b/c.toml (with --set)"), Path::new("a/b"));
        assert_eq!(base_dir("c.toml"), Path::new(""));
        // A top-level built-in names files relative to scenarios/.
        assert_eq!(
            super::super::super::embedded_key("akash", "./data/x.csv"),
            "data/x.csv"
        );
    }
}
