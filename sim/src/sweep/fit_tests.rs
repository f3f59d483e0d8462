use super::*;
use crate::sweep::fit_search::fit;

#[test]
fn params_parse_ranges_and_refuse_bad_ones() {
    let p = FitParam::parse("workloads.0.arrivals.rate_per_hour=0.5:20:log").unwrap();
    assert_eq!((p.low, p.high, p.log), (0.5, 20.0, true));
    assert!((p.at(0.5) - (0.5f64 * 20.0).sqrt()).abs() < 1e-9);
    let lin = FitParam::parse("a.b=-1:3").unwrap();
    assert_eq!((lin.at(0.0), lin.at(0.5), lin.at(1.0)), (-1.0, 1.0, 3.0));
    for bad in [
        "a.b",
        "a.b=1",
        "a.b=2:1",
        "a.b=0:1:log",
        "a.b=1:2:ln",
        "=1:2",
        "a=x:2",
    ] {
        assert!(
            matches!(FitParam::parse(bad), Err(FitError::Param { .. })),
            "{bad}"
        );
    }
}

/// A small dated market: 10 hosts of 8 A100s at 1 USD per GPU-hour, one-GPU jobs of 4
/// reference GPU-hours arriving at `rate` an hour, 120 days from 2024-01-01, its monthly
/// spend compared with the series in `csv` (fit span: January and February).
fn market(rate: f64, csv: &std::path::Path) -> String {
    format!(
        "[scenario]\nname = \"fit-check\"\nstart = \"2024-01-01\"\nduration = \"121d\"\n\
         epoch = \"1d\"\nseed = 1\nreference_gpu = \"A100-80G\"\n\n\
         [market]\nmechanism = \"posted_price\"\nposted_prices = {{ \"A100-80G\" = 1.0 }}\n\n\
         [backtest]\nfit_until = \"2024-03-01\"\n\n\
         [[observed]]\nname = \"spend\"\nfile = {csv:?}\ndate_column = \"month\"\n\
         value_column = \"usd\"\nquantity = \"consumer_spend_usd\"\n\n\
         [[providers]]\nname = \"hosts\"\ncount = 10\ngpu = \"A100-80G\"\ngpus_per_provider = 8\n\
         pricing = {{ strategy = \"price_list\", usd_per_gpu_month = 730.5 }}\n\n\
         [[workloads]]\nname = \"jobs\"\nkind = \"batch\"\narrivals = {{ rate_per_hour = {rate:?} }}\n\
         size = {{ dist = \"fixed\", value = \"4h\" }}\nmax_price = {{ usd_per_gpu_hour = 10.0 }}\n"
    )
}

fn temp_csv(name: &str, rows: &[(String, f64)]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flopmarket-fit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let mut text = String::from("month,usd\n");
    for (m, v) in rows {
        text.push_str(&format!("{m},{v}\n"));
    }
    std::fs::write(&path, text).unwrap();
    path
}

fn spec(seeds: u32) -> FitSpec {
    FitSpec {
        params: vec![FitParam::parse("workloads.0.arrivals.rate_per_hour=0.25:32:log").unwrap()],
        series: Vec::new(),
        seeds,
        grid: 5,
        rounds: 4,
    }
}

fn sequential(problem: &Problem) -> impl Fn(&[Vec<f64>]) -> Vec<Result<Evaluation, FitError>> {
    |batch| batch.iter().map(|v| problem.evaluate(v)).collect()
}

/// The model's own series at a known arrival rate, fitted back: spend is about
/// rate x 4 GPU-hours x 1 USD x hours in the month while capacity is far from full
/// (12 of 80 GPUs busy on average at the true rate; the top of the range saturates),
/// so the loss has one minimum near the true rate.
#[test]
fn the_fit_recovers_the_arrival_rate_of_a_series_the_model_made() {
    let months = ["2024-01", "2024-02", "2024-03", "2024-04"];
    let dummy: Vec<(String, f64)> = months.iter().map(|m| (m.to_string(), 1.0)).collect();
    let path = temp_csv("dummy.csv", &dummy);
    let truth = 3.0;
    let sc = Scenario::parse(&market(truth, &path), "fit-check.toml", &[]).unwrap();
    let made = run(&sc, Discard, RunOptions { jobs_log: false }, |_| {});
    let observed: Vec<(String, f64)> = made.backtests[0]
        .points
        .iter()
        .zip(months)
        .map(|(p, m)| (m.to_string(), p.simulated))
        .collect();
    assert_eq!(observed.len(), 4);
    let jan = observed[0].1;
    assert!((jan / (truth * 4.0 * 744.0) - 1.0).abs() < 0.15, "{jan}");
    let path = temp_csv("made.csv", &observed);
    let text = market(1.0, &path);
    let problem = Problem::new(&text, "fit-check.toml", &[], spec(3)).unwrap();
    let result = fit(&problem, sequential(&problem)).unwrap();
    let v = &result.values[0];
    assert!((v.value / truth - 1.0).abs() < 0.1, "{v:?}");
    assert!(v.low <= truth && truth <= v.high, "{v:?}");
    assert!(
        v.low > 1.0 && v.high < 9.0,
        "the interval says something: {v:?}"
    );
    assert_eq!(result.series.len(), 2);
    assert_eq!(result.series[0].span.as_deref(), Some("fit"));
    assert_eq!(result.series[0].points, 2);
    assert_eq!(result.series[1].points, 2);
    assert_eq!(result.runs, result.evaluations * 3);
}

#[test]
fn a_fit_needs_a_fit_span_known_series_and_valid_ranges() {
    let path = temp_csv("any.csv", &[("2024-01".into(), 100.0)]);
    let text = market(1.0, &path);
    let no_span = text.replace("[backtest]\nfit_until = \"2024-03-01\"\n", "");
    let err = Problem::new(&no_span, "x.toml", &[], spec(1)).unwrap_err();
    assert!(err.to_string().contains("no fit span"), "{err}");
    let mut unknown = spec(1);
    unknown.series = vec!["revenue".into()];
    let err = Problem::new(&text, "x.toml", &[], unknown).unwrap_err();
    assert!(
        err.to_string().contains("no observed series named"),
        "{err}"
    );
    let mut bad_path = spec(1);
    bad_path.params = vec![FitParam::parse("workloads.0.arrivals.rate_per_hour=-2:1").unwrap()];
    assert!(matches!(
        Problem::new(&text, "x.toml", &[], bad_path),
        Err(FitError::Scenario(_))
    ));
    let mut none = spec(1);
    none.params.clear();
    assert!(matches!(
        Problem::new(&text, "x.toml", &[], none),
        Err(FitError::Invalid(_))
    ));
}

#[test]
fn the_loss_is_the_mean_squared_log_error_per_series_on_the_fit_span() {
    use crate::base::calendar::Instant;
    use crate::parts::observed::{Aggregate, BacktestPoint};
    let path = temp_csv("loss.csv", &[("2024-01".into(), 100.0)]);
    let problem = Problem::new(&market(1.0, &path), "x.toml", &[], spec(1)).unwrap();
    let point = |m, sim: f64, obs: f64| BacktestPoint {
        date: Instant::from_ymd(2024, m, 1),
        observed: obs,
        simulated: sim,
        error_pct: 0.0,
    };
    let c = Comparison {
        name: "s".into(),
        fit_until: Some(Instant::from_ymd(2024, 3, 1)),
        quantity: "consumer_spend_usd",
        aggregate: Aggregate::Sum,
        // e and 1/e on the fit span; the March point (test span) is left out.
        points: vec![
            point(1, std::f64::consts::E, 1.0),
            point(2, 1.0, std::f64::consts::E),
            point(3, 100.0, 1.0),
        ],
    };
    assert!((problem.loss(std::slice::from_ref(&c)) - 1.0).abs() < 1e-12);
}
