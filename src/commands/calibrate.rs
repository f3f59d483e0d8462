//! `flopmarket calibrate`: time the GEMM and transformer kernels, write the table as CSV
//! and Parquet.

use std::path::PathBuf;

use anyhow::Context;
use flopmarket_kernels::{CalibrateOptions, DeviceChoice, Unit, run_calibration, write_csv};

use crate::exit::BadInput;

/// Runs the calibration on `device` (auto, cpu, cuda).
pub fn calibrate(device: &str, quick: bool, out: Option<PathBuf>) -> anyhow::Result<()> {
    let device: DeviceChoice = device
        .parse()
        .map_err(|e| BadInput(format!("--device: {e}")))?;
    let csv = out.unwrap_or_else(|| PathBuf::from("calibration.csv"));
    if csv.extension().is_none_or(|e| e != "csv") {
        return Err(BadInput(format!(
            "--out {}: expected a .csv path (a .parquet is written beside it)",
            csv.display()
        ))
        .into());
    }
    let opts = CalibrateOptions {
        device,
        quick,
        shape: None,
        progress: true,
        batches: None,
        decode_graph: false,
    };
    let report = run_calibration(&opts).context("calibration failed")?;
    for message in &report.messages {
        eprintln!("{message}");
    }
    write_csv(&report.rows, &csv).with_context(|| format!("writing {}", csv.display()))?;
    let parquet = csv.with_extension("parquet");
    flopmarket_reports::csv_to_parquet(&csv, &parquet)
        .with_context(|| format!("writing {}", parquet.display()))?;
    for row in &report.rows {
        let unit = match row.unit {
            Unit::TflopPerS => "TFLOP/s",
            Unit::TokensPerS => "tokens/s",
            Unit::GbPerS => "GB/s",
        };
        let efficiency = row
            .efficiency
            .map_or("n/a".to_string(), |e| format!("{e:.3}"));
        let kind = format!("{:?} {:?}", row.device_kind, row.kernel).to_lowercase();
        println!(
            "{kind:<12} {:<5} {:<16} batch {:<3} {:>12.4} {unit:<9} efficiency {efficiency}",
            row.dtype.as_str(),
            row.shape,
            row.batch,
            row.value
        );
    }
    println!(
        "wrote {} ({} rows) and {}",
        csv.display(),
        report.rows.len(),
        parquet.display()
    );
    Ok(())
}
