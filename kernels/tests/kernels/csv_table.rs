//! The calibration CSV: round trip, atomic write, errors with file:line, and the
//! committed tables.

use std::path::{Path, PathBuf};

use flopmarket_kernels::{
    CSV_COLUMNS, CalibrationRow, DeviceKind, Dtype, KernelKind, KernelsError, Unit, read_csv,
    write_csv,
};

/// Every committed table: kernels/calibrations/*.csv (embedded by the simulator) and
/// kernels/calibrations/reference/*.csv (measured beside them, not embedded).
fn committed_tables() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("calibrations");
    let mut paths = Vec::new();
    for d in [dir.clone(), dir.join("reference")] {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "csv") {
                paths.push(path);
            }
        }
    }
    paths.sort();
    paths
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("flopmarket-kernels-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn sample_rows() -> Vec<CalibrationRow> {
    let base = CalibrationRow {
        device: "NVIDIA H100 80GB HBM3".into(),
        device_kind: DeviceKind::Cuda,
        gpu_model: "H100-SXM".into(),
        driver_version: "13.0".into(),
        runtime_version: "cublas 13.0.0; nvrtc 13.0".into(),
        kernel: KernelKind::Gemm,
        dtype: Dtype::Bf16,
        shape: "8192x8192x8192".into(),
        batch: 1,
        value: 745.2,
        unit: Unit::TflopPerS,
        spec_peak: Some(989.0),
        efficiency: Some(0.7535),
        roofline_fraction: Some(0.7535),
        timestamp: "2026-11-24T17:05:09Z".into(),
        notes: "cuBLASLt, f32 accumulation; \"quoted\", with commas".into(),
    };
    let cpu = CalibrationRow {
        device: "cpu: AMD EPYC (2 cores)".into(),
        device_kind: DeviceKind::Cpu,
        gpu_model: String::new(),
        driver_version: String::new(),
        kernel: KernelKind::Decode,
        dtype: Dtype::F32,
        shape: "7b-layer".into(),
        batch: 8,
        unit: Unit::TokensPerS,
        spec_peak: None,
        efficiency: None,
        roofline_fraction: None,
        ..base.clone()
    };
    vec![base, cpu]
}

#[test]
fn rows_survive_a_write_read_round_trip() {
    let dir = temp_dir("roundtrip");
    let path = dir.join("nested/h100.csv");
    let rows = sample_rows();
    write_csv(&rows, &path).unwrap();
    assert_eq!(read_csv(&path).unwrap(), rows);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.lines().next().unwrap(), CSV_COLUMNS.join(","));
    // No temporary file is left beside the output.
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    write_csv(&[], &path).unwrap();
    assert!(read_csv(&path).unwrap().is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_bad_value_is_reported_with_file_and_line() {
    let dir = temp_dir("badvalue");
    let path = dir.join("bad.csv");
    write_csv(&sample_rows(), &path).unwrap();
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(",decode,", ",warp,");
    std::fs::write(&path, text).unwrap();
    match read_csv(&path) {
        Err(KernelsError::Csv {
            path: p,
            line,
            message,
        }) => {
            assert_eq!(p, path);
            assert_eq!(line, 3, "{message}");
            let shown = KernelsError::Csv {
                path: p,
                line,
                message,
            }
            .to_string();
            assert!(shown.contains("bad.csv:3:"), "{shown}");
        }
        other => panic!("expected a Csv error, got {other:?}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_wrong_header_is_rejected_on_line_1() {
    let dir = temp_dir("header");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("header.csv");
    std::fs::write(&path, "device,kernel\nx,gemm\n").unwrap();
    assert!(matches!(
        read_csv(&path),
        Err(KernelsError::Csv { line: 1, .. })
    ));
    assert!(matches!(
        read_csv(&dir.join("missing.csv")),
        Err(KernelsError::Io { .. })
    ));
    let _ = std::fs::remove_dir_all(&dir);
}

/// No kernel beats its ceiling: a ratio above 1 means the peak or the roofline is
/// wrong (the nominal clock, a memcpy bandwidth for a model that fits in cache).
#[test]
fn committed_tables_never_exceed_their_peak_or_roofline() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("calibrations");
    let mut tables = 0;
    for path in committed_tables() {
        tables += 1;
        let rows = read_csv(&path).unwrap();
        assert!(!rows.is_empty(), "{} has no rows", path.display());
        for (i, r) in rows.iter().enumerate() {
            let line = i + 2;
            for (what, x) in [
                ("efficiency", r.efficiency),
                ("roofline_fraction", r.roofline_fraction),
            ] {
                if let Some(x) = x {
                    assert!(
                        x > 0.0 && x <= 1.0,
                        "{}:{line}: {what} = {x} ({:?} {:?} {})",
                        path.display(),
                        r.kernel,
                        r.dtype,
                        r.shape
                    );
                }
            }
        }
    }
    assert!(tables > 0, "no table in {}", dir.display());
}

/// The CUDA tables' cuBLAS/cuBLASLt GEMMs against torch.matmul timed in the same run
/// on the same GPU (reference/torch-<device>.csv): at 4096^3 and up, where neither is
/// bound by host overhead, each dtype agrees within 15 %. A table measured without its
/// torch twin is skipped with a message.
#[test]
fn cuda_gemms_agree_with_torch_matmul_from_the_same_run() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("calibrations");
    let mut compared = 0;
    for path in committed_tables() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let Some(device) = name
            .strip_prefix("cuda-")
            .and_then(|n| n.strip_suffix(".csv"))
        else {
            continue;
        };
        let twin = dir.join("reference").join(format!("torch-{device}.csv"));
        if !twin.exists() {
            println!("{name}: no {} to compare with", twin.display());
            continue;
        }
        let (ours, torch) = (read_csv(&path).unwrap(), read_csv(&twin).unwrap());
        for r in ours.iter().filter(|r| r.kernel == KernelKind::Gemm) {
            let n: usize = r.shape.split('x').next().unwrap().parse().unwrap();
            if n < 4096 {
                continue;
            }
            let t = torch
                .iter()
                .find(|t| t.kernel == KernelKind::Gemm && t.dtype == r.dtype && t.shape == r.shape)
                .unwrap_or_else(|| panic!("{twin:?} lacks gemm {:?} {}", r.dtype, r.shape));
            let ratio = r.value / t.value;
            assert!(
                (0.85..=1.0 / 0.85).contains(&ratio),
                "{name}: gemm {:?} {}: ours {} vs torch {} TFLOP/s",
                r.dtype,
                r.shape,
                r.value,
                t.value
            );
            compared += 1;
        }
    }
    println!("{compared} GEMM rows compared with torch.matmul");
}
