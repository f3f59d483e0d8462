//! write_run: files, JSON validity, Parquet round trip and determinism, atomicity.

use std::fs;
use std::path::{Path, PathBuf};

use flopmarket_reports::{Format, RunFrames, write_run};
use polars::prelude::{CsvReadOptions, DataFrame, ParquetReader, SerReader};
use resvg::tiny_skia::Pixmap;

use crate::fixtures;

fn write(dir: &Path, format: Format, with_jobs: bool) -> Vec<PathBuf> {
    write_run(
        dir,
        &fixtures::summary(),
        fixtures::frames(with_jobs),
        format,
        &fixtures::context(),
    )
    .expect("write_run")
}

fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn read_parquet(path: &Path) -> DataFrame {
    ParquetReader::new(fs::File::open(path).unwrap())
        .finish()
        .unwrap()
}

#[test]
fn both_formats_write_every_file_and_nothing_else() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("run/nested");
    let written = write(&dir, Format::Both, true);
    let expected = [
        "charts",
        "epochs.csv",
        "epochs.parquet",
        "jobs.csv",
        "jobs.parquet",
        "manifest.json",
        "providers.csv",
        "providers.parquet",
        "report.html",
        "report.md",
        "summary.json",
    ];
    assert_eq!(file_names(&dir), expected);
    let charts = file_names(&dir.join("charts"));
    assert_eq!(written.len(), expected.len() - 1 + charts.len());
    assert!(written.iter().all(|p| p.starts_with(&dir) && p.is_file()));
    assert_eq!(
        written.last().unwrap().file_name().unwrap(),
        "manifest.json",
        "manifest.json is written last"
    );
    assert_eq!(
        written[written.len() - 2].file_name().unwrap(),
        "summary.json"
    );
    // No staging directory is left beside it.
    assert_eq!(file_names(&tmp.path().join("run")), ["nested"]);
}

#[test]
fn single_formats_and_no_jobs_log() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), Format::Parquet, false);
    assert_eq!(
        file_names(tmp.path()),
        [
            "charts",
            "epochs.parquet",
            "manifest.json",
            "providers.parquet",
            "report.html",
            "report.md",
            "summary.json"
        ]
    );
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), Format::Csv, true);
    assert!(
        file_names(tmp.path())
            .iter()
            .all(|n| !n.ends_with(".parquet"))
    );
    assert!(tmp.path().join("jobs.csv").is_file());
}

/// (width, height, share of pixels that are not white, distinct colours) of a PNG file.
fn png_stats(path: &Path) -> (u32, u32, f64, usize) {
    let img = Pixmap::decode_png(&fs::read(path).unwrap()).expect("a PNG that decodes");
    let px = img.pixels();
    let ink = px
        .iter()
        .filter(|p| (p.red(), p.green(), p.blue()) != (255, 255, 255))
        .count();
    let mut colours: Vec<[u8; 3]> = px.iter().map(|p| [p.red(), p.green(), p.blue()]).collect();
    colours.sort_unstable();
    colours.dedup();
    (
        img.width(),
        img.height(),
        ink as f64 / px.len() as f64,
        colours.len(),
    )
}

#[test]
fn every_chart_is_written_as_svg_and_as_a_png_with_content_and_embedded_in_the_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), Format::Parquet, false);
    let html = fs::read_to_string(tmp.path().join("report.html")).unwrap();
    let md = fs::read_to_string(tmp.path().join("report.md")).unwrap();
    let names = file_names(&tmp.path().join("charts"));
    let pngs: Vec<&String> = names.iter().filter(|n| n.ends_with(".png")).collect();
    assert_eq!(pngs.len(), html.matches("<svg").count(), "{names:?}");
    assert_eq!(names.len(), 2 * pngs.len(), "an SVG beside each PNG");
    for name in pngs {
        let (w, h, ink, colours) = png_stats(&tmp.path().join("charts").join(name));
        assert_eq!((w, h), (1520, 760), "{name}");
        // Axes, text and series: some ink, far from all; more than black and white.
        assert!(ink > 0.005 && ink < 0.6, "{name}: {ink}");
        assert!(colours > 8, "{name}: {colours} colours");
        assert!(
            md.contains(&format!("](charts/{name})")),
            "{name} not in report.md"
        );
    }
    // The utilization chart draws its series in the palette's first colour (#1f77b4).
    let util = names
        .iter()
        .find(|n| n.contains("utilization") && n.ends_with(".png"))
        .expect("a utilization chart");
    let img = Pixmap::decode_png(&fs::read(tmp.path().join("charts").join(util)).unwrap()).unwrap();
    assert!(
        img.pixels()
            .iter()
            .any(|p| (p.red(), p.green(), p.blue()) == (0x1f, 0x77, 0xb4))
    );
}

#[test]
fn summary_json_is_valid_with_non_finite_as_null() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), Format::Parquet, false);
    let text = fs::read_to_string(tmp.path().join("summary.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    for key in [
        "jobs_submitted",
        "savings_pct",
        "tokens_minted",
        "supply_end",
        "events_per_s",
        "seed",
        "scenario",
        "flopmarket_version",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["jobs_submitted"], 4);
    assert_eq!(v["scenario"], "tiny");
    assert!(v["median_payback_months"].is_null());
    assert!(!text.contains("NaN"));
}

#[test]
fn parquet_and_csv_read_back_equal_to_the_frames() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), Format::Both, true);
    let RunFrames {
        epochs,
        providers,
        jobs,
        venues,
    } = fixtures::frames(true);
    assert!(venues.is_none() && !tmp.path().join("venues.parquet").exists());
    assert!(read_parquet(&tmp.path().join("epochs.parquet")).equals_missing(&epochs));
    assert!(read_parquet(&tmp.path().join("providers.parquet")).equals_missing(&providers));
    assert!(read_parquet(&tmp.path().join("jobs.parquet")).equals_missing(&jobs.unwrap()));
    let csv = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(tmp.path().join("providers.csv")))
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(csv.shape(), providers.shape());
    assert_eq!(csv.get_column_names(), providers.get_column_names());
}

#[test]
fn identical_input_gives_byte_identical_files_charts_included() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(a.path(), Format::Both, true);
    write(b.path(), Format::Both, true);
    for name in [
        "epochs.parquet",
        "providers.parquet",
        "jobs.parquet",
        "epochs.csv",
        "report.md",
        "report.html",
        "summary.json",
    ] {
        assert_eq!(
            fs::read(a.path().join(name)).unwrap(),
            fs::read(b.path().join(name)).unwrap(),
            "{name}"
        );
    }
    let charts = file_names(&a.path().join("charts"));
    assert!(!charts.is_empty());
    for name in charts {
        let path = |d: &Path| d.join("charts").join(&name);
        assert!(
            fs::read(path(a.path())).unwrap() == fs::read(path(b.path())).unwrap(),
            "{name}"
        );
    }
}

#[test]
fn a_file_in_place_of_the_directory_is_refused_and_leaves_no_staging_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    fs::write(&dir, b"not a directory").unwrap();
    let err = write_run(
        &dir,
        &fixtures::summary(),
        fixtures::frames(true),
        Format::Both,
        &fixtures::context(),
    );
    assert!(
        matches!(err, Err(flopmarket_reports::ReportError::Refused(_))),
        "{err:?}"
    );
    assert_eq!(file_names(tmp.path()), ["out"]);
    assert_eq!(fs::read(&dir).unwrap(), b"not a directory");
}

#[test]
fn a_directory_of_other_files_is_refused_untouched_unless_into_existing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mine");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("summary.json"), b"{\"old\": true}").unwrap();
    fs::write(dir.join("notes.txt"), b"mine").unwrap();
    let err = write_run(
        &dir,
        &fixtures::summary(),
        fixtures::frames(true),
        Format::Parquet,
        &fixtures::context(),
    );
    let Err(flopmarket_reports::ReportError::Refused(msg)) = err else {
        panic!("{err:?}")
    };
    assert!(msg.contains("--into-existing"), "{msg}");
    assert_eq!(file_names(&dir), ["notes.txt", "summary.json"]);
    assert_eq!(file_names(tmp.path()), ["mine"]);
    let opts = flopmarket_reports::OutputOptions {
        format: Format::Parquet,
        into_existing: true,
    };
    let written = flopmarket_reports::write_run_with(
        &dir,
        &fixtures::summary(),
        fixtures::frames(true),
        &opts,
        &fixtures::context(),
    )
    .unwrap();
    assert_eq!(written.last().unwrap(), &dir.join("manifest.json"));
    assert_eq!(fs::read(dir.join("notes.txt")).unwrap(), b"mine");
    assert_ne!(
        fs::read(dir.join("summary.json")).unwrap(),
        b"{\"old\": true}"
    );
    assert!(
        flopmarket_reports::outputs::verify_run_dir(&dir)
            .unwrap()
            .is_some()
    );
    assert!(file_names(&dir).iter().all(|n| !n.starts_with('.')));
}

#[test]
fn an_empty_run_still_writes_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let frames = flopmarket_reports::FrameSink::new().into_frames().unwrap();
    let mut summary = fixtures::summary();
    summary.capacity.utilization = f64::NAN;
    summary.money.savings_pct = f64::INFINITY;
    write_run(
        tmp.path(),
        &summary,
        frames,
        Format::Both,
        &flopmarket_reports::ReportContext::default(),
    )
    .unwrap();
    let html = fs::read_to_string(tmp.path().join("report.html")).unwrap();
    assert!(html.contains("no data") && !html.contains("NaN"));
    let md = fs::read_to_string(tmp.path().join("report.md")).unwrap();
    assert!(md.contains("| Utilization | n/a |") && md.contains("| Savings vs cloud | n/a |"));
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(tmp.path().join("summary.json")).unwrap())
            .unwrap();
    assert!(json["utilization"].is_null() && json["savings_pct"].is_null());
    assert_eq!(read_parquet(&tmp.path().join("epochs.parquet")).height(), 0);
}

fn write_world(dir: &Path, format: Format) -> Vec<PathBuf> {
    write_run(
        dir,
        &fixtures::world_summary(),
        fixtures::world_frames(false),
        format,
        &fixtures::context(),
    )
    .expect("write_run of a world")
}

#[test]
fn a_world_writes_its_venues_table_in_each_format_and_reads_back_equal() {
    let tmp = tempfile::tempdir().unwrap();
    let written = write_world(tmp.path(), Format::Both);
    let names = file_names(tmp.path());
    for name in ["venues.parquet", "venues.csv"] {
        assert!(names.contains(&name.to_string()), "{names:?}");
        assert!(
            written.contains(&tmp.path().join(name)),
            "{name} not returned"
        );
    }
    let frame = fixtures::world_frames(false).venues.unwrap();
    assert!(read_parquet(&tmp.path().join("venues.parquet")).equals_missing(&frame));
    let csv = CsvReadOptions::default()
        .try_into_reader_with_file_path(Some(tmp.path().join("venues.csv")))
        .unwrap()
        .finish()
        .unwrap();
    assert_eq!(csv.get_column_names(), frame.get_column_names());
    assert_eq!(csv.height(), 9);
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "no temporary file left: {names:?}"
    );

    let tmp = tempfile::tempdir().unwrap();
    write_world(tmp.path(), Format::Parquet);
    assert!(tmp.path().join("venues.parquet").is_file());
    assert!(!tmp.path().join("venues.csv").exists());
}

#[test]
fn a_world_report_has_the_venue_charts_as_files() {
    let tmp = tempfile::tempdir().unwrap();
    write_world(tmp.path(), Format::Parquet);
    let charts = file_names(&tmp.path().join("charts"));
    let plain = tempfile::tempdir().unwrap();
    write(plain.path(), Format::Parquet, false);
    let plain_charts = file_names(&plain.path().join("charts"));
    assert_eq!(charts.len(), plain_charts.len() + 2 * 3, "{charts:?}");
    for slug in [
        "demand-share-by-venue",
        "providers-by-venue",
        "net-provider-moves-by-venue",
    ] {
        let png = charts
            .iter()
            .find(|n| n.contains(slug) && n.ends_with(".png"))
            .unwrap_or_else(|| panic!("no {slug} chart in {charts:?}"));
        let (_, _, ink, colours) = png_stats(&tmp.path().join("charts").join(png));
        assert!(ink > 0.005 && colours > 8, "{png}: {ink} {colours}");
    }
}
