//! Reads a demand trace from CSV text: a header line, then one row per job, with the
//! columns the scenario names. Every error says where (line and column) and what was
//! expected. CRLF line endings and a leading byte-order mark are accepted.

use crate::base::calendar::days_from_civil;
use crate::data::series::{csv_error_message, csv_with_header, field_column};

/// Which columns hold what, and how the time column is written.
#[derive(Debug, Clone, Copy)]
pub struct TraceColumns<'a> {
    /// Arrival time: a UTC timestamp, or a number of `time_unit_us` units.
    pub time: &'a str,
    /// Length of the time column's unit when it holds numbers (offsets) [µs];
    /// `None`: it holds timestamps.
    pub time_unit_us: Option<f64>,
    /// GPUs per job (a whole number), if the trace has them.
    pub gpus: Option<&'a str>,
    /// Work per GPU on the reference GPU [reference GPU-hours], if the trace has it.
    pub size: Option<&'a str>,
    /// Prompt and generated tokens per request, if the trace has them.
    pub tokens: Option<(&'a str, &'a str)>,
    /// The GPU model each job asks for (a key of gpus.csv), if the trace has it.
    pub model: Option<&'a str>,
}

/// A job's size as the trace gives it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RowSize {
    /// No size column: the workload's `size` distribution decides.
    FromWorkload,
    /// Work per GPU on the reference GPU [reference GPU-hours].
    RefGpuHours(f64),
    /// A request's tokens, turned into GPU time by the serving rates.
    Tokens {
        /// Prompt (context) tokens.
        tokens_in: f64,
        /// Generated tokens.
        tokens_out: f64,
    },
}

/// One row as read, before sorting and scaling.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadRow {
    /// 1-based line in the file.
    pub line: usize,
    /// Arrival: µs since 1970 (timestamps) or since the trace's zero (offsets) [µs].
    pub time_us: i64,
    /// GPUs, when the trace has a GPU column.
    pub gpus: Option<u32>,
    /// Size.
    pub size: RowSize,
    /// The GPU model cell and its 1-based column, when the trace has a model column.
    pub model: Option<(String, usize)>,
}

/// Why a trace could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TraceError {
    /// A named column is not in the header.
    MissingColumn {
        /// The column asked for.
        column: String,
        /// The header's columns.
        found: Vec<String>,
    },
    /// A cell or line is malformed.
    At {
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        col: usize,
        /// What is wrong and what was expected.
        message: String,
    },
    /// The file has a header but no row.
    NoRows,
}

/// Reads the rows of a CSV trace, in file order.
pub fn parse_csv(text: &str, cols: &TraceColumns) -> Result<Vec<ReadRow>, TraceError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut reader, header) = csv_with_header(text).map_err(|e| csv_error(text, &e))?;
    let fields = Fields::of(&header, cols)?;
    let mut rows = Vec::new();
    // Lines counted here from byte offsets (after CRLF line ends the reader's own count,
    // and its record offsets, lag by the `\n`): `line` is the line at byte `counted`.
    let (mut counted, mut line) = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(text, &e))?;
        let pos = record
            .position()
            .expect("records read from text have positions");
        let start = line_start(text, pos.byte() as usize);
        line += text.as_bytes()[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = start;
        let line_text = text[start..].lines().next().unwrap_or("");
        rows.push(read_row(&record, line, line_text, cols, fields)?);
    }
    if rows.is_empty() {
        return Err(TraceError::NoRows);
    }
    Ok(rows)
}

/// The fields (0-based, in the header's order) of the columns a trace names.
#[derive(Debug, Clone, Copy)]
struct Fields {
    /// Arrival time.
    time: usize,
    /// GPUs per job.
    gpus: Option<usize>,
    /// Work per GPU.
    size: Option<usize>,
    /// GPU model.
    model: Option<usize>,
    /// Prompt and generated tokens.
    tokens: Option<(usize, usize)>,
}

impl Fields {
    /// Where each column `cols` names is in `header`; an error for the first missing.
    fn of(header: &[String], cols: &TraceColumns) -> Result<Fields, TraceError> {
        let index = |column: &str| {
            header
                .iter()
                .position(|h| h == column)
                .ok_or_else(|| TraceError::MissingColumn {
                    column: column.to_string(),
                    found: header.to_vec(),
                })
        };
        let time = index(cols.time)?;
        let gpus = cols.gpus.map(index).transpose()?;
        let size = cols.size.map(index).transpose()?;
        let model = cols.model.map(index).transpose()?;
        let tokens = match cols.tokens {
            Some((i, o)) => Some((index(i)?, index(o)?)),
            None => None,
        };
        Ok(Fields {
            time,
            gpus,
            size,
            model,
            tokens,
        })
    }
}

/// One record, at 1-based `line` whose text is `line_text`, read into a row; an error at
/// the first malformed cell.
fn read_row(
    record: &csv::StringRecord,
    line: usize,
    line_text: &str,
    cols: &TraceColumns,
    fields: Fields,
) -> Result<ReadRow, TraceError> {
    let Fields {
        time,
        gpus,
        size,
        model,
        tokens,
    } = fields;
    let at = |field: usize, message: String| TraceError::At {
        line,
        col: field_column(line_text, field),
        message,
    };
    let cell = |field: usize| record[field].trim();
    let time_us = match cols.time_unit_us {
        Some(unit) => non_negative(cell(time))
            .map(|v| (v * unit).round() as i64)
            .map_err(|m| at(time, format!("time: {m} (an offset)")))?,
        None => parse_timestamp(cell(time)).map_err(|m| at(time, m))?,
    };
    let gpus = match gpus {
        Some(g) => Some(
            cell(g)
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=64).contains(n))
                .ok_or_else(|| {
                    at(
                        g,
                        format!(
                            "expected a whole number of GPUs in 1..=64, found {:?}",
                            cell(g)
                        ),
                    )
                })?,
        ),
        None => None,
    };
    let size = match (size, tokens) {
        (Some(s), _) => RowSize::RefGpuHours(
            non_negative(cell(s)).map_err(|m| at(s, format!("size [reference GPU-hours]: {m}")))?,
        ),
        (None, Some((i, o))) => RowSize::Tokens {
            tokens_in: non_negative(cell(i)).map_err(|m| at(i, format!("tokens in: {m}")))?,
            tokens_out: non_negative(cell(o)).map_err(|m| at(o, format!("tokens out: {m}")))?,
        },
        (None, None) => RowSize::FromWorkload,
    };
    let model = model.map(|m| (cell(m).to_string(), field_column(line_text, m)));
    Ok(ReadRow {
        line,
        time_us,
        gpus,
        size,
        model,
    })
}

/// A finite number >= 0.
fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("expected a number >= 0, found {text:?}")),
    }
}

/// A UTC timestamp `YYYY-MM-DD HH:MM:SS[.fraction]` (or with `T`, and an optional `Z`)
/// [µs since 1970]; digits of the fraction past the microsecond are dropped.
pub fn parse_timestamp(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "expected a UTC timestamp such as \"2023-11-16 18:15:46.68\" (or set time_unit for numeric offsets), found {text:?}"
        )
    };
    let t = text.strip_suffix('Z').unwrap_or(text);
    let b = t.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b' ' | b'T') {
        return Err(bad());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<i64, String> {
        let s = &t[range];
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse::<i64>().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let days_in = crate::base::calendar::days_in_month(year, month.clamp(1, 12) as u32) as i64;
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in
        || hour > 23
        || minute > 59
        || second > 59
    {
        return Err(bad());
    }
    let micros = match &t[19..] {
        "" => 0,
        f if f.starts_with('.') && f.len() > 1 && f[1..].bytes().all(|c| c.is_ascii_digit()) => {
            let digits: String = f[1..]
                .chars()
                .chain(std::iter::repeat('0'))
                .take(6)
                .collect();
            digits.parse::<i64>().map_err(|_| bad())?
        }
        _ => return Err(bad()),
    };
    let days = days_from_civil(year, month as u32, day as u32);
    Ok(((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros)
}

/// The first byte at or after `at` that is not a line end: where the record the reader
/// places at `at` really starts.
fn line_start(text: &str, at: usize) -> usize {
    let b = text.as_bytes();
    let mut i = at.min(b.len());
    while i < b.len() && matches!(b[i], b'\r' | b'\n') {
        i += 1;
    }
    i
}

fn csv_error(text: &str, e: &csv::Error) -> TraceError {
    let line = e.position().map_or_else(
        || text.lines().count().max(1),
        |p| {
            let end = line_start(text, p.byte() as usize);
            text.as_bytes()[..end]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
        },
    );
    TraceError::At {
        line,
        col: 1,
        message: csv_error_message(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: TraceColumns = TraceColumns {
        time: "TIMESTAMP",
        time_unit_us: None,
        gpus: None,
        size: None,
        tokens: Some(("ContextTokens", "GeneratedTokens")),
        model: None,
    };

    #[test]
    fn reads_azure_rows_with_crlf() {
        let text = "TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:15:46.6805900,374,44\r\n2023-11-16 18:15:50.9951690,396,109";
        let rows = parse_csv(text, &COLS).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].line, 3);
        assert_eq!(rows[1].time_us - rows[0].time_us, 4_314_579);
        assert_eq!(
            rows[0].size,
            RowSize::Tokens {
                tokens_in: 374.0,
                tokens_out: 44.0
            }
        );
    }

    #[test]
    fn timestamps_are_utc_microseconds() {
        assert_eq!(parse_timestamp("1970-01-02T00:00:01Z"), Ok(86_401_000_000));
        assert_eq!(parse_timestamp("1970-01-01 00:00:00.0000019"), Ok(1));
        assert!(parse_timestamp("2023-02-30 00:00:00").is_err());
        assert!(parse_timestamp("2023-11-16").is_err());
    }

    #[test]
    fn errors_point_at_the_cell() {
        let text = "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46,374,-4\n";
        let err = parse_csv(text, &COLS).unwrap_err();
        let TraceError::At { line, col, message } = err else {
            panic!("{err:?}")
        };
        assert_eq!((line, col), (2, 25), "{message}");
        assert!(message.contains(">= 0"), "{message}");
        let missing = parse_csv("a,b\n1,2\n", &COLS).unwrap_err();
        assert!(matches!(missing, TraceError::MissingColumn { .. }));
        assert_eq!(
            parse_csv("TIMESTAMP,ContextTokens,GeneratedTokens\n", &COLS),
            Err(TraceError::NoRows)
        );
    }
}
