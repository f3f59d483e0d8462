//! Calendar dates: UTC instants as whole seconds since 1970-01-01T00:00:00Z on the
//! proleptic Gregorian calendar, with no leap seconds (the convention of Unix time, of
//! the chains' block times and of Polars' `Datetime`).
//!
//! A scenario may name the date it starts (`[scenario] start`); simulated time
//! ([`crate::base::time::SimTime`], microseconds since the run's start) maps to a date by
//! adding it. Schedules that have a life of their own (a chain's inflation counted from
//! its genesis, an hourly emission from its first block) hold the date their life began
//! and evaluate themselves at `date - genesis`, wherever the run starts.
//!
//! Calendar months (for monthly series, allocation tables and backtests) are real
//! months of 28 to 31 days; per-month *rates* elsewhere use the Julian month of 730.5 h
//! (see [`crate::base::time`]).

use std::fmt;

/// A UTC instant [s since 1970-01-01T00:00:00Z].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(pub i64);

/// Seconds per day [s].
pub const SECONDS_PER_DAY: i64 = 86_400;

/// Why a date string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateParseError(pub String);

impl fmt::Display for DateParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateParseError {}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400; // [0, 399]
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

/// (year, month 1-12, day 1-31) of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Days in a month of a year (28 to 31).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    (days_from_civil(ny, nm, 1) - days_from_civil(year, month, 1)) as u32
}

impl Instant {
    /// The instant at midnight UTC starting a date.
    pub fn from_ymd(year: i64, month: u32, day: u32) -> Instant {
        Instant(days_from_civil(year, month, day) * SECONDS_PER_DAY)
    }

    /// Parses `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MMZ`
    /// (a space may replace the `T`; `+00:00` may replace the `Z`). Times in other zones
    /// are refused rather than guessed.
    pub fn parse(text: &str) -> Result<Instant, DateParseError> {
        let bad = || {
            DateParseError(format!(
                "expected a UTC date such as \"2024-06-25\" or \"2024-06-25T12:00:00Z\", found {text:?}"
            ))
        };
        let t = text.trim();
        let (date, time) = match t.find(['T', ' ']) {
            Some(i) => (&t[..i], Some(&t[i + 1..])),
            None => (t, None),
        };
        let mut parts = date.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
            return Err(bad());
        }
        let year: i64 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        let day: u32 = d.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(DateParseError(format!("{text:?} is not a calendar date")));
        }
        let mut secs = days_from_civil(year, month, day) * SECONDS_PER_DAY;
        if let Some(time) = time {
            let clock = time
                .strip_suffix('Z')
                .or_else(|| time.strip_suffix("+00:00"))
                .ok_or_else(|| {
                    DateParseError(format!(
                        "{text:?}: a time of day must be in UTC, ending in \"Z\" (e.g. \"2024-06-25T12:00:00Z\")"
                    ))
                })?;
            let fields: Vec<&str> = clock.split(':').collect();
            if !(fields.len() == 2 || fields.len() == 3) || !fields.iter().all(|f| digits(f, 2)) {
                return Err(bad());
            }
            let hh: i64 = fields[0].parse().map_err(|_| bad())?;
            let mm: i64 = fields[1].parse().map_err(|_| bad())?;
            let ss: i64 = fields
                .get(2)
                .map_or(Ok(0), |s| s.parse())
                .map_err(|_| bad())?;
            if hh > 23 || mm > 59 || ss > 59 {
                return Err(DateParseError(format!("{text:?}: not a time of day")));
            }
            secs += hh * 3600 + mm * 60 + ss;
        }
        Ok(Instant(secs))
    }

    /// (year, month, day) of the instant's date.
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0.div_euclid(SECONDS_PER_DAY))
    }

    /// Midnight UTC on the first day of the instant's month.
    pub fn month_start(self) -> Instant {
        let (y, m, _) = self.ymd();
        Instant::from_ymd(y, m, 1)
    }

    /// Midnight UTC on the first day of the next month.
    pub fn next_month_start(self) -> Instant {
        let (y, m, _) = self.ymd();
        if m == 12 {
            Instant::from_ymd(y + 1, 1, 1)
        } else {
            Instant::from_ymd(y, m + 1, 1)
        }
    }

    /// This instant plus `hours` (rounded to the nearest second).
    pub fn plus_hours(self, hours: f64) -> Instant {
        Instant(self.0 + (hours * 3600.0).round() as i64)
    }

    /// Hours from `earlier` to this instant [h] (negative when `earlier` is later).
    pub fn hours_since(self, earlier: Instant) -> f64 {
        (self.0 - earlier.0) as f64 / 3600.0
    }

    /// `YYYY-MM` of the instant's month.
    pub fn month_label(self) -> String {
        let (y, m, _) = self.ymd();
        format!("{y:04}-{m:02}")
    }

    /// `YYYY-MM-DD` of the instant's date.
    pub fn date_label(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// Milliseconds since 1970-01-01 (Polars' `Datetime(ms)`).
    pub fn unix_ms(self) -> i64 {
        self.0 * 1000
    }
}

impl fmt::Display for Instant {
    /// RFC 3339 in UTC: `2024-06-25T12:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        let s = self.0.rem_euclid(SECONDS_PER_DAY);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            s / 3600,
            s / 60 % 60,
            s % 60
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn known_dates() {
        assert_eq!(Instant::from_ymd(1970, 1, 1), Instant(0));
        // 2024-06-25T12:00:00Z, io.net's first block-reward hour per the 1kx series' June total.
        let t = Instant::parse("2024-06-25T12:00:00Z").unwrap();
        assert_eq!(t.0, 1_719_316_800);
        assert_eq!(t.to_string(), "2024-06-25T12:00:00Z");
        assert_eq!(Instant::parse("2024-06-25 12:00Z").unwrap(), t);
        assert_eq!(Instant::parse("2024-06-25T12:00:00+00:00").unwrap(), t);
        assert_eq!(
            Instant::parse("2000-02-29").unwrap().date_label(),
            "2000-02-29"
        );
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2100, 2), 28);
        assert_eq!(days_in_month(2023, 12), 31);
        assert_eq!(t.month_start().to_string(), "2024-06-01T00:00:00Z");
        assert_eq!(t.next_month_start().to_string(), "2024-07-01T00:00:00Z");
        assert_eq!(
            Instant::from_ymd(2023, 12, 5)
                .next_month_start()
                .to_string(),
            "2024-01-01T00:00:00Z"
        );
        assert_eq!(t.month_label(), "2024-06");
    }

    #[test]
    fn malformed_dates_are_refused() {
        for bad in [
            "",
            "2024-6-25",
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-06-25T12:00:00",
            "2024-06-25T12:00:00+02:00",
            "2024-06-25T24:00:00Z",
            "yesterday",
            "2024-06-25-01",
        ] {
            assert!(Instant::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    proptest! {
        #[test]
        fn civil_round_trip(days in -1_000_000i64..1_000_000) {
            let (y, m, d) = civil_from_days(days);
            prop_assert!((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m));
            prop_assert_eq!(days_from_civil(y, m, d), days);
        }

        #[test]
        fn display_parses_back(secs in -10_000_000_000i64..10_000_000_000) {
            let t = Instant(secs);
            prop_assert_eq!(Instant::parse(&t.to_string()).unwrap(), t);
        }
    }
}
