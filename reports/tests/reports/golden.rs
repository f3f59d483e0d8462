//! Golden report content, figures computed by hand from the fixtures.

use std::fs;

use flopmarket_reports::{Format, write_run};

use crate::fixtures;

fn written() -> (String, String) {
    let tmp = tempfile::tempdir().unwrap();
    write_run(
        tmp.path(),
        &fixtures::summary(),
        fixtures::frames(true),
        Format::Parquet,
        &fixtures::context(),
    )
    .unwrap();
    (
        fs::read_to_string(tmp.path().join("report.md")).unwrap(),
        fs::read_to_string(tmp.path().join("report.html")).unwrap(),
    )
}

/// The Markdown table row whose first cell is `first`, split into trimmed cells.
fn row<'a>(md: &'a str, first: &str) -> Vec<&'a str> {
    let line = md
        .lines()
        .find(|l| l.starts_with(&format!("| {first} |")))
        .unwrap_or_else(|| panic!("no row {first}:\n{md}"));
    line.trim_matches('|').split(" | ").map(str::trim).collect()
}

#[test]
fn headline_table() {
    let (md, _) = written();
    assert!(md.starts_with("# flopmarket run: tiny\n"));
    assert!(md.contains("A tiny \\<hand-made\\> run & its report."));
    assert!(md.contains(
        "Mechanism reverse_auction, 30 days simulated, seed 7, 3 providers with 17 GPUs."
    ));
    assert!(md.contains("## Headline\n\n| Figure | Value |\n|---|---:|\n"));
    assert_eq!(row(&md, "Jobs submitted"), ["Jobs submitted", "4"]);
    assert_eq!(row(&md, "Jobs in flight"), ["Jobs in flight", "1"]);
    assert_eq!(row(&md, "Mean wait [s]"), ["Mean wait [s]", "1,800"]);
    assert_eq!(row(&md, "Utilization"), ["Utilization", "55.6%"]);
    assert_eq!(row(&md, "Cloud equivalent"), ["Cloud equivalent", "$1,235"]);
    assert_eq!(row(&md, "Savings vs cloud"), ["Savings vs cloud", "99.2%"]);
    assert_eq!(
        row(&md, "Provider revenue"),
        ["Provider revenue", "$322.50"]
    );
    assert_eq!(
        row(&md, "Median payback [months]"),
        ["Median payback [months]", "n/a"]
    );
    assert_eq!(row(&md, "Events"), ["Events", "1,234,567"]);
}

#[test]
fn network_vs_cloud_per_model() {
    let (md, _) = written();
    // H100-SXM: (100 + 120 + 180) USD / (50 + 60 + 90) GPU-h = 2.00 vs 4.00: 50.0 % off.
    // RTX-4090: (0 + 10 + 20) / (0 + 20 + 30) = 0.60 vs 0.80: 25.0 % off. Exact to the
    // printed 0.1 %; the price itself to the cent.
    assert_eq!(
        row(&md, "H100-SXM"),
        [
            "H100-SXM", "200.0", "66.7%", "$400.00", "$2.00", "$4.00", "50.0%"
        ]
    );
    assert_eq!(
        row(&md, "RTX-4090"),
        [
            "RTX-4090", "50.00", "33.3%", "$30.00", "$0.600", "$0.800", "25.0%"
        ]
    );
}

#[test]
fn provider_economics_per_cohort() {
    let (md, _) = written();
    // h100-dc: 2 providers, 16 GPUs, utilization (0.5 + 0.8) / 2, uptime 0.95; paybacks
    // 0.5 and never: upper median infinite (n/a), 1 of 2 within 0.99 months.
    assert_eq!(
        row(&md, "h100-dc"),
        [
            "h100-dc", "H100-SXM", "2", "16", "65.0%", "95.0%", "$200.00", "$4.00", "$134.00",
            "n/a", "50.0%"
        ]
    );
    // rtx-home: never online (utilization n/a), payback 2 months > the 30-day run.
    assert_eq!(
        row(&md, "rtx-home"),
        [
            "rtx-home", "RTX-4090", "1", "1", "n/a", "50.0%", "$100.00", "$2.00", "$67.00", "2.00",
            "0.0%"
        ]
    );
}

#[test]
fn table_over_time_has_one_row_per_epoch() {
    let (md, _) = written();
    // Epoch 2 (days 20-30): 120 of 150 GPU-h sold, 200 USD spend, 40 fees, 10 burn.
    let r = row(&md, "20-30");
    assert_eq!(
        &r[..7],
        [
            "20-30", "80.0%", "$200.00", "$150.00", "$40.00", "$10.00", "$1.67"
        ]
    );
    assert_eq!(&r[7..], ["2", "1", "1", "2", "10.00", "1,027"]);
    assert!(md.contains("| 0-10 |") && md.contains("| 10-20 |"));
}

#[test]
fn html_is_self_contained_with_charts_and_escaped_text() {
    let (_, html) = written();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.matches("<svg").count() >= 2);
    assert!(!html.contains("NaN"));
    assert!(
        !html.contains(">inf") && !html.contains("inf<") && !html.contains("\"inf"),
        "no infinite figure"
    );
    assert!(!html.contains("<script") && !html.contains("<link") && !html.contains(" src="));
    assert_eq!(
        html.matches("http").count(),
        html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
    );
    assert!(html.contains("A tiny &lt;hand-made&gt; run &amp; its report."));
    assert!(html.contains("<td class=\"r\">50.0%</td>"));
    // The fixture is dated (2026-01-01, three 10-day epochs): date axes, month ticks.
    assert!(html.contains("date (epoch end, UTC)"));
    assert!(html.contains(">2026-01-11<") && html.contains(">2026-01-25<"));
}

#[test]
fn cost_per_unit_of_work_token_and_claims_sections() {
    let (md, html) = written();
    // H100-SXM: $2.00/GPU-h on the network, $4.00 on the cloud; 100 tokens/s, 500 TFLOP/s.
    // $/1M tokens = 2.00 / (100 x 3600) x 1e6 = 5.556 (cloud 11.11);
    // $/PFLOP = 2.00 / (500 x 3.6) = 0.001111 (cloud 0.002222).
    let unit = md
        .lines()
        .filter(|l| l.starts_with("| H100-SXM"))
        .nth(1)
        .expect("a unit-cost row");
    let cells: Vec<&str> = unit
        .split('|')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(cells[1], "100.0 (measured)");
    assert_eq!(cells[2], "$5.56");
    assert_eq!(cells[3], "$11.11");
    assert_eq!(cells[4], "500.0 (assumed)");
    let pflop = |s: &str| s.trim_start_matches('$').parse::<f64>().unwrap();
    assert!((pflop(cells[5]) - 0.001111).abs() < 0.00001, "{}", cells[5]);
    assert!((pflop(cells[6]) - 0.002222).abs() < 0.00001, "{}", cells[6]);
    assert!(md.contains("## Token economy") && md.contains("- Burn: none."));
    assert!(md.contains("## Claims checked"));
    assert!(
        md.contains("## Timeline")
            && md.contains(
                "- 2026-03-23 (day 20): BME live (token.burn, market.take_rate). Source: AEP-76."
            ),
        "{md}"
    );
    assert!(
        md.contains(
            "| savings_pct | a hand-made claim | 50.00 - 80.00 | 60.00 / 60.00 / 60.00 | agrees |"
        ),
        "{md}"
    );
    assert!(md.contains("- savings_pct: 2 + 2 = 4."));
    assert!(html.contains("Claims checked") && html.contains("Cost per unit of work"));
}

fn written_world() -> String {
    let tmp = tempfile::tempdir().unwrap();
    write_run(
        tmp.path(),
        &fixtures::world_summary(),
        fixtures::world_frames(false),
        Format::Parquet,
        &fixtures::context(),
    )
    .unwrap();
    fs::read_to_string(tmp.path().join("report.md")).unwrap()
}

/// A world's report: the Venues section right after the headline, one row per venue
/// with savings against the cloud venue, and its three charts; a plain run's has none.
#[test]
fn a_world_report_has_a_venues_section_with_its_table_and_charts() {
    let md = written_world();
    let venues = md.find("## Venues").expect("a Venues section");
    // The networks' tokens are per venue: the headline has no token rows of its own.
    assert!(!md[..venues].contains("Tokens minted"), "{}", &md[..venues]);
    assert!(md.find("## Headline").unwrap() < venues);
    assert!(venues < md.find("## Network vs cloud by GPU model").unwrap());
    assert!(md.contains("| Venue | Kind | Mechanism | Jobs | Demand share | GPU-hours | Spend [USD] | Providers start → end | Providers in / out | Return [USD/GPU-h] | Savings vs aws |"));
    // akash: 5 + 4 + 3 = 12 of 30 jobs, 120 GPU-h, 240 USD, 3 -> 1 providers, 2 out.
    assert_eq!(
        row(&md, "akash"),
        [
            "akash",
            "network",
            "reverse_auction",
            "12",
            "40.0%",
            "120.0",
            "$240.00",
            "3 → 1",
            "0 / 2",
            "$0.500",
            "62.5%"
        ]
    );
    assert_eq!(
        row(&md, "ionet")[7..],
        ["1 → 3", "2 / 0", "$0.500", "41.0%"]
    );
    assert_eq!(
        row(&md, "aws")[..8],
        [
            "aws",
            "cloud",
            "aws:on_demand",
            "6",
            "20.0%",
            "60.00",
            "$120.00",
            "0 → 0"
        ]
    );
    assert_eq!(row(&md, "aws")[9..], ["n/a", "-"]);
    for title in [
        "Demand share by venue per epoch",
        "Providers by venue",
        "Net provider moves by venue (cumulative)",
    ] {
        assert!(md.contains(&format!("![{title}](charts/")), "{title}");
    }
    let (plain, _) = written();
    assert!(!plain.contains("## Venues") && !plain.contains("by venue"));
    assert!(plain.contains("Tokens minted"));
}
