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

use super::design_kind::DesignKind;
use crate::input::error::Locator;
use crate::input::spanned::Sp;
use crate::scenario::Scenario;
use crate::scenario::ScenarioError as SweepError;
use crate::sweep::path::MetricPath;
use crate::sweep::raw::{RawMetric, RawSmall, RawStudy};
use crate::sweep::sensitivity::{Context, Sensitivity};

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
    /// Its global sensitivity analysis (`[study.sensitivity]`), if any.
    pub sensitivity: Option<Sensitivity>,
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
    /// The figure before `scale` is a share in [0, 1] (`interval = "share"`): its
    /// interval is a Wilson score interval; `Some(count)`: with the trials of a run at
    /// that path.
    pub share: Option<Option<MetricPath>>,
    /// The interval half-width the conclusions need [the metric's unit].
    pub half_width: Option<f64>,
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

type Res<T> = Result<T, SweepError>;

/// Validates `[study]`: non-empty texts, at least one metric with distinct names and
/// well-formed paths, and a `small` whose overrides apply to the base scenario.
pub(super) fn validate(
    loc: &Locator,
    raw: &Sp<RawStudy>,
    design: DesignKind,
    base: (&str, &str),
    (set, arms): (&[String], usize),
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
    let names: Vec<String> = metrics.iter().map(|m| m.name.clone()).collect();
    let sensitivity = match &s.sensitivity {
        None => None,
        Some(sp) => Some(crate::sweep::sensitivity::validate(
            loc,
            sp,
            &Context {
                base,
                set,
                arms,
                metric_names: &names,
            },
        )?),
    };
    Ok(Study {
        title,
        question,
        doc,
        metrics,
        small,
        sensitivity,
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
    let count = m.count.as_ref().map(|p| path(loc, p)).transpose()?;
    let share = match m.interval.as_ref().map(|i| (i, i.get().as_str())) {
        None | Some((_, "t")) => {
            if let Some(c) = &m.count {
                return Err(loc.error(c.span(), "count applies to interval = \"share\""));
            }
            None
        }
        Some((_, "share")) => Some(count),
        Some((i, other)) => {
            return Err(loc.error(
                i.span(),
                format!("interval `{other}`: expected \"t\" or \"share\""),
            ));
        }
    };
    let half_width = match &m.half_width {
        None => None,
        Some(v) if v.get().is_finite() && *v.get() > 0.0 => Some(*v.get()),
        Some(v) => return Err(loc.error(v.span(), "expected a finite half_width > 0")),
    };
    Ok(StudyMetric {
        name,
        path: path(loc, &m.path)?,
        minus: m.minus.as_ref().map(|p| path(loc, p)).transpose()?,
        per: m.per.as_ref().map(|p| path(loc, p)).transpose()?,
        scale,
        unit,
        share,
        half_width,
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
