//! Studies: a sweep file with a `[study]` table says which question the sweep answers,
//! which figures of each run's summary.json its write-up shows, and what `--small` (the
//! CI-sized study) changes. [`MetricPath`] addresses one figure of a summary.json.
//!
//! ```toml
//! [study]
//! title = "Verified training at scale"
//! question = "What does verified training cost as cheating and job sizes grow?"
//! doc = "docs/studies/verified-training.md"     # found from the study file's directory up
//! metrics = [
//!   { name = "overhead", path = "verification_overhead_usd", scale = 1e-6, unit = "M USD" },
//!   { name = "overhead_share", path = "verification_overhead_usd", per = "consumer_spend_usd", scale = 100, unit = "%" },
//!   { name = "training_done", path = "workloads.training.jobs_completed" },
//!   { name = "uncaught", path = "verification_cheats", minus = "verification_caught" },
//! ]
//! small = { set = ["scenario.duration=20d"], replicates = 2 }
//! ```

use serde_json::Value;

use super::raw::{RawMetric, RawSmall, RawStudy};
use super::{DesignKind, SweepError};
use crate::scenario::Scenario;
use crate::scenario::error::Locator;
use crate::scenario::spanned::Sp;

/// A validated `[study]` table.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// Title of the study.
    pub title: String,
    /// The question it answers.
    pub question: String,
    /// The write-up, as written in the file (resolved by the caller: the study file's
    /// directory, then each parent, until the path exists).
    pub doc: String,
    /// The figures of its table, in column order.
    pub metrics: Vec<StudyMetric>,
    /// What `--small` changes.
    pub small: Small,
}

/// One column of a study's table: a figure of each run's summary.json.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyMetric {
    /// Column label.
    pub name: String,
    /// The figure.
    pub path: MetricPath,
    /// Subtracted: another figure of the same run (e.g. the caught of the cheats).
    pub minus: Option<MetricPath>,
    /// Divisor: another figure of the same run (e.g. spend, for a share of it).
    pub per: Option<MetricPath>,
    /// Factor applied after `per` (100 for a percentage, 1e-6 for millions).
    pub scale: f64,
    /// Unit shown in the column header ("" when none).
    pub unit: String,
}

impl StudyMetric {
    /// The figure of one run: (`path` - `minus`) / `per` x `scale`, each part present
    /// only when given; NaN when the summary holds null (a figure that was not finite).
    pub fn value(&self, summary: &Value) -> Result<f64, String> {
        let mut x = self.path.number(summary)?;
        if let Some(minus) = &self.minus {
            x -= minus.number(summary)?;
        }
        let div = match &self.per {
            Some(per) => per.number(summary)?,
            None => 1.0,
        };
        Ok(x / div * self.scale)
    }
}

/// What `--small` changes: extra overrides and fewer replicates or samples.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Small {
    /// Overrides applied after the sweep's `set`.
    pub set: Vec<String>,
    /// Replicates instead of the sweep's.
    pub replicates: Option<usize>,
    /// Samples instead of the sweep's (random and lhs designs).
    pub samples: Option<usize>,
}

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

type Res<T> = Result<T, SweepError>;

/// Validates `[study]`: non-empty texts, at least one metric with distinct names and
/// well-formed paths, and a `small` whose overrides apply to the base scenario.
pub(super) fn validate(
    loc: &Locator,
    raw: &Sp<RawStudy>,
    design: DesignKind,
    base: (&str, &str),
    set: &[String],
) -> Res<Study> {
    let s = raw.get();
    let text = |v: &Sp<String>, what: &str| -> Res<String> {
        let t = v.get().trim();
        if t.is_empty() {
            return Err(loc.error(v.span(), format!("expected a non-empty {what}")));
        }
        Ok(t.to_string())
    };
    let title = text(&s.title, "title")?;
    let question = text(&s.question, "question")?;
    let doc = text(&s.doc, "doc (the write-up's path)")?;
    if s.metrics.get().is_empty() {
        return Err(loc.error(
            s.metrics.span(),
            "expected at least one metric: { name = \"...\", path = \"...\" }",
        ));
    }
    let mut metrics: Vec<StudyMetric> = Vec::new();
    for m in s.metrics.get() {
        let metric = self::metric(loc, m.get())?;
        if metrics.iter().any(|o| o.name == metric.name) {
            return Err(loc.error(
                m.get().name.span(),
                format!("metric name `{}` is used twice", metric.name),
            ));
        }
        metrics.push(metric);
    }
    let small = match &s.small {
        None => Small::default(),
        Some(sp) => self::small(loc, sp.get(), design, base, set)?,
    };
    Ok(Study {
        title,
        question,
        doc,
        metrics,
        small,
    })
}

fn path(loc: &Locator, sp: &Sp<String>) -> Res<MetricPath> {
    MetricPath::parse(sp.get().trim()).map_err(|why| {
        loc.error(
            sp.span(),
            format!(
                "expected a dotted path into summary.json such as workloads.training.jobs_completed: {why}"
            ),
        )
    })
}

fn metric(loc: &Locator, m: &RawMetric) -> Res<StudyMetric> {
    let name = m.name.get().trim().to_string();
    if name.is_empty() || name.contains('|') {
        return Err(loc.error(
            m.name.span(),
            "expected a non-empty metric name without `|` (it heads a Markdown column)",
        ));
    }
    let scale = match &m.scale {
        None => 1.0,
        Some(v) if v.get().is_finite() && *v.get() != 0.0 => *v.get(),
        Some(v) => return Err(loc.error(v.span(), "expected a finite, non-zero scale")),
    };
    let unit = m
        .unit
        .as_ref()
        .map_or(String::new(), |u| u.get().trim().to_string());
    if unit.contains('|') {
        let span = m.unit.as_ref().map_or(m.name.span(), Sp::span);
        return Err(loc.error(span, "expected a unit without `|`"));
    }
    Ok(StudyMetric {
        name,
        path: path(loc, &m.path)?,
        minus: m.minus.as_ref().map(|p| path(loc, p)).transpose()?,
        per: m.per.as_ref().map(|p| path(loc, p)).transpose()?,
        scale,
        unit,
    })
}

fn small(
    loc: &Locator,
    raw: &RawSmall,
    design: DesignKind,
    (base_text, base_file): (&str, &str),
    set: &[String],
) -> Res<Small> {
    let count = |v: &Option<Sp<i64>>, what: &str| -> Res<Option<usize>> {
        match v {
            None => Ok(None),
            Some(v) => match usize::try_from(*v.get()) {
                Ok(n) if n >= 1 => Ok(Some(n)),
                _ => Err(loc.error(v.span(), format!("expected {what} >= 1"))),
            },
        }
    };
    let replicates = count(&raw.replicates, "replicates")?;
    let samples = count(&raw.samples, "samples")?;
    if let (Some(sp), DesignKind::Grid) = (&raw.samples, design) {
        return Err(loc.error(sp.span(), "samples applies to random and lhs designs only"));
    }
    let mut all = set.to_vec();
    for o in &raw.set {
        all.push(o.get().clone());
        Scenario::parse(base_text, base_file, &all).map_err(|e| {
            loc.error(
                o.span(),
                format!("the small override does not apply to the base scenario: {e}"),
            )
        })?;
    }
    Ok(Small {
        set: raw.set.iter().map(|o| o.get().clone()).collect(),
        replicates,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
        };
        assert_eq!(m.value(&summary()), Ok(30.0));
        let m = StudyMetric {
            minus: Some(MetricPath::parse("workloads.0.jobs_completed").unwrap()),
            ..m
        };
        assert_eq!(m.value(&summary()), Ok(-40.0), "(3 - 7) / 10 x 100");
    }

    const SWEEP: &str = "[sweep]\nname = \"t\"\nbase = \"gensyn\"\nset = [\"scenario.duration=2d\"]\nreplicates = 3\n\n[[axes]]\npath = \"verification.cheater_fraction\"\nvalues = [0.0, 0.1]\n\n";
    const STUDY: &str = "[study]\ntitle = \"T\"\nquestion = \"Q?\"\ndoc = \"docs/t.md\"\nmetrics = [\n  { name = \"cheats\", path = \"verification_cheats\" },\n  { name = \"share\", path = \"verification_overhead_usd\", per = \"consumer_spend_usd\", scale = 100, unit = \"%\" },\n]\nsmall = { set = [\"scenario.duration=1d\"], replicates = 2 }\n";

    fn parse(study: &str) -> Result<crate::sweep::Sweep, SweepError> {
        crate::sweep::Sweep::parse(
            &format!("{SWEEP}{study}"),
            "s.toml",
            std::path::Path::new("."),
        )
    }

    fn error_at(study: &str) -> String {
        parse(study).unwrap_err().to_string()
    }

    #[test]
    fn a_study_table_is_read_and_small_shrinks_the_sweep() {
        let sweep = parse(STUDY).unwrap();
        let study = sweep.study.as_ref().unwrap();
        assert_eq!(study.doc, "docs/t.md");
        assert_eq!(study.metrics.len(), 2);
        assert_eq!(study.metrics[1].scale, 100.0);
        assert_eq!(
            study.metrics[1].per.as_ref().unwrap().text,
            "consumer_spend_usd"
        );
        let small = sweep.small();
        assert_eq!(small.replicates, 2);
        assert_eq!(small.set, ["scenario.duration=2d", "scenario.duration=1d"]);
        assert_eq!(small.runs().len(), 4);
        assert!(parse("").unwrap().study.is_none(), "a plain sweep file");
    }

    #[test]
    fn a_bad_study_table_is_located() {
        // The study starts on line 11.
        let cases = [
            (
                STUDY.replace("title = \"T\"", "title = \" \""),
                "s.toml:12:9:",
                "non-empty title",
            ),
            (
                STUDY.replace("doc = ", "docs = "),
                "s.toml:14:1:",
                "unknown field `docs`",
            ),
            (
                STUDY.replace("doc = \"docs/t.md\"\n", ""),
                "s.toml:11:1:",
                "missing field `doc`",
            ),
            (
                STUDY.replace("verification_cheats", "a..b"),
                "s.toml:16:29:",
                "dotted path",
            ),
            (
                STUDY.replace("\"share\"", "\"cheats\""),
                "s.toml:17:12:",
                "used twice",
            ),
            (
                STUDY.replace("scale = 100", "scale = 0"),
                "s.toml:17:93:",
                "non-zero scale",
            ),
            (
                STUDY.replace("duration=1d", "duraton=1d"),
                "s.toml:19:18:",
                "does not apply",
            ),
            (
                STUDY.replace("replicates = 2", "replicates = 0"),
                "s.toml:19:56:",
                "replicates >= 1",
            ),
            (
                STUDY.replace("replicates = 2", "samples = 2"),
                "s.toml:19:53:",
                "random and lhs",
            ),
            (
                STUDY.replace("metrics = [", "metrics = [ ]\nold = ["),
                "s.toml:16:1:",
                "unknown field `old`",
            ),
        ];
        for (study, at, what) in cases {
            let e = error_at(&study);
            assert!(
                e.starts_with(at) && e.contains(what),
                "expected {at} {what}, got: {e}"
            );
        }
        let e =
            error_at("[study]\ntitle = \"T\"\nquestion = \"Q\"\ndoc = \"d.md\"\nmetrics = []\n");
        assert!(
            e.starts_with("s.toml:15:11:") && e.contains("at least one metric"),
            "{e}"
        );
    }
}
