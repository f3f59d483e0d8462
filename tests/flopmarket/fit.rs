//! `flopmarket fit`: a small fit end to end (fit.json written, values inside their
//! ranges) and its bad input (exit 2).

use crate::common::{flopmarket, text};

#[test]
fn a_small_fit_writes_its_values_with_their_intervals() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("fit.json");
    let o = flopmarket(&[
        "fit",
        "akash-market-2023-2026",
        "--set",
        "scenario.duration=\"200d\"",
        "--param",
        "workloads.0.arrivals.rate_per_hour=1:16:log",
        "--seeds",
        "2",
        "--grid",
        "3",
        "--rounds",
        "1",
        "--threads",
        "2",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("workloads.0.arrivals.rate_per_hour"));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let v = &json["values"][0];
    let (value, low, high) = (
        v["value"].as_f64().unwrap(),
        v["low"].as_f64().unwrap(),
        v["high"].as_f64().unwrap(),
    );
    assert!(
        (1.0..=16.0).contains(&value) && low <= value && value <= high,
        "{v}"
    );
    assert_eq!(json["evaluations"], 3);
    assert_eq!(json["runs"], 6);
    assert_eq!(json["series"][0]["span"], "fit");
}

#[test]
fn bad_fit_input_exits_2() {
    let cases: &[&[&str]] = &[
        &["fit", "akash-market-2023-2026", "--param", "x=2:1"],
        &["fit", "akash-market-2023-2026", "--param", "a=0:1:log"],
        &[
            "fit",
            "akash",
            "--param",
            "workloads.0.arrivals.rate_per_hour=1:2",
        ],
        &[
            "fit",
            "akash-market-2023-2026",
            "--param",
            "workloads.0.arrivals.rate_per_hour=1:2",
            "--series",
            "no such series",
        ],
        &["fit", "no-such-scenario", "--param", "a=1:2"],
    ];
    for args in cases {
        let o = flopmarket(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", text(&o));
    }
}
