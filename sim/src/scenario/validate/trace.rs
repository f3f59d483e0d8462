//! `arrivals.trace`: a demand trace replayed as a workload's arrivals. The file is read
//! relative to the scenario file (a built-in reads the copy embedded from
//! scenarios/data/traces/); its errors point at the row and column in the file, the
//! settings' errors at the key in the scenario.

use crate::base::calendar::Instant;
use crate::base::time::SimTime;
use crate::data::catalog::GpuId;
use crate::data::trace::read::{ReadRow, RowSize, TraceColumns, TraceError, parse_csv};
use crate::data::trace::{
    ServingRates, TraceArrivals, TraceRow, default_period_us, token_job_seconds,
};
use crate::input::check::{Check, Res};
use crate::input::raw::RawTrace;
use crate::input::spanned::Sp;
use crate::scenario::ScenarioError;
use crate::scenario::validate::observed::{base_dir, builtin_of};

/// Prompt tokens an A100-80G (the usual reference GPU) processes per second when
/// `prefill_tokens_per_s` is absent: a 7B-class model, fp16 (E) [tokens/s].
pub const DEFAULT_PREFILL_TOKENS_PER_S: f64 = 10_000.0;
/// Generated tokens per second on the reference GPU over the requests it decodes at once
/// when `decode_tokens_per_s` is absent: a 7B-class model at a moderate batch (E)
/// [tokens/s].
pub const DEFAULT_DECODE_TOKENS_PER_S: f64 = 2_000.0;

/// What the trace needs from the rest of the scenario.
pub(super) struct TraceContext<'a> {
    /// The workload's name, for messages.
    pub workload: &'a str,
    /// GPUs per job when the trace has no GPU column.
    pub gpus: u16,
    /// `[scenario] start`.
    pub start: Option<Instant>,
    /// The GPU models the workload accepts.
    pub gpu_models: &'a [GpuId],
    /// Serving rates of the reference GPU at the workload's `serving` batch, the default
    /// for token-sized jobs when the trace sets none (`None`: the E constants below).
    pub default_rates: Option<ServingRates>,
}

/// The validated trace of `raw`.
pub(super) fn trace(c: &Check, raw: &Sp<RawTrace>, cx: &TraceContext) -> Res<TraceArrivals> {
    let t = raw.get();
    let time_unit_us = match &t.time_unit {
        Some(u) => Some(time_unit(c, u)?),
        None => None,
    };
    let tokens = match (&t.tokens_in_column, &t.tokens_out_column) {
        (Some(i), Some(o)) => Some((i.get().as_str(), o.get().as_str())),
        (None, None) => None,
        (Some(k), None) | (None, Some(k)) => {
            return Err(c.err(
                k.span(),
                "trace: tokens_in_column and tokens_out_column go together; expected both",
            ));
        }
    };
    if let (Some(s), Some(_)) = (&t.size_column, tokens) {
        return Err(c.err(
            s.span(),
            "trace: expected either size_column or the tokens columns, not both",
        ));
    }
    let rates = serving_rates(c, t, tokens.is_some(), cx.default_rates)?;
    let cols = TraceColumns {
        time: t.time_column.get(),
        time_unit_us,
        gpus: t.gpus_column.as_ref().map(|g| g.get().as_str()),
        size: t.size_column.as_ref().map(|s| s.get().as_str()),
        tokens,
        model: t.model_column.as_ref().map(|m| m.get().as_str()),
    };
    let (shown, text) = read_file(c, t, cx)?;
    let read = parse_csv(&text, &cols).map_err(|e| located(c, t, cx, &shown, e))?;
    let models = models(c, cx, &read).map_err(|e| located(c, t, cx, &shown, e))?;
    let mut read: Vec<(ReadRow, Option<GpuId>)> = read.into_iter().zip(models).collect();
    read.sort_by_key(|(r, _)| r.time_us); // stable: equal times keep the file's order
    let first = read.first().map_or(0, |(r, _)| r.time_us);
    let origin = origin(c, t, cx, time_unit_us.is_some(), first)?;
    let rows: Vec<TraceRow> = read
        .iter()
        .filter(|(r, _)| r.time_us >= origin)
        .map(|(r, m)| row(r, *m, origin, cx.gpus, rates))
        .collect();
    if rows.is_empty() {
        return Err(c.err(
            t.file.span(),
            format!("trace {shown}: no row at or after the origin ([scenario] start); expected rows from then on"),
        ));
    }
    let rate_scale = positive(
        c,
        &t.rate_scale,
        "rate_scale",
        "expected copies of each row",
    )?;
    let time_scale = positive(c, &t.time_scale, "time_scale", "stretch of the time axis")?;
    let offset = match &t.offset {
        Some(o) if o.get().secs() == 0.0 => 0,
        Some(o) => c.duration(o, false, "trace.offset")?,
        None => 0,
    };
    let period_us = period(c, t, &rows)?;
    Ok(TraceArrivals {
        source: shown,
        rows,
        rate_scale,
        time_scale,
        offset,
        period_us,
    })
}

fn time_unit(c: &Check, u: &Sp<String>) -> Res<f64> {
    match u.get().as_str() {
        "us" => Ok(1.0),
        "ms" => Ok(1e3),
        "s" => Ok(1e6),
        "m" => Ok(60e6),
        "h" => Ok(3_600e6),
        other => Err(c.err(
            u.span(),
            format!("trace.time_unit: unknown unit `{other}`; expected us, ms, s, m or h"),
        )),
    }
}

fn serving_rates(
    c: &Check,
    t: &RawTrace,
    has_tokens: bool,
    defaults: Option<ServingRates>,
) -> Res<ServingRates> {
    if !has_tokens
        && let Some(k) = t
            .prefill_tokens_per_s
            .as_ref()
            .or(t.decode_tokens_per_s.as_ref())
    {
        return Err(c.err(
            k.span(),
            "trace: serving rates apply to token-sized jobs; expected tokens_in_column and tokens_out_column",
        ));
    }
    Ok(ServingRates {
        prefill_tokens_per_s: rate(
            c,
            &t.prefill_tokens_per_s,
            defaults.map_or(DEFAULT_PREFILL_TOKENS_PER_S, |d| d.prefill_tokens_per_s),
            "prefill_tokens_per_s",
        )?,
        decode_tokens_per_s: rate(
            c,
            &t.decode_tokens_per_s,
            defaults.map_or(DEFAULT_DECODE_TOKENS_PER_S, |d| d.decode_tokens_per_s),
            "decode_tokens_per_s",
        )?,
    })
}

fn rate(c: &Check, v: &Option<Sp<f64>>, default: f64, what: &str) -> Res<f64> {
    match v {
        Some(v) => c.check(
            v,
            |x| x.is_finite() && x > 0.0,
            &format!("trace.{what} > 0 tokens/s"),
        ),
        None => Ok(default),
    }
}

fn positive(c: &Check, v: &Option<Sp<f64>>, what: &str, meaning: &str) -> Res<f64> {
    match v {
        Some(v) => c.check(
            v,
            |x| x.is_finite() && x > 0.0 && x <= 1e6,
            &format!("trace.{what} in (0, 1e6] ({meaning})"),
        ),
        None => Ok(1.0),
    }
}

/// The trace's origin [µs on the file's axis]: its earliest row, or the scenario's start
/// (timestamps) or zero (offsets).
fn origin(c: &Check, t: &RawTrace, cx: &TraceContext, offsets: bool, first: i64) -> Res<i64> {
    let Some(align) = &t.align else {
        return Ok(first);
    };
    match align.get().as_str() {
        "first_row" => Ok(first),
        "start" if offsets => Ok(0),
        "start" => match cx.start {
            Some(s) => Ok(s.0 * 1_000_000),
            None => Err(c.err(
                align.span(),
                "trace.align = \"start\" with timestamps needs [scenario] start (e.g. start = \"2023-11-16\")",
            )),
        },
        other => Err(c.err(
            align.span(),
            format!("trace.align: unknown alignment `{other}`; expected first_row or start"),
        )),
    }
}

/// Each row's GPU model (in file order): a key of gpus.csv among the workload's models.
fn models(
    c: &Check,
    cx: &TraceContext,
    rows: &[ReadRow],
) -> Result<Vec<Option<GpuId>>, TraceError> {
    let names = || {
        cx.gpu_models
            .iter()
            .map(|&g| c.catalog.gpu(g).gpu.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    rows.iter()
        .map(|r| {
            let Some((name, col)) = &r.model else {
                return Ok(None);
            };
            match c.catalog.gpu_id(name) {
                Some(g) if cx.gpu_models.contains(&g) => Ok(Some(g)),
                _ => Err(TraceError::At {
                    line: r.line,
                    col: *col,
                    message: format!(
                        "unknown GPU model {name:?} for this workload; expected one of its gpu_models: {}",
                        names()
                    ),
                }),
            }
        })
        .collect()
}

fn row(r: &ReadRow, model: Option<GpuId>, origin: i64, gpus: u16, rates: ServingRates) -> TraceRow {
    TraceRow {
        model,
        offset_us: (r.time_us - origin) as u64,
        gpus: r.gpus.map_or(gpus, |g| g as u16),
        size_ref_s: match r.size {
            RowSize::FromWorkload => None,
            RowSize::RefGpuHours(h) => Some(h * 3_600.0),
            RowSize::Tokens {
                tokens_in,
                tokens_out,
            } => Some(token_job_seconds(tokens_in, tokens_out, rates)),
        },
    }
}

/// The loop period [µs on the trace's axis], `None` without `repeat`.
fn period(c: &Check, t: &RawTrace, rows: &[TraceRow]) -> Res<Option<u64>> {
    let repeat = t.repeat.as_ref().is_some_and(|r| *r.get());
    let last = rows.last().map_or(0, |r| r.offset_us);
    match (&t.period, repeat) {
        (Some(p), false) => Err(c.err(p.span(), "trace.period applies only with repeat = true")),
        (Some(p), true) => {
            let us: SimTime = c.duration(p, false, "trace.period")?;
            if us <= last {
                return Err(c.err(
                    p.span(),
                    format!(
                        "trace.period must be longer than the trace's last row after its origin ({:.1} s)",
                        last as f64 / 1e6
                    ),
                ));
            }
            Ok(Some(us))
        }
        (None, true) => default_period_us(rows).map(Some).ok_or_else(|| {
            c.err(
                t.repeat.as_ref().map_or(t.file.span(), |r| r.span()),
                "trace.repeat: a trace whose rows all arrive at once needs a period (e.g. period = \"1h\")",
            )
        }),
        (None, false) => Ok(None),
    }
}

/// The file's text and how it is named in messages: the embedded copy for a built-in,
/// else the file relative to the scenario's folder.
fn read_file(c: &Check, t: &RawTrace, cx: &TraceContext) -> Res<(String, String)> {
    let name = t.file.get();
    if let Some(builtin) = builtin_of(c.loc.file) {
        let key = crate::scenario::embedded_key(builtin, name);
        return match crate::scenario::embedded_trace(&key) {
            Some(text) => Ok((format!("scenarios/{key}"), text.to_string())),
            None => Err(c.err(
                t.file.span(),
                format!(
                    "trace file `{name}` is not embedded with built-in scenario `{builtin}` (only scenarios/data/traces/*.csv are)"
                ),
            )),
        };
    }
    let path = base_dir(c.loc.file).join(name);
    let bytes = std::fs::read(&path)
        .map_err(|e| c.err(t.file.span(), format!("trace file {}: {e}", path.display())))?;
    let shown = path.display().to_string();
    match String::from_utf8(bytes) {
        Ok(text) => Ok((shown, text)),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
            let message = "not valid UTF-8 text (a CSV trace was expected)".to_string();
            let error = TraceError::At {
                line,
                col: 1,
                message,
            };
            Err(located(c, t, cx, &shown, error))
        }
    }
}

/// A trace file's error: a missing column at the scenario's key naming it, anything else
/// at its place in the file (with the scenario's file key as a second location).
fn located(
    c: &Check,
    t: &RawTrace,
    cx: &TraceContext,
    shown: &str,
    e: TraceError,
) -> ScenarioError {
    match e {
        TraceError::MissingColumn { column, found } => {
            let keys = [
                Some(&t.time_column),
                t.model_column.as_ref(),
                t.gpus_column.as_ref(),
                t.size_column.as_ref(),
                t.tokens_in_column.as_ref(),
                t.tokens_out_column.as_ref(),
            ];
            let span = keys
                .into_iter()
                .flatten()
                .find(|k| *k.get() == column)
                .map_or(t.file.span(), |k| k.span());
            c.err(
                span,
                format!("trace {shown} has no column `{column}`; its columns are {found:?}"),
            )
        }
        TraceError::NoRows => c.err(
            t.file.span(),
            format!("trace {shown} has a header but no rows; expected one row per job"),
        ),
        TraceError::At { line, col, message } => {
            let (at_line, at_col) = c.loc.line_col(t.file.span().start);
            ScenarioError::Invalid {
                file: shown.to_string(),
                line,
                col,
                message: format!(
                    "trace of workload `{}`: {message}\n  {}:{at_line}:{at_col}: the trace file key naming it",
                    cx.workload, c.loc.file
                ),
            }
        }
    }
}
