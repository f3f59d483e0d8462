//! A sweep's varying parameter (`[[axes]]`, a study's sensitivity parameters): its
//! path, domain (values or a range) and the value it takes at a point of the unit
//! interval.

/// One varying parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Label used in tables (a column name).
    pub name: String,
    /// Dotted scenario path, as for `--set`.
    pub path: String,
    /// More paths set to the same value.
    pub also: Vec<String>,
    /// Where the values come from.
    pub domain: Domain,
}

/// The values an axis can take.
#[derive(Debug, Clone, PartialEq)]
pub enum Domain {
    /// Explicit values (categorical when sampled).
    Values(Vec<toml::Value>),
    /// A continuous range; `steps` grid points in grid designs.
    Range {
        /// Lowest value.
        min: f64,
        /// Highest value.
        max: f64,
        /// Grid points (grid designs only).
        steps: Option<usize>,
        /// Evenly spaced in log space.
        log: bool,
        /// Rounded to integers.
        integer: bool,
        /// Duration unit appended to the value (`"d"`), written as a TOML string.
        unit: Option<String>,
    },
}

/// The value an axis takes at one design point: the TOML text given to `--set`, and a
/// number for tables and charts (NaN when the value is not numeric).
#[derive(Debug, Clone, PartialEq)]
pub struct ParamValue {
    /// Axis label.
    pub name: String,
    /// Dotted path.
    pub path: String,
    /// TOML text of the value.
    pub text: String,
    /// Numeric value (durations in the axis unit); NaN when not a number.
    pub number: f64,
}

/// The axis value at quantile `u` in [0, 1] of its domain.
pub fn value_at(axis: &Axis, u: f64) -> ParamValue {
    from_unit(axis, u)
}

pub(super) fn from_unit(axis: &Axis, u: f64) -> ParamValue {
    match &axis.domain {
        Domain::Values(values) => {
            let i = ((u * values.len() as f64) as usize).min(values.len() - 1);
            from_toml(axis, &values[i])
        }
        Domain::Range {
            min,
            max,
            log,
            integer,
            unit,
            ..
        } => {
            let mut x = if *log {
                // The ends exactly (exp(ln x) need not give x back).
                match u {
                    0.0 => *min,
                    1.0 => *max,
                    _ => (min.ln() + u * (max.ln() - min.ln())).exp(),
                }
            } else {
                min + u * (max - min)
            };
            if *integer {
                x = x.round();
            }
            let number = format_number(x);
            let text = match unit {
                Some(unit) => format!("\"{number}{unit}\""),
                None => number,
            };
            ParamValue {
                name: axis.name.clone(),
                path: axis.path.clone(),
                text,
                number: x,
            }
        }
    }
}

/// Shortest text that reads back as `x` (integers without a fraction).
pub(super) fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

pub(super) fn from_toml(axis: &Axis, value: &toml::Value) -> ParamValue {
    let number = match value {
        toml::Value::Integer(i) => *i as f64,
        toml::Value::Float(f) => *f,
        toml::Value::Boolean(b) => f64::from(u8::from(*b)),
        toml::Value::String(s) => leading_number(s),
        _ => f64::NAN,
    };
    ParamValue {
        name: axis.name.clone(),
        path: axis.path.clone(),
        text: value.to_string(),
        number,
    }
}

/// The number a string starts with (`"3.5d"` gives 3.5), NaN when none.
pub(super) fn leading_number(s: &str) -> f64 {
    let end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '_'))
        .unwrap_or(s.len());
    s[..end].replace('_', "").parse().unwrap_or(f64::NAN)
}
