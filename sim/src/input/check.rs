//! One helper per repeated check of a raw scenario value: each returns the validated value
//! or an error at the value's position (file:line:col). Used by the section validators in
//! `validate/` and by the `from_raw` of every mechanism and token part.

use std::ops::{Range, RangeInclusive};

use crate::base::time::{SimTime, from_secs};
use crate::data::catalog::{Catalog, GpuId};
use crate::data::dist::{Dist, DistParams};
use crate::input::error::{Locator, ScenarioError};
use crate::input::raw::RawDist;
use crate::input::spanned::{Dur, Sp};

/// A validation result.
pub type Res<T> = Result<T, ScenarioError>;

/// What a check needs: where errors point, and the GPU catalog names are looked up in.
#[derive(Clone, Copy)]
pub struct Check<'a> {
    /// Turns spans into file:line:col.
    pub loc: Locator<'a>,
    /// GPU specs and cloud prices.
    pub catalog: &'static Catalog,
}

impl Check<'_> {
    /// An error at the start of `span`.
    pub fn err(&self, span: Range<usize>, msg: impl Into<String>) -> ScenarioError {
        self.loc.error(span, msg)
    }

    /// `v` if `ok(v)`, else "expected {expected}" at its position.
    pub fn check<T: Copy>(&self, v: &Sp<T>, ok: impl Fn(T) -> bool, expected: &str) -> Res<T> {
        if ok(*v.get()) {
            Ok(*v.get())
        } else {
            Err(self.err(v.span(), format!("expected {expected}")))
        }
    }

    /// An optional count in `range`, `default` when absent; "expected {what} in {range}".
    pub fn count_in(
        &self,
        v: &Option<Sp<u32>>,
        default: u32,
        range: RangeInclusive<u32>,
        what: &str,
    ) -> Res<u32> {
        match v {
            None => Ok(default),
            Some(v) => self.check(
                v,
                |x| range.contains(&x),
                &format!("{what} in {}..={}", range.start(), range.end()),
            ),
        }
    }

    /// An optional number in [lo, hi), `default` when absent.
    pub fn fraction(
        &self,
        v: &Option<Sp<f64>>,
        default: f64,
        lo: f64,
        hi: f64,
        what: &str,
    ) -> Res<f64> {
        match v {
            None => Ok(default),
            Some(v) => self.check(
                v,
                |x| x.is_finite() && x >= lo && x < hi,
                &format!("{what} in [{lo}, {hi})"),
            ),
        }
    }

    /// An optional finite number >= 0, `default` when absent.
    pub fn non_negative(&self, v: &Option<Sp<f64>>, default: f64, what: &str) -> Res<f64> {
        match v {
            None => Ok(default),
            Some(v) => self.check(v, |x| x.is_finite() && x >= 0.0, &format!("{what} >= 0")),
        }
    }

    /// A UTC calendar date ("2024-06-25" or "2024-06-25T12:00:00Z").
    pub fn date(&self, v: &Sp<String>, what: &str) -> Res<crate::base::calendar::Instant> {
        crate::base::calendar::Instant::parse(v.get())
            .map_err(|e| self.err(v.span(), format!("{what}: {e}")))
    }

    /// Where the value of the `n`-th (0-based) `key = ...` inside `within` starts, found
    /// in the source text: for values inside tables whose own spans serde does not keep
    /// (the fields of internally tagged enums such as `token.emission`); `within` itself
    /// when the key is not found there.
    pub fn key_span(&self, within: Range<usize>, key: &str, n: usize) -> Range<usize> {
        let src = self.loc.src;
        let Some(mut text) = src.get(within.clone()) else {
            return within;
        };
        // A table written as `[header]` spans its header only: search its body, up to
        // the next line that starts with `[` (the next header).
        if text.starts_with('[') {
            let body = &src[within.start..];
            let end = body
                .match_indices("\n[")
                .map(|(i, _)| i)
                .next()
                .unwrap_or(body.len());
            text = &body[..end];
        }
        let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
        let found = text
            .match_indices(key)
            .filter_map(|(i, _)| {
                let before_ok = !text[..i].chars().next_back().is_some_and(is_word);
                let rest = &text[i + key.len()..];
                let after = rest.trim_start_matches([' ', '\t']);
                let value = after.strip_prefix('=')?;
                let value_at = text.len() - value.trim_start_matches([' ', '\t']).len();
                before_ok.then_some(value_at)
            })
            .nth(n);
        match found {
            Some(at) => within.start + at..(within.start + at).max(within.end),
            None => within,
        }
    }

    /// A duration > 0 (infinite too when `allow_inf`) [µs].
    pub fn duration(&self, v: &Sp<Dur>, allow_inf: bool, what: &str) -> Res<SimTime> {
        let s = v.get().secs();
        if s <= 0.0 || (!allow_inf && !s.is_finite()) {
            let bound = if allow_inf {
                "a duration > 0 or \"inf\""
            } else {
                "a finite duration > 0"
            };
            return Err(self.err(v.span(), format!("{what}: expected {bound}")));
        }
        Ok(from_secs(s))
    }

    /// An optional duration where "0s" means none at all, `default` when absent [µs].
    pub fn delay(
        &self,
        v: &Option<Sp<Dur>>,
        default: SimTime,
        allow_inf: bool,
        what: &str,
    ) -> Res<SimTime> {
        match v {
            Some(d) if d.get().secs() == 0.0 => Ok(0),
            Some(d) => self.duration(d, allow_inf, what),
            None => Ok(default),
        }
    }

    /// The GPU model named `key` (a catalog key), or an error at its position.
    pub fn gpu(&self, key: &Sp<String>) -> Res<GpuId> {
        self.gpu_at(key.get(), key.span())
    }

    /// The GPU model named `key`, or an error at `span` (a table that holds the key).
    pub fn gpu_at(&self, key: &str, span: Range<usize>) -> Res<GpuId> {
        self.catalog.gpu_id(key).ok_or_else(|| {
            self.err(
                span,
                format!(
                    "unknown GPU model `{key}`; expected one of: {}",
                    self.catalog.gpu_keys()
                ),
            )
        })
    }

    /// A distribution of durations, sampled in seconds [s].
    pub fn dist_secs(&self, d: &Sp<RawDist<Dur>>, what: &str) -> Res<Dist> {
        let p = match *d.get() {
            RawDist::Lognormal { median, sigma } => DistParams::LogNormal {
                median: median.secs(),
                sigma,
            },
            RawDist::Exponential { mean } => DistParams::Exponential { mean: mean.secs() },
            RawDist::Uniform { min, max } => DistParams::Uniform {
                min: min.secs(),
                max: max.secs(),
            },
            RawDist::Fixed { value } => DistParams::Fixed {
                value: value.secs(),
            },
            RawDist::Weibull { shape, scale } => DistParams::Weibull {
                shape,
                scale: scale.secs(),
            },
        };
        p.build()
            .map_err(|m| self.err(d.span(), format!("{what}: {m}")))
    }

    /// A distribution of plain numbers; errors at `span`.
    pub fn dist_num(&self, d: &RawDist<f64>, span: Range<usize>, what: &str) -> Res<Dist> {
        let p = match *d {
            RawDist::Lognormal { median, sigma } => DistParams::LogNormal { median, sigma },
            RawDist::Exponential { mean } => DistParams::Exponential { mean },
            RawDist::Uniform { min, max } => DistParams::Uniform { min, max },
            RawDist::Fixed { value } => DistParams::Fixed { value },
            RawDist::Weibull { shape, scale } => DistParams::Weibull { shape, scale },
        };
        p.build()
            .map_err(|m| self.err(span, format!("{what}: {m}")))
    }
}
