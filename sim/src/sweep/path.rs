//! [`MetricPath`]: one figure of a run's summary.json, addressed by a dotted path.

use serde_json::Value;

/// Fields that name an element of a list in summary.json, in this order of precedence.
pub const NAME_FIELDS: [&str; 4] = ["name", "venue", "workload", "cloud"];

/// A dotted path to one figure of a summary.json: keys into objects; in a list, the
/// element whose name is the key. An element's name is the string in its first field of
/// [`NAME_FIELDS`] that it has (`workloads.training.jobs_completed`,
/// `alternatives.aws.savings_pct`, `venues.akash.demand_share`); an element with none of
/// these fields matches when any of its string fields equals the key. No element, or
/// more than one, is an error; when no element matches, a key that is a number picks the
/// element at that position (from 0). A key with a dot in it is written in double quotes:
/// `venues."io.net".jobs`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricPath {
    /// The path as written.
    pub text: String,
    /// Its keys.
    pub keys: Vec<String>,
}

impl MetricPath {
    /// Parses `text`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<MetricPath, String> {
        let mut keys = Vec::new();
        let mut key = String::new();
        let mut quoted = false;
        let mut was_quoted = false;
        for c in text.chars() {
            match c {
                '"' if quoted => quoted = false,
                '"' if key.is_empty() && !was_quoted => (quoted, was_quoted) = (true, true),
                '"' => return Err("a quote may only enclose a whole key".into()),
                '.' if !quoted => {
                    if key.is_empty() && !was_quoted {
                        return Err("empty key (two dots, or a dot at an end)".into());
                    }
                    keys.push(std::mem::take(&mut key));
                    was_quoted = false;
                }
                c if was_quoted && !quoted => {
                    return Err(format!("`{c}` after a closing quote (expected a dot)"));
                }
                c => key.push(c),
            }
        }
        if quoted {
            return Err("unclosed quote".into());
        }
        if key.is_empty() && !was_quoted {
            return Err("empty key (two dots, or a dot at an end)".into());
        }
        keys.push(key);
        Ok(MetricPath {
            text: text.to_string(),
            keys,
        })
    }

    /// The value at the path in `summary`; the error says which key was not found and
    /// what was there instead.
    pub fn lookup<'a>(&self, summary: &'a Value) -> Result<&'a Value, String> {
        let mut at = summary;
        for (depth, key) in self.keys.iter().enumerate() {
            let here = || {
                if depth == 0 {
                    "the summary".to_string()
                } else {
                    format!("`{}`", self.keys[..depth].join("."))
                }
            };
            at = match at {
                Value::Object(map) => map.get(key).ok_or_else(|| {
                    let mut keys: Vec<&str> = map.keys().map(String::as_str).collect();
                    keys.sort_unstable();
                    format!("no key `{key}` in {} (it has: {})", here(), shorten(&keys))
                })?,
                Value::Array(list) => {
                    element(list, key).map_err(|why| format!("{} is a list and {why}", here()))?
                }
                other => {
                    return Err(format!(
                        "{} is {}, not an object or a list: no key `{key}` in it",
                        here(),
                        kind(other)
                    ));
                }
            };
        }
        Ok(at)
    }

    /// The number at the path: NaN for null (not finite when written), 1 or 0 for a
    /// boolean; anything else is an error.
    pub fn number(&self, summary: &Value) -> Result<f64, String> {
        match self.lookup(summary)? {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
            Value::Null => Ok(f64::NAN),
            Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
            other => Err(format!("it is {}, not a number", kind(other))),
        }
    }
}

/// The name of a list element: its first [`NAME_FIELDS`] field holding a string.
fn name_of(item: &Value) -> Option<&str> {
    NAME_FIELDS
        .iter()
        .find_map(|f| item.get(*f).and_then(Value::as_str))
}

/// Whether list element `item` is the one `key` names.
fn matches(item: &Value, key: &str) -> bool {
    match (name_of(item), item) {
        (Some(name), _) => name == key,
        (None, Value::Object(map)) => map.values().any(|v| v.as_str() == Some(key)),
        (None, _) => false,
    }
}

/// The element of `list` named `key` (see [`MetricPath`]).
fn element<'a>(list: &'a [Value], key: &str) -> Result<&'a Value, String> {
    let found: Vec<&Value> = list.iter().filter(|v| matches(v, key)).collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => match key.parse::<usize>().ok().and_then(|i| list.get(i)) {
            Some(v) => Ok(v),
            None => {
                let names: Vec<&str> = list.iter().filter_map(name_of).collect();
                Err(format!(
                    "no element of it is named `{key}` (its names: {})",
                    shorten(&names)
                ))
            }
        },
        many => Err(format!("{} of its elements are named `{key}`", many.len())),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// At most 12 names, then how many more.
fn shorten(names: &[&str]) -> String {
    if names.is_empty() {
        return "none".into();
    }
    let mut text = names
        .iter()
        .take(12)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 12 {
        text.push_str(&format!(", and {} more", names.len() - 12));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::StudyMetric;
    use serde_json::json;

    fn summary() -> Value {
        json!({
            "jobs_completed": 10,
            "median_payback_months": null,
            "scenario": "gensyn",
            "workloads": [
                { "workload": "fine-tuning", "tier": "-", "jobs_completed": 7 },
                { "workload": "training", "tier": "-", "jobs_completed": 3 }
            ],
            "alternatives": [
                { "cloud": "aws", "offering": "on_demand", "savings_pct": 58.5 },
                { "cloud": "gcp", "offering": "on_demand", "savings_pct": null }
            ],
            "venues": [
                { "venue": "io.net", "demand_share": 0.25, "savings_pct_vs": { "aws": 40.0 } }
            ],
            "claims": [ { "metric": "price", "side": "supply", "p50": 1.5 } ]
        })
    }

    fn get(path: &str) -> Result<f64, String> {
        MetricPath::parse(path)?.number(&summary())
    }

    #[test]
    fn paths_reach_objects_and_list_elements_by_name() {
        assert_eq!(get("jobs_completed"), Ok(10.0));
        assert_eq!(get("workloads.training.jobs_completed"), Ok(3.0));
        assert_eq!(get("alternatives.aws.savings_pct"), Ok(58.5));
        assert_eq!(get("venues.\"io.net\".savings_pct_vs.aws"), Ok(40.0));
        assert_eq!(
            get("claims.price.p50"),
            Ok(1.5),
            "any string field, unnamed"
        );
        assert_eq!(get("workloads.1.jobs_completed"), Ok(3.0), "by position");
        assert!(
            get("median_payback_months").unwrap().is_nan(),
            "null is NaN"
        );
        assert!(get("alternatives.gcp.savings_pct").unwrap().is_nan());
    }

    #[test]
    fn a_missing_key_says_where_and_what_is_there() {
        let e = get("workloads.serving.jobs_completed").unwrap_err();
        assert!(e.contains("`workloads` is a list"), "{e}");
        assert!(e.contains("fine-tuning, training"), "{e}");
        let e = get("jobs_complete").unwrap_err();
        assert!(e.contains("no key `jobs_complete` in the summary"), "{e}");
        let e = get("workloads.training.jobs").unwrap_err();
        assert!(e.contains("no key `jobs` in `workloads.training`"), "{e}");
        let e = get("scenario").unwrap_err();
        assert!(e.contains("a string, not a number"), "{e}");
        let e = get("jobs_completed.x").unwrap_err();
        assert!(e.contains("`jobs_completed` is a number"), "{e}");
        let e = get("alternatives.on_demand.savings_pct").unwrap_err();
        assert!(e.contains("no element of it is named `on_demand`"), "{e}");
        let two = json!({ "l": [ { "cloud": "aws", "x": 1 }, { "cloud": "aws", "x": 2 } ] });
        let e = MetricPath::parse("l.aws.x")
            .unwrap()
            .number(&two)
            .unwrap_err();
        assert!(e.contains("2 of its elements are named `aws`"), "{e}");
    }

    #[test]
    fn malformed_paths_are_refused() {
        for bad in ["", "a..b", "a.", ".a", "a.\"b", "a.\"b\"c", "a.b\"c\""] {
            assert!(MetricPath::parse(bad).is_err(), "{bad}");
        }
        let p = MetricPath::parse("venues.\"io.net\".jobs").unwrap();
        assert_eq!(p.keys, ["venues", "io.net", "jobs"]);
    }

    #[test]
    fn minus_per_and_scale_make_a_share() {
        let m = StudyMetric {
            name: "share".into(),
            path: MetricPath::parse("workloads.training.jobs_completed").unwrap(),
            minus: None,
            per: Some(MetricPath::parse("jobs_completed").unwrap()),
            scale: 100.0,
            unit: "%".into(),
            share: None,
            half_width: None,
        };
        assert_eq!(m.value(&summary()), Ok(30.0));
        let m = StudyMetric {
            minus: Some(MetricPath::parse("workloads.0.jobs_completed").unwrap()),
            ..m
        };
        assert_eq!(m.value(&summary()), Ok(-40.0), "(3 - 7) / 10 x 100");
    }
}
