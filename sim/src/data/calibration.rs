//! Measured calibration tables (written by `flopmarket calibrate`, see kernels/) turned
//! into efficiencies: training follows the bf16 GEMM, inference the batch-1 decode's
//! fraction of the memory-bandwidth roofline, rendering and batch the fp32 GEMM. Rows of
//! devices that map to no GPU model (a CPU) are kept for the record but change nothing.

use serde::Deserialize;

use crate::data::catalog::Catalog;
use crate::data::decode_curve::MeasuredCurve;
use crate::data::throughput::{Efficiency, JobKind, Provenance, Throughput};

include!(concat!(env!("OUT_DIR"), "/embedded_calibrations.rs"));

/// One row of a calibration table (the columns the simulator uses).
#[derive(Debug, Clone, Deserialize)]
pub struct CalibrationRow {
    /// Device name.
    pub device: String,
    /// cpu or cuda.
    pub device_kind: String,
    /// flopmarket GPU key, empty when the device is no catalogued GPU.
    pub gpu_model: String,
    /// gemm, prefill, decode, memcpy.
    pub kernel: String,
    /// f32, tf32, bf16, f16.
    pub dtype: String,
    /// Shape, e.g. 8192x8192x8192 or 7b.
    pub shape: String,
    /// Batch.
    pub batch: u32,
    /// Achieved value [TFLOP/s, tokens/s or GB/s].
    pub value: f64,
    /// value / spec peak [fraction]; empty when there is no peak.
    pub efficiency: Option<f64>,
    /// Fraction of the roofline [fraction]; empty when not applicable.
    pub roofline_fraction: Option<f64>,
    /// How it was measured (decode rows say "context N tokens").
    #[serde(default)]
    pub notes: String,
}

/// A parsed calibration table.
#[derive(Debug, Clone)]
pub struct CalibrationTable {
    /// Where it came from (file name).
    pub name: String,
    /// Its rows.
    pub rows: Vec<CalibrationRow>,
}

impl CalibrationTable {
    /// Parses CSV `text`; errors give the record and what was wrong.
    pub fn parse(name: &str, text: &str) -> Result<CalibrationTable, String> {
        let mut rows = Vec::new();
        for (i, row) in csv::Reader::from_reader(text.as_bytes())
            .deserialize()
            .enumerate()
        {
            rows.push(row.map_err(|e| format!("{name}: record {}: {e}", i + 1))?);
        }
        Ok(CalibrationTable {
            name: name.to_string(),
            rows,
        })
    }

    /// The committed tables.
    pub fn embedded() -> Vec<CalibrationTable> {
        EMBEDDED_CALIBRATIONS
            .iter()
            .map(|(name, text)| {
                CalibrationTable::parse(name, text)
                    .expect("committed tables parse (checked by tests)")
            })
            .collect()
    }
}

/// Size of a GEMM shape `MxNxK` (0 when not a GEMM shape), to pick the largest.
fn gemm_size(shape: &str) -> f64 {
    shape
        .split('x')
        .map(|d| d.parse::<f64>().unwrap_or(0.0))
        .product()
}

/// The measured efficiency of one kind from `rows` of one GPU, if any.
fn measured(rows: &[&CalibrationRow], kind: JobKind) -> Option<(f64, String)> {
    let pick = |kernel: &str, dtype: &str| {
        rows.iter()
            .filter(|r| {
                r.kernel == kernel && r.dtype == dtype && r.efficiency.is_some_and(|e| e > 0.0)
            })
            .max_by(|a, b| gemm_size(&a.shape).total_cmp(&gemm_size(&b.shape)))
            .map(|r| {
                (
                    r.efficiency.unwrap_or(0.0),
                    format!("{} {} {}", r.kernel, r.dtype, r.shape),
                )
            })
    };
    match kind {
        JobKind::Training => pick("gemm", "bf16"),
        JobKind::Rendering | JobKind::Batch => pick("gemm", "f32"),
        JobKind::Inference => rows
            .iter()
            .filter(|r| {
                r.kernel == "decode" && r.batch == 1 && r.roofline_fraction.is_some_and(|f| f > 0.0)
            })
            .max_by(|a, b| {
                a.shape
                    .len()
                    .cmp(&b.shape.len())
                    .then(a.shape.cmp(&b.shape))
            })
            .map(|r| {
                (
                    r.roofline_fraction.unwrap_or(0.0),
                    format!("decode {} {} batch 1", r.dtype, r.shape),
                )
            }),
    }
}

/// The decode curve of one GPU's rows: tokens/s of the full 7B model in bf16 (or f16) at
/// each measured batch, and the context it was measured at (from the notes).
fn decode_curve(rows: &[&CalibrationRow], source: String) -> Option<MeasuredCurve> {
    let mut points: Vec<(u32, f64)> = rows
        .iter()
        .filter(|r| {
            r.kernel == "decode"
                && r.shape == "7b"
                && (r.dtype == "bf16" || r.dtype == "f16")
                && r.value > 0.0
        })
        .map(|r| (r.batch, r.value))
        .collect();
    points.sort_by_key(|p| p.0);
    points.dedup_by_key(|p| p.0);
    if points.is_empty() {
        return None;
    }
    let context_tokens = rows
        .iter()
        .find(|r| r.kernel == "decode" && r.shape == "7b")
        .and_then(|r| context_of(&r.notes))
        .unwrap_or(0);
    Some(MeasuredCurve {
        points,
        context_tokens,
        source,
    })
}

/// N of "context N tokens" in a decode row's notes.
fn context_of(notes: &str) -> Option<u32> {
    let rest = &notes[notes.find("context ")? + "context ".len()..];
    let end = rest.find(' ')?;
    if !rest[end..].starts_with(" tokens") {
        return None;
    }
    rest[..end].parse().ok()
}

/// Applies `tables` in order (later ones win) to `throughput`: every (GPU, kind) a table
/// measures becomes `Measured`, the rest stay as assumed; a GPU's decode rows of the full
/// 7B model become its measured serving curve. Returns how many efficiencies were set.
pub fn apply(tables: &[CalibrationTable], catalog: &Catalog, throughput: &mut Throughput) -> usize {
    let mut set = 0;
    for table in tables {
        for (id, spec) in catalog.gpus.iter().enumerate() {
            let rows: Vec<&CalibrationRow> = table
                .rows
                .iter()
                .filter(|r| r.gpu_model == spec.gpu)
                .collect();
            if rows.is_empty() {
                continue;
            }
            if let Some(curve) = decode_curve(&rows, format!("{} ({})", table.name, rows[0].device))
            {
                throughput.set_decode_curve(id as u16, curve);
            }
            for kind in JobKind::ALL {
                if let Some((value, what)) = measured(&rows, kind) {
                    let device = &rows[0].device;
                    let provenance =
                        Provenance::Measured(format!("{} ({device}; {what})", table.name));
                    throughput.set(
                        catalog,
                        id as u16,
                        kind,
                        Efficiency {
                            value: value.min(1.0),
                            provenance,
                        },
                    );
                    set += 1;
                }
            }
        }
    }
    set
}

#[cfg(test)]
mod tests {
    use super::*;

    const H100: &str = "device,device_kind,gpu_model,driver_version,runtime_version,kernel,dtype,shape,batch,value,unit,spec_peak,efficiency,roofline_fraction,timestamp,notes
NVIDIA H100 80GB HBM3,cuda,H100-SXM,580,13.0,gemm,bf16,4096x4096x4096,1,700,TFLOP/s,989,0.708,0.708,2026-11-24T00:00:00Z,
NVIDIA H100 80GB HBM3,cuda,H100-SXM,580,13.0,gemm,bf16,8192x8192x8192,1,790,TFLOP/s,989,0.799,0.799,2026-11-24T00:00:00Z,
NVIDIA H100 80GB HBM3,cuda,H100-SXM,580,13.0,gemm,f32,8192x8192x8192,1,50,TFLOP/s,67,0.746,0.746,2026-11-24T00:00:00Z,
NVIDIA H100 80GB HBM3,cuda,H100-SXM,580,13.0,decode,bf16,7b,1,190,tokens/s,,,0.81,2026-11-24T00:00:00Z,
";

    #[test]
    fn measured_rows_replace_assumed_efficiencies() {
        let catalog = Catalog::embedded();
        let mut t = Throughput::assumed(catalog, JobKind::ALL.map(JobKind::default_efficiency));
        let table = CalibrationTable::parse("h100.csv", H100).unwrap();
        assert_eq!(apply(&[table], catalog, &mut t), 4);
        let h100 = catalog.gpu_id("H100-SXM").unwrap();
        assert_eq!(
            t.efficiency(h100, JobKind::Training).value,
            0.799,
            "largest GEMM wins"
        );
        assert_eq!(t.efficiency(h100, JobKind::Inference).value, 0.81);
        assert_eq!(t.efficiency(h100, JobKind::Rendering).value, 0.746);
        assert!(matches!(
            t.efficiency(h100, JobKind::Training).provenance,
            Provenance::Measured(_)
        ));
        let a100 = catalog.gpu_id("A100-80G").unwrap();
        assert_eq!(
            t.efficiency(a100, JobKind::Training).provenance,
            Provenance::Assumed
        );
    }

    #[test]
    fn decode_rows_of_the_full_model_become_the_gpus_serving_curve() {
        let catalog = Catalog::embedded();
        let mut t = Throughput::assumed(catalog, JobKind::ALL.map(JobKind::default_efficiency));
        apply(&CalibrationTable::embedded(), catalog, &mut t);
        // Every GPU whose committed table has 7B decode rows gets them, ascending in batch.
        for table in CalibrationTable::embedded() {
            for (id, spec) in catalog.gpus.iter().enumerate() {
                let rows: Vec<&CalibrationRow> = table
                    .rows
                    .iter()
                    .filter(|r| r.gpu_model == spec.gpu && r.kernel == "decode" && r.shape == "7b")
                    .collect();
                if rows.is_empty() {
                    continue;
                }
                let curve = t.decode_curve(id as u16).expect("a measured curve");
                assert_eq!(curve.points.len(), rows.len());
                assert!(curve.points.windows(2).all(|w| w[0].0 < w[1].0));
                assert_eq!(Some(curve.context_tokens), context_of(&rows[0].notes));
            }
        }
    }

    #[test]
    fn the_context_is_read_from_a_decode_rows_notes() {
        assert_eq!(context_of("context 164 tokens; 13.52 GB read"), Some(164));
        assert_eq!(context_of("prompt 512 tokens"), None);
        assert_eq!(context_of("context 12 sequences"), None);
    }

    #[test]
    fn committed_tables_parse() {
        for table in CalibrationTable::embedded() {
            assert!(!table.rows.is_empty(), "{} is empty", table.name);
        }
    }
}
