//! Effective throughput of each GPU model for each kind of job: spec peak x efficiency.
//! Job durations scale with it: a job of `w` reference-GPU seconds takes
//! `w x effective(reference) / effective(gpu)` seconds on `gpu`.

use crate::data::catalog::{Catalog, GpuId, GpuSpec};
use crate::data::decode_curve::MeasuredCurve;

/// Kind of job, deciding which spec figure its speed follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobKind {
    /// LLM decode: memory bandwidth [GB/s].
    Inference,
    /// Training: BF16 tensor throughput [TFLOP/s].
    Training,
    /// Rendering: FP32 throughput [TFLOP/s].
    Rendering,
    /// Generic batch compute: FP32 throughput [TFLOP/s].
    Batch,
}

impl JobKind {
    /// All kinds, in a fixed order.
    pub const ALL: [JobKind; 4] = [
        JobKind::Inference,
        JobKind::Training,
        JobKind::Rendering,
        JobKind::Batch,
    ];

    /// Lower-case name used in scenarios and outputs.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::Inference => "inference",
            JobKind::Training => "training",
            JobKind::Rendering => "rendering",
            JobKind::Batch => "batch",
        }
    }

    /// Parses a name written by [`JobKind::name`].
    pub fn from_name(name: &str) -> Option<JobKind> {
        JobKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The spec figure this kind's speed follows [TFLOP/s or GB/s].
    pub fn spec_peak(self, gpu: &GpuSpec) -> f64 {
        match self {
            JobKind::Inference => gpu.bandwidth_gb_s,
            JobKind::Training => gpu.bf16_tflops,
            JobKind::Rendering | JobKind::Batch => gpu.fp32_tflops,
        }
    }

    /// Assumed fraction of spec peak reached when nothing is measured [fraction]:
    /// training 0.40 (typical large-model MFU), inference 0.60 (decode vs. HBM roofline),
    /// rendering and batch 0.50.
    pub fn default_efficiency(self) -> f64 {
        match self {
            JobKind::Inference => 0.60,
            JobKind::Training => 0.40,
            JobKind::Rendering | JobKind::Batch => 0.50,
        }
    }
}

/// Where an efficiency figure comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Provenance {
    /// Assumed default (see [`JobKind::default_efficiency`] or the scenario's override).
    Assumed,
    /// Measured; the string names the calibration table and device.
    Measured(String),
}

/// One (GPU, kind) efficiency with its provenance.
#[derive(Debug, Clone, PartialEq)]
pub struct Efficiency {
    /// Fraction of spec peak reached [fraction].
    pub value: f64,
    /// Where the figure comes from.
    pub provenance: Provenance,
}

/// Effective throughput table, indexed by GPU id then kind.
#[derive(Debug, Clone)]
pub struct Throughput {
    /// `efficiency[gpu][kind as usize]`.
    efficiency: Vec<[Efficiency; 4]>,
    /// `effective[gpu][kind]` = spec peak x efficiency [TFLOP/s or GB/s].
    effective: Vec<[f64; 4]>,
    /// Measured decode curve per GPU, where a calibration table has one.
    decode_curves: Vec<Option<MeasuredCurve>>,
}

impl Throughput {
    /// Every GPU at `defaults[kind]` efficiency, assumed.
    pub fn assumed(catalog: &Catalog, defaults: [f64; 4]) -> Throughput {
        let efficiency = catalog
            .gpus
            .iter()
            .map(|_| {
                defaults.map(|value| Efficiency {
                    value,
                    provenance: Provenance::Assumed,
                })
            })
            .collect();
        let mut t = Throughput {
            efficiency,
            effective: Vec::new(),
            decode_curves: vec![None; catalog.gpus.len()],
        };
        t.recompute(catalog);
        t
    }

    /// Replaces one efficiency (e.g. with a measured figure).
    pub fn set(&mut self, catalog: &Catalog, gpu: GpuId, kind: JobKind, efficiency: Efficiency) {
        self.efficiency[gpu as usize][kind as usize] = efficiency;
        self.recompute(catalog);
    }

    fn recompute(&mut self, catalog: &Catalog) {
        self.effective = catalog
            .gpus
            .iter()
            .zip(&self.efficiency)
            .map(|(spec, eff)| JobKind::ALL.map(|k| k.spec_peak(spec) * eff[k as usize].value))
            .collect();
    }

    /// Records `gpu`'s measured decode curve (see [`crate::data::serving`]).
    pub fn set_decode_curve(&mut self, gpu: GpuId, curve: MeasuredCurve) {
        self.decode_curves[gpu as usize] = Some(curve);
    }

    /// `gpu`'s measured decode curve, if a calibration table has one.
    pub fn decode_curve(&self, gpu: GpuId) -> Option<&MeasuredCurve> {
        self.decode_curves[gpu as usize].as_ref()
    }

    /// Efficiency of `gpu` for `kind`.
    pub fn efficiency(&self, gpu: GpuId, kind: JobKind) -> &Efficiency {
        &self.efficiency[gpu as usize][kind as usize]
    }

    /// Effective throughput of `gpu` for `kind` [TFLOP/s or GB/s].
    pub fn effective(&self, gpu: GpuId, kind: JobKind) -> f64 {
        self.effective[gpu as usize][kind as usize]
    }

    /// How much faster `gpu` runs `kind` than `reference` does [ratio].
    pub fn speed(&self, gpu: GpuId, reference: GpuId, kind: JobKind) -> f64 {
        self.effective(gpu, kind) / self.effective(reference, kind)
    }
}
