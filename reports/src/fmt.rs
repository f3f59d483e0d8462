//! Readable numbers for the report: thousands separators, 2-3 significant decimals, and
//! "n/a" for NaN or infinite figures.

/// Shown for NaN, infinite or missing figures.
pub(crate) const NA: &str = "n/a";

/// Inserts thousands separators into a string of ASCII digits.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// An integer with thousands separators: 1234567 -> "1,234,567".
pub(crate) fn int(n: u64) -> String {
    group_digits(&n.to_string())
}

/// Decimals shown for a magnitude: >= 1000: 0, >= 100: 1, >= 1: 2, >= 0.01: 3, below that
/// enough for 3 significant digits.
pub(crate) fn decimals_for(magnitude: f64) -> usize {
    if magnitude >= 1000.0 {
        0
    } else if magnitude >= 100.0 {
        1
    } else if magnitude >= 1.0 {
        2
    } else if magnitude >= 0.01 || magnitude == 0.0 {
        3
    } else {
        (2.0 - magnitude.log10().floor()).clamp(3.0, 12.0) as usize
    }
}

/// A number: 1234567.8 -> "1,234,568", 123.45 -> "123.5", 1.234 -> "1.23",
/// 0.1234 -> "0.123", 0 -> "0", NaN -> "n/a".
pub(crate) fn num(x: f64) -> String {
    if !x.is_finite() {
        return NA.to_string();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let d = decimals_for(x.abs());
    let rounded: f64 = format!("{:.d$}", x.abs()).parse().unwrap_or(x.abs());
    fixed(x, d.min(decimals_for(rounded)))
}

/// A number with exactly `decimals` decimals and thousands separators: (1234.5, 1) ->
/// "1,234.5"; NaN -> "n/a".
pub(crate) fn fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return NA.to_string();
    }
    let text = format!("{:.decimals$}", x.abs());
    let (int_part, frac) = text.split_once('.').unwrap_or((&text, ""));
    let sign = if x < 0.0 && text.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        "-"
    } else {
        ""
    };
    if frac.is_empty() {
        format!("{sign}{}", group_digits(int_part))
    } else {
        format!("{sign}{}.{frac}", group_digits(int_part))
    }
}

/// A USD amount: like [`num`] but cents from 1 to 1000: -1234.6 -> "-$1,235",
/// 400 -> "$400.00", 1.333 -> "$1.33", 0.4567 -> "$0.457", NaN -> "n/a".
pub(crate) fn usd(x: f64) -> String {
    if !x.is_finite() {
        return NA.to_string();
    }
    let cents = format!("{x:.2}");
    let text = match cents.trim_start_matches('-').parse::<f64>() {
        Ok(m) if (100.0..1000.0).contains(&m) => cents,
        _ => num(x),
    };
    match text.strip_prefix('-') {
        Some(rest) => format!("-${rest}"),
        None => format!("${text}"),
    }
}

/// A fraction as a percentage with one decimal: 0.4567 -> "45.7%".
pub(crate) fn pct(fraction: f64) -> String {
    pct_points(100.0 * fraction)
}

/// A figure already in percent, one decimal: 45.67 -> "45.7%".
pub(crate) fn pct_points(points: f64) -> String {
    if !points.is_finite() {
        return NA.to_string();
    }
    let text = format!("{points:.1}");
    let text = if text == "-0.0" {
        "0.0".to_string()
    } else {
        text
    };
    format!("{text}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_and_rounded() {
        assert_eq!(int(0), "0");
        assert_eq!(int(1_234_567), "1,234,567");
        assert_eq!(num(1_234_567.8), "1,234,568");
        assert_eq!(num(123.45), "123.5");
        assert_eq!(num(999.96), "1,000");
        assert_eq!(num(1.234), "1.23");
        assert_eq!(num(0.1234), "0.123");
        assert_eq!(num(0.000_123_4), "0.000123");
        assert_eq!(num(-2500.0), "-2,500");
        assert_eq!(num(-0.0001), "-0.000100");
        assert_eq!(num(0.0), "0");
        assert_eq!(fixed(1234.5, 1), "1,234.5");
        assert_eq!(fixed(-0.04, 1), "0.0");
    }

    #[test]
    fn non_finite_is_na() {
        assert_eq!(num(f64::NAN), "n/a");
        assert_eq!(usd(f64::INFINITY), "n/a");
        assert_eq!(pct(f64::NAN), "n/a");
    }

    #[test]
    fn money_and_percent() {
        assert_eq!(usd(1.333), "$1.33");
        assert_eq!(usd(400.0), "$400.00");
        assert_eq!(usd(999.999), "$1,000");
        assert_eq!(usd(-123.456), "-$123.46");
        assert_eq!(usd(0.4567), "$0.457");
        assert_eq!(usd(-1234.6), "-$1,235");
        assert_eq!(pct(0.4567), "45.7%");
        assert_eq!(pct_points(50.0), "50.0%");
        assert_eq!(pct_points(-0.01), "0.0%");
    }
}
