//! Observed series files: CSV read here (from disk or embedded), Parquet read by the CLI
//! (the simulator has no Polars) and handed back as text cells through
//! [`points_from_rows`], so both are checked the same way.

use std::path::PathBuf;

use crate::base::calendar::{Instant, SECONDS_PER_DAY};

/// An observed series' points, or the file they are still to be read from.
#[derive(Debug, Clone, PartialEq)]
pub enum ObservedData {
    /// Read and checked: one point per period, in date order.
    Points(Vec<ObservedPoint>),
    /// A Parquet file, resolved against the scenario's folder, for the CLI to read
    /// (`Scenario::resolve_observed`); a run compares no point of it until then.
    File {
        /// Where the file is.
        path: PathBuf,
        /// The column of dates.
        date_column: String,
        /// The column of values.
        value_column: String,
    },
}

/// Why a series file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesError {
    /// A named column is not in the header.
    MissingColumn {
        /// The column asked for.
        column: String,
        /// The header's columns.
        found: Vec<String>,
    },
    /// A cell or line is malformed.
    At {
        /// 1-based line (CSV) or row + 1 (Parquet: the header is line 1).
        line: usize,
        /// 1-based column, in characters (CSV) or the column's position (Parquet).
        col: usize,
        /// What is wrong.
        message: String,
    },
}

/// One row's cells as text, with where they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line.
    pub line: usize,
    /// Column of the date cell.
    pub date_col: usize,
    /// The date cell.
    pub date: String,
    /// Column of the value cell.
    pub value_col: usize,
    /// The value cell.
    pub value: String,
}

/// The rows of a series read as two columns of text cells (a Parquet file, read by
/// whoever can): `(position from 1, cells)` of the date and the value column; row r is
/// "line" r + 2 (after a header), an empty cell reads as "".
pub fn rows_of_columns(
    (date_col, dates): (usize, Vec<Option<String>>),
    (value_col, values): (usize, Vec<Option<String>>),
) -> Vec<Row> {
    dates
        .into_iter()
        .zip(values)
        .enumerate()
        .map(|(i, (date, value))| Row {
            line: i + 2,
            date_col,
            date: date.unwrap_or_default(),
            value_col,
            value: value.unwrap_or_default(),
        })
        .collect()
}

/// Which rows of a series file count: those whose cell in `column` is one of `values`
/// (a file that mixes kinds of figures, such as totals, averages and bounds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowFilter {
    /// The column read.
    pub column: String,
    /// The cells kept.
    pub values: Vec<String>,
}

/// Reads the points of a CSV series (a header line, then one row per period).
pub fn parse_csv(
    text: &str,
    date_column: &str,
    value_column: &str,
    period: Period,
) -> Result<Vec<ObservedPoint>, SeriesError> {
    parse_csv_where(text, date_column, value_column, period, None)
}

/// Reads the points of a CSV series, only the rows `filter` keeps (all without one); a
/// row whose value cell is empty publishes nothing for its period and is skipped.
pub fn parse_csv_where(
    text: &str,
    date_column: &str,
    value_column: &str,
    period: Period,
    filter: Option<&RowFilter>,
) -> Result<Vec<ObservedPoint>, SeriesError> {
    let (mut reader, header) = csv_with_header(text).map_err(|e| csv_error(text, &e))?;
    let index = |column: &str| {
        header
            .iter()
            .position(|h| h == column)
            .ok_or_else(|| SeriesError::MissingColumn {
                column: column.to_string(),
                found: header.clone(),
            })
    };
    let (d, v) = (index(date_column)?, index(value_column)?);
    let keep = match filter {
        Some(f) => Some((index(&f.column)?, &f.values)),
        None => None,
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(text, &e))?;
        let kept = keep.is_none_or(|(k, values)| values.iter().any(|x| x == record[k].trim()));
        if !kept || record[v].trim().is_empty() {
            continue;
        }
        let pos = record
            .position()
            .expect("records read from text have positions");
        let line_text = text[pos.byte() as usize..].lines().next().unwrap_or("");
        rows.push(Row {
            line: pos.line() as usize,
            date_col: field_column(line_text, d),
            date: record[d].to_string(),
            value_col: field_column(line_text, v),
            value: record[v].to_string(),
        });
    }
    points_from_rows(rows, period)
}

/// Checks rows into points: a date (`YYYY-MM-DD`, or `YYYY-MM` for months) and a number
/// (thousands separators allowed) per row, each period at most once; sorted by date.
pub fn points_from_rows(rows: Vec<Row>, period: Period) -> Result<Vec<ObservedPoint>, SeriesError> {
    let mut points: Vec<(ObservedPoint, usize)> = Vec::with_capacity(rows.len());
    for row in rows {
        let at = |col: usize, message: String| SeriesError::At {
            line: row.line,
            col,
            message,
        };
        let date = parse_date(row.date.trim(), period).map_err(|m| at(row.date_col, m))?;
        let value = parse_number(&row.value).map_err(|m| at(row.value_col, m))?;
        let (start, _) = period.containing(date);
        if let Some((_, line)) = points.iter().find(|(p, _)| p.date == start) {
            return Err(at(
                row.date_col,
                format!(
                    "{:?} is in the same period as line {line}; expected one value per period",
                    row.date.trim()
                ),
            ));
        }
        points.push((ObservedPoint { date: start, value }, row.line));
    }
    points.sort_by_key(|(p, _)| p.date);
    Ok(points.into_iter().map(|(p, _)| p).collect())
}

/// A date: `YYYY-MM-DD`, an RFC 3339 UTC time, `YYYY-MM` (month series only) or
/// `YYYY-Qn` (quarter series only).
fn parse_date(text: &str, period: Period) -> Result<Instant, String> {
    if let Some(quarter) = parse_quarter(text) {
        if period != Period::Quarter {
            return Err(format!(
                "{text:?} is a quarter, but the series' period is not; expected a date such as \"2024-06-25\""
            ));
        }
        return quarter;
    }
    let is_month = text.len() == 7
        && text.as_bytes()[4] == b'-'
        && text
            .bytes()
            .enumerate()
            .all(|(i, b)| i == 4 || b.is_ascii_digit());
    if is_month {
        if period != Period::Month {
            return Err(format!(
                "{text:?} is a month, but the series' period is a day; expected a date such as \"2024-06-25\""
            ));
        }
        return Instant::parse(&format!("{text}-01"))
            .map_err(|_| format!("{text:?} is not a calendar month"));
    }
    Instant::parse(text).map_err(|e| format!("{e} (or a month such as \"2024-06\")"))
}

/// `YYYY-Qn` as the quarter's first day; `None` when `text` is not of that shape.
fn parse_quarter(text: &str) -> Option<Result<Instant, String>> {
    let (year, q) = text.split_once("-Q")?;
    if year.len() != 4 || q.len() != 1 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(match q.parse::<u32>() {
        Ok(n @ 1..=4) => Ok(Instant::from_ymd(year.parse().ok()?, 3 * n - 2, 1)),
        _ => Err(format!("{text:?} is not a quarter (Q1 to Q4)")),
    })
}

/// A finite number; commas between digits (thousands separators) are ignored.
fn parse_number(text: &str) -> Result<f64, String> {
    let t = text.trim();
    let cleaned: String = t.chars().filter(|c| *c != ',').collect();
    match cleaned.parse::<f64>() {
        Ok(v) if v.is_finite() && !cleaned.is_empty() => Ok(v),
        _ => Err(format!(
            "expected a number (such as 1234.5 or \"1,234.5\"), found {t:?}"
        )),
    }
}

/// 1-based character column where field `index` starts on `line` (quotes respected).
pub(crate) fn field_column(line: &str, index: usize) -> usize {
    let mut field = 0;
    let mut quoted = false;
    for (col, ch) in line.chars().enumerate() {
        if field == index {
            return col + 1;
        }
        match ch {
            '"' => quoted = !quoted,
            ',' if !quoted => field += 1,
            _ => {}
        }
    }
    line.chars().count() + 1
}

/// A strict CSV reader over `text` (every row as wide as the header) and its header,
/// each name trimmed.
pub(crate) fn csv_with_header(text: &str) -> Result<(csv::Reader<&[u8]>, Vec<String>), csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok((reader, header))
}

fn csv_error(text: &str, e: &csv::Error) -> SeriesError {
    let line = e
        .position()
        .map_or_else(|| text.lines().count().max(1), |p| p.line() as usize);
    SeriesError::At {
        line,
        col: 1,
        message: csv_error_message(e),
    }
}

/// What a CSV reader's error says, in the words of the located errors.
pub(crate) fn csv_error_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields like the header, found {len}"),
        csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
        _ => e.to_string(),
    }
}

/// The calendar period one observed point stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    /// A calendar month (28 to 31 days), from midnight UTC on its first day.
    Month,
    /// A day, from midnight UTC.
    Day,
    /// A calendar quarter (January-March, ...), from midnight UTC on its first day.
    Quarter,
}

impl Period {
    /// Parses "month", "day" or "quarter".
    pub fn from_name(name: &str) -> Option<Period> {
        match name {
            "month" => Some(Period::Month),
            "day" => Some(Period::Day),
            "quarter" => Some(Period::Quarter),
            _ => None,
        }
    }

    /// The period containing `t`: [start, end).
    pub fn containing(self, t: Instant) -> (Instant, Instant) {
        match self {
            Period::Month => (t.month_start(), t.next_month_start()),
            Period::Day => {
                let start = Instant(t.0.div_euclid(SECONDS_PER_DAY) * SECONDS_PER_DAY);
                (start, Instant(start.0 + SECONDS_PER_DAY))
            }
            Period::Quarter => {
                let (year, month, _) = t.ymd();
                let first = 3 * ((month - 1) / 3) + 1;
                let start = Instant::from_ymd(year, first, 1);
                let end = if first == 10 {
                    Instant::from_ymd(year + 1, 1, 1)
                } else {
                    Instant::from_ymd(year, first + 3, 1)
                };
                (start, end)
            }
        }
    }
}

/// One observed point: the period starting at `date` and the published value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ObservedPoint {
    /// Start of the period [UTC].
    pub date: Instant,
    /// Published value [the quantity's unit].
    pub value: f64,
}
