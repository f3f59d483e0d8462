//! Simulated time: integer microseconds, never `f64`, so event ordering is exact.
//!
//! **Calendar convention**: one convention everywhere, the Julian year. A year is
//! 365.25 days (8,766 h, [`YEAR`], [`HOURS_PER_YEAR`]) and a month is a twelfth of it
//! (730.5 h, [`MONTH`], [`HOURS_PER_MONTH`]), so twelve months are exactly a year and
//! four years are exactly 1,461 days. It is the average length of the Gregorian
//! calendar's years to within 0.0075 days, and the convention the sourced schedules use:
//! io.net's 20-year emission runs 240 months of 730.5 h (175,320 hourly blocks), and
//! Akash's price script converts per-month prices at 730.5 h a month. Durations written
//! `"1y"` and `"1mo"` mean these lengths; `"365d"` means 365 days exactly. Per-year
//! rates (inflation, emission tables, growth, volatility, amortization) are spread
//! over 8,766 h.

use std::fmt;

/// A point or span of simulated time [µs]. `u64` microseconds cover 584,000 years.
pub type SimTime = u64;

/// Microseconds per second [µs/s].
pub const SECOND: SimTime = 1_000_000;
/// Microseconds per minute [µs/min].
pub const MINUTE: SimTime = 60 * SECOND;
/// Microseconds per hour [µs/h].
pub const HOUR: SimTime = 60 * MINUTE;
/// Microseconds per day [µs/d].
pub const DAY: SimTime = 24 * HOUR;
/// Microseconds per week [µs/wk].
pub const WEEK: SimTime = 7 * DAY;
/// Microseconds per Julian year of 365.25 days [µs/yr] (see the module docs).
pub const YEAR: SimTime = 365 * DAY + 6 * HOUR;
/// Microseconds per month, a twelfth of [`YEAR`] (730.5 h) [µs/month].
pub const MONTH: SimTime = YEAR / 12;
/// Hours per Julian year [h/yr]: 8,766.
pub const HOURS_PER_YEAR: f64 = 8766.0;
/// Hours per month, a twelfth of a year [h/month]: 730.5 (as Akash's price script uses).
pub const HOURS_PER_MONTH: f64 = HOURS_PER_YEAR / 12.0;
/// Marker for "never" (infinite patience, no failures) [µs].
pub const NEVER: SimTime = u64::MAX;

/// Converts simulated time to seconds [s].
pub fn to_secs(t: SimTime) -> f64 {
    t as f64 / SECOND as f64
}

/// Converts simulated time to hours [h].
pub fn to_hours(t: SimTime) -> f64 {
    t as f64 / HOUR as f64
}

/// Converts seconds [s] to simulated time, rounding to the nearest microsecond and
/// saturating at [`NEVER`] for infinite or huge values.
pub fn from_secs(s: f64) -> SimTime {
    if !s.is_finite() || s * SECOND as f64 >= NEVER as f64 {
        NEVER
    } else if s <= 0.0 {
        0
    } else {
        (s * SECOND as f64).round() as SimTime
    }
}

/// Why a duration string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationParseError(pub String);

impl fmt::Display for DurationParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DurationParseError {}

/// Parses a duration such as `"90s"`, `"30m"`, `"1.5h"`, `"7d"`, `"2w"`, `"1y"`, `"250ms"`
/// or `"inf"` into simulated time [µs]. Returns seconds as `f64` too, for distributions.
pub fn parse_duration(text: &str) -> Result<SimTime, DurationParseError> {
    parse_duration_secs(text).map(from_secs)
}

/// Parses a duration string (see [`parse_duration`]) into seconds [s]; `"inf"` gives
/// `f64::INFINITY`.
pub fn parse_duration_secs(text: &str) -> Result<f64, DurationParseError> {
    let s = text.trim();
    if matches!(s, "inf" | "never" | "infinite") {
        return Ok(f64::INFINITY);
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .ok_or_else(|| {
            DurationParseError(format!(
                "duration `{s}` has no unit: expected a number followed by ms, s, m, h, d, w or y (e.g. \"90s\", \"7d\")"
            ))
        })?;
    let (num, unit) = s.split_at(split);
    let value: f64 = num.replace('_', "").parse().map_err(|_| {
        DurationParseError(format!(
            "duration `{s}`: `{num}` is not a number (expected e.g. \"90s\", \"1.5h\", \"7d\")"
        ))
    })?;
    let unit_secs = match unit {
        "ms" => 1e-3,
        "s" => 1.0,
        "m" | "min" => 60.0,
        "h" => 3600.0,
        "d" => 86_400.0,
        "w" => 604_800.0,
        "mo" => MONTH as f64 / SECOND as f64,
        "y" => YEAR as f64 / SECOND as f64,
        _ => {
            return Err(DurationParseError(format!(
                "duration `{s}`: unknown unit `{unit}` (expected ms, s, m, h, d, w, mo or y)"
            )));
        }
    };
    Ok(value * unit_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("90s").unwrap(), 90 * SECOND);
        assert_eq!(parse_duration("30m").unwrap(), 30 * MINUTE);
        assert_eq!(parse_duration("1.5h").unwrap(), 90 * MINUTE);
        assert_eq!(parse_duration("7d").unwrap(), WEEK);
        assert_eq!(parse_duration("1y").unwrap(), YEAR);
        assert_eq!(parse_duration("250ms").unwrap(), 250_000);
        assert_eq!(parse_duration("inf").unwrap(), NEVER);
    }

    /// One calendar convention: twelve months are a year, in every unit and constant.
    #[test]
    fn twelve_months_are_one_year() {
        assert_eq!(12 * MONTH, YEAR);
        assert_eq!(
            parse_duration("12mo").unwrap(),
            parse_duration("1y").unwrap()
        );
        assert_eq!(12.0 * HOURS_PER_MONTH, HOURS_PER_YEAR);
        assert_eq!(to_hours(YEAR), HOURS_PER_YEAR);
        assert_eq!(to_hours(MONTH), HOURS_PER_MONTH);
        assert_eq!(parse_duration("4y").unwrap(), 1461 * DAY);
    }

    #[test]
    fn rejects_bad_durations() {
        for bad in ["", "10", "h", "10x", "1..2h", "-3h"] {
            assert!(parse_duration(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn conversions_round_trip() {
        assert_eq!(to_hours(from_secs(7200.0)), 2.0);
        assert_eq!(from_secs(f64::INFINITY), NEVER);
        assert_eq!(from_secs(-1.0), 0);
    }
}
