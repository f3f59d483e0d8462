//! A study's global sensitivity analysis (`[study.sensitivity]`): which parameters it
//! varies (each over a range), by which method (Morris screening or Sobol indices,
//! [`crate::sweep::indices`]), around which arm of the study's design, and for which of
//! its metrics. The analysis runs as a sweep of its own ([`Sweep::sensitivity`]) through
//! the same executor as the study (parallel, resumable), into `<out>/sensitivity/`.
//!
//! ```toml
//! [study.sensitivity]
//! method = "morris"            # or "sobol"
//! samples = 6                  # trajectories (morris: samples x (k + 1) runs) or
//!                              # base rows (sobol: samples x (k + 2) runs)
//! levels = 4                   # morris grid levels (even)
//! replicates = 1               # seeds per point, the same at every point
//! arm = 1                      # vary around this arm of the study's design
//! set = ["scenario.duration=180d"]
//! metrics = ["inference_to_networks"]
//! small_samples = 2            # with --small
//! parameters = [
//!   { name = "price_coefficient", path = "choice.price_coefficient.inference", min = 1, max = 20, log = true },
//!   { name = "wait_cost", path = "choice.wait_cost", min = 0.05, max = 1.0 },
//! ]
//! ```

use super::axis::Axis;
use super::axis_check::{axis, try_on_base};
use super::design_kind::DesignKind;
use crate::input::error::Locator;
use crate::input::spanned::Sp;
use crate::scenario::Scenario;
use crate::scenario::ScenarioError as SweepError;
use crate::sweep::raw::RawSensitivity;

/// Morris grid levels when `levels` is absent.
pub const DEFAULT_LEVELS: usize = 4;
/// Samples with `--small` when `small_samples` is absent.
pub const DEFAULT_SMALL_SAMPLES: usize = 2;

/// A validated `[study.sensitivity]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Sensitivity {
    /// Morris (with its levels) or Sobol.
    pub design: DesignKind,
    /// Trajectories (Morris) or base rows (Sobol).
    pub samples: usize,
    /// Samples with `--small`.
    pub small_samples: usize,
    /// Seeds per point.
    pub replicates: usize,
    /// The arm whose settings it varies around.
    pub arm: usize,
    /// Overrides after the sweep's and the arm's.
    pub set: Vec<String>,
    /// The parameters (ranges).
    pub parameters: Vec<Axis>,
    /// The study's metrics it analyses (indices into `Study::metrics`).
    pub metrics: Vec<usize>,
}

type Res<T> = Result<T, SweepError>;

/// What the table needs of the study around it to check a sensitivity table.
pub(super) struct Context<'a> {
    /// The base scenario's text and its name in errors.
    pub base: (&'a str, &'a str),
    /// The sweep's overrides.
    pub set: &'a [String],
    /// Arms of the study's design.
    pub arms: usize,
    /// The study's metric names.
    pub metric_names: &'a [String],
}

/// `[study.sensitivity]` checked: a known method, counts >= 1 (even levels), an arm of
/// the design, known metric names, and every parameter a range that applies to the
/// base scenario at both ends.
pub(super) fn validate(loc: &Locator, sp: &Sp<RawSensitivity>, cx: &Context) -> Res<Sensitivity> {
    let r = sp.get();
    let count = |v: &Sp<i64>, min: i64, what: &str| -> Res<usize> {
        match *v.get() {
            n if n >= min => Ok(n as usize),
            _ => Err(loc.error(v.span(), format!("expected {what} >= {min}"))),
        }
    };
    let levels = match &r.levels {
        None => DEFAULT_LEVELS,
        Some(v) if *v.get() >= 2 && *v.get() % 2 == 0 => *v.get() as usize,
        Some(v) => return Err(loc.error(v.span(), "expected an even number of levels >= 2")),
    };
    let design = match r.method.get().as_str() {
        "morris" => DesignKind::Morris { levels },
        "sobol" => {
            if let Some(v) = &r.levels {
                return Err(loc.error(v.span(), "levels applies to method = \"morris\" only"));
            }
            DesignKind::Sobol
        }
        other => {
            return Err(loc.error(
                r.method.span(),
                format!("method `{other}`: expected \"morris\" or \"sobol\""),
            ));
        }
    };
    let samples = count(&r.samples, 2, "samples")?;
    let small_samples = match &r.small_samples {
        None => DEFAULT_SMALL_SAMPLES,
        Some(v) => count(v, 2, "small_samples")?,
    };
    let replicates = r
        .replicates
        .as_ref()
        .map_or(Ok(1), |v| count(v, 1, "replicates"))?;
    let arm = match &r.arm {
        None => 0,
        Some(v) if (0..cx.arms as i64).contains(v.get()) => *v.get() as usize,
        Some(v) => {
            return Err(loc.error(
                v.span(),
                format!(
                    "expected an arm of the study's design, 0 to {}",
                    cx.arms - 1
                ),
            ));
        }
    };
    let metrics = metric_indices(loc, r, cx)?;
    let set: Vec<String> = cx
        .set
        .iter()
        .cloned()
        .chain(r.set.iter().map(|o| o.get().clone()))
        .collect();
    if let Some(o) = r.set.last() {
        Scenario::parse(cx.base.0, cx.base.1, &set).map_err(|e| {
            loc.error(
                o.span(),
                format!("the sensitivity's `set` does not apply to the base scenario: {e}"),
            )
        })?;
    }
    let parameters = self::parameters(loc, &r.parameters, cx.base, &set)?;
    Ok(Sensitivity {
        design,
        samples,
        small_samples,
        replicates,
        arm,
        set: r.set.iter().map(|o| o.get().clone()).collect(),
        parameters,
        metrics,
    })
}

/// The analysed metrics as indices into the study's: the named ones, or all.
fn metric_indices(loc: &Locator, r: &RawSensitivity, cx: &Context) -> Res<Vec<usize>> {
    let Some(list) = &r.metrics else {
        return Ok((0..cx.metric_names.len()).collect());
    };
    list.get()
        .iter()
        .map(|m| {
            cx.metric_names
                .iter()
                .position(|n| n == m.get().trim())
                .ok_or_else(|| {
                    loc.error(
                        m.span(),
                        format!(
                            "no metric `{}`; expected one of {:?}",
                            m.get(),
                            cx.metric_names
                        ),
                    )
                })
        })
        .collect()
}

/// The parameters: at least one, each a range with a distinct name, tried on the base.
fn parameters(
    loc: &Locator,
    raw: &Sp<Vec<Sp<crate::sweep::raw::RawAxis>>>,
    base: (&str, &str),
    set: &[String],
) -> Res<Vec<Axis>> {
    if raw.get().is_empty() {
        return Err(loc.error(raw.span(), "expected at least one parameter"));
    }
    let mut out: Vec<Axis> = Vec::new();
    for p in raw.get() {
        if p.get().values.is_some() {
            return Err(loc.error(
                p.span(),
                "a sensitivity parameter is a range: min = .., max = .. (not values)",
            ));
        }
        let axis = axis(loc, p, DesignKind::Sobol)?;
        if out.iter().any(|a| a.name == axis.name) {
            return Err(loc.error(
                p.get().path.span(),
                format!("parameter name `{}` is used twice", axis.name),
            ));
        }
        try_on_base(loc, p.get(), &axis, base.0, base.1, set)?;
        out.push(axis);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::sweep::{DesignKind, Sweep};

    const STUDY: &str = "[sweep]\nname = \"t\"\nbase = \"gensyn\"\nset = [\"scenario.duration=2d\"]\nreplicates = 3\n\n[[axes]]\npath = \"verification.cheater_fraction\"\nvalues = [0.0, 0.1]\n\n[study]\ntitle = \"T\"\nquestion = \"Q?\"\ndoc = \"docs/t.md\"\nmetrics = [\n  { name = \"cheats\", path = \"verification_cheats\" },\n  { name = \"spend\", path = \"consumer_spend_usd\" },\n]\nsmall = { set = [\"scenario.duration=1d\"] }\n\n[study.sensitivity]\nmethod = \"morris\"\nsamples = 3\narm = 1\nmetrics = [\"spend\"]\nparameters = [\n  { name = \"take\", path = \"market.take_rate\", min = 0.05, max = 0.2 },\n  { name = \"mtbf\", path = \"providers.0.availability.mtbf.mean\", min = 5, max = 50, log = true, unit = \"d\" },\n]\n";

    fn parse(text: &str) -> Result<Sweep, crate::scenario::ScenarioError> {
        Sweep::parse(text, "s.toml", std::path::Path::new("."))
    }

    #[test]
    fn the_sensitivity_sweep_varies_its_parameters_around_its_arm() {
        let sweep = parse(STUDY).unwrap();
        let s = sweep.study.as_ref().unwrap().sensitivity.as_ref().unwrap();
        assert_eq!(s.metrics, [1]);
        let sens = sweep.sensitivity().unwrap();
        assert_eq!(sens.design, DesignKind::Morris { levels: 4 });
        assert!(
            sens.set
                .contains(&"verification.cheater_fraction=0.1".to_string())
        );
        let runs = sens.runs();
        assert_eq!(runs.len(), 3 * (2 + 1));
        for r in &runs {
            let take = r.params[0].number;
            let mtbf = r.params[1].number;
            assert!(
                (0.05..=0.2).contains(&take) && (5.0..=50.0 + 1e-9).contains(&mtbf),
                "{r:?}"
            );
        }
        // --small: fewer trajectories, and the CI size's overrides last.
        let small = sweep.small().sensitivity().unwrap();
        assert_eq!(small.runs().len(), 2 * 3);
        assert_eq!(
            small.set.last().map(String::as_str),
            Some("scenario.duration=1d")
        );
    }

    #[test]
    fn a_bad_sensitivity_table_is_located() {
        let cases = [
            (
                STUDY.replace("\"morris\"", "\"fast\""),
                "s.toml:22:10:",
                "expected \"morris\" or \"sobol\"",
            ),
            (
                STUDY.replace("samples = 3", "samples = 1"),
                "s.toml:23:11:",
                "samples >= 2",
            ),
            (
                STUDY.replace("arm = 1", "arm = 2"),
                "s.toml:24:7:",
                "0 to 1",
            ),
            (
                STUDY.replace("[\"spend\"]", "[\"spent\"]"),
                "s.toml:25:12:",
                "no metric `spent`",
            ),
            (
                STUDY.replace("market.take_rate", "market.take_rat"),
                "s.toml:27:27:",
                "does not apply",
            ),
            (
                STUDY.replace("min = 0.05, max = 0.2", "values = [0.1]"),
                "s.toml:27:3:",
                "is a range",
            ),
            (
                STUDY.replace("samples = 3\n", "samples = 3\nlevels = 3\n"),
                "s.toml:24:10:",
                "even number of levels",
            ),
        ];
        for (text, at, what) in cases {
            let e = parse(&text).unwrap_err().to_string();
            assert!(
                e.starts_with(at) && e.contains(what),
                "expected {at} {what}, got: {e}"
            );
        }
    }
}
