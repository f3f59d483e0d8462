//! Device buffers of a [`GpuTransformer`](super::GpuTransformer) that depend on the
//! batch (activations and KV cache), the timing events of a step, and the cuBLAS GEMM
//! helper with its layout conventions.

use cudarc::cublas::sys::cublasOperation_t;
use cudarc::cublas::{CudaBlas, GemmConfig};
use cudarc::driver::{CudaEvent, CudaSlice, DevicePtr};

use super::kernels::Kernels;
use super::{GpuDevice, GpuDtype, cu};
use crate::KernelsError;
use crate::cpu::StepTiming;
use crate::model::TransformerConfig;

/// Activations for up to `max_rows` rows, and the KV cache.
#[derive(Debug)]
pub(crate) struct State<T> {
    pub(crate) batch: usize,
    pub(crate) max_seq: usize,
    pub(crate) max_rows: usize,
    pub(crate) tokens: CudaSlice<i32>,
    pub(crate) x: CudaSlice<T>,
    pub(crate) xn: CudaSlice<T>,
    pub(crate) q: CudaSlice<T>,
    pub(crate) k: CudaSlice<T>,
    pub(crate) v: CudaSlice<T>,
    pub(crate) att: CudaSlice<T>,
    pub(crate) g: CudaSlice<T>,
    pub(crate) u: CudaSlice<T>,
    pub(crate) logits: CudaSlice<T>,
    pub(crate) k_cache: Vec<CudaSlice<T>>,
    pub(crate) v_cache: Vec<CudaSlice<T>>,
}

/// Events around one forward step, for device-side timing.
#[derive(Debug)]
pub struct StepEvents {
    pub(crate) start: CudaEvent,
    pub(crate) layers: CudaEvent,
    pub(crate) end: CudaEvent,
}

impl StepEvents {
    /// Three timing-enabled events.
    pub fn new(gpu: &GpuDevice) -> Result<Self, KernelsError> {
        let ev = || {
            gpu.ctx
                .new_event(Some(cudarc::driver::sys::CUevent_flags::CU_EVENT_DEFAULT))
                .map_err(cu("cuEventCreate"))
        };
        Ok(StepEvents {
            start: ev()?,
            layers: ev()?,
            end: ev()?,
        })
    }

    /// Device time of the recorded step (waits for it to finish).
    pub fn timing(&self) -> Result<StepTiming, KernelsError> {
        let layers = self
            .start
            .elapsed_ms(&self.layers)
            .map_err(cu("cuEventElapsedTime"))?;
        let total = self
            .start
            .elapsed_ms(&self.end)
            .map_err(cu("cuEventElapsedTime"))?;
        Ok(StepTiming {
            layers_s: f64::from(layers) / 1e3,
            total_s: f64::from(total) / 1e3,
        })
    }
}

impl<T: GpuDtype> State<T> {
    /// Device bytes of the activations and cache.
    pub(crate) fn bytes(
        cfg: &TransformerConfig,
        batch: usize,
        max_seq: usize,
        max_rows: usize,
    ) -> usize {
        let (d, kvd, f) = (cfg.dim, cfg.kv_dim(), cfg.ffn_dim);
        let act = max_rows * (4 * d + 2 * kvd + 2 * f + cfg.vocab);
        (act + cfg.n_layers * 2 * batch * max_seq * kvd) * std::mem::size_of::<T>()
    }

    pub(crate) fn new(
        gpu: &GpuDevice,
        cfg: &TransformerConfig,
        batch: usize,
        max_seq: usize,
        max_rows: usize,
    ) -> Result<Self, KernelsError> {
        if batch == 0 || max_seq == 0 || max_rows < batch {
            return Err(KernelsError::InvalidConfig(
                "batch, max_seq must be positive and max_rows >= batch".into(),
            ));
        }
        let s = &gpu.stream;
        let z = |n: usize| {
            s.alloc_zeros::<T>(n.max(1))
                .map_err(cu("cuMemAlloc activations"))
        };
        let (d, kvd, f) = (cfg.dim, cfg.kv_dim(), cfg.ffn_dim);
        let cache = |_| z(batch * max_seq * kvd);
        Ok(State {
            batch,
            max_seq,
            max_rows,
            tokens: s
                .alloc_zeros::<i32>(max_rows)
                .map_err(cu("cuMemAlloc tokens"))?,
            x: z(max_rows * d)?,
            xn: z(max_rows * d)?,
            q: z(max_rows * d)?,
            k: z(max_rows * kvd)?,
            v: z(max_rows * kvd)?,
            att: z(max_rows * d)?,
            g: z(max_rows * f)?,
            u: z(max_rows * f)?,
            logits: z(max_rows * cfg.vocab)?,
            k_cache: (0..cfg.n_layers).map(cache).collect::<Result<_, _>>()?,
            v_cache: (0..cfg.n_layers).map(cache).collect::<Result<_, _>>()?,
        })
    }

    /// Validates a step of `rows` tokens against the buffers; returns tokens per sequence.
    pub(crate) fn check(&self, rows: usize, pos: usize) -> Result<usize, KernelsError> {
        if rows == 0 || !rows.is_multiple_of(self.batch) || rows > self.max_rows {
            return Err(KernelsError::InvalidConfig(format!(
                "{rows} tokens: not a multiple of batch {} or over {} rows",
                self.batch, self.max_rows
            )));
        }
        let len = rows / self.batch;
        if pos + len > self.max_seq {
            return Err(KernelsError::InvalidConfig(format!(
                "{pos} + {len} tokens exceed the cache of {}",
                self.max_seq
            )));
        }
        Ok(len)
    }
}

/// Row-major `out[rows, n_out] (+)= x[rows, k_in] . w[k_in, n_out]` where row r of `x`
/// starts at `r * ldx`. In cuBLAS's column-major terms: `out^T = w^T . x^T`.
pub(crate) fn gemm<T: GpuDtype, X: DevicePtr<T>>(
    blas: &CudaBlas,
    out: &mut CudaSlice<T>,
    x: &X,
    w: &CudaSlice<T>,
    (rows, k_in, n_out): (usize, usize, usize),
    ldx: usize,
    accumulate: bool,
) -> Result<(), KernelsError> {
    let fits = rows > 0
        && x.len() >= (rows - 1) * ldx + k_in
        && w.len() >= k_in * n_out
        && out.len() >= rows * n_out;
    let as_i32 = |v: usize| {
        i32::try_from(v)
            .map_err(|_| KernelsError::InvalidConfig(format!("gemm dimension {v} exceeds i32")))
    };
    if !fits {
        return Err(KernelsError::InvalidConfig(format!(
            "gemm {rows}x{k_in}x{n_out} does not fit its buffers"
        )));
    }
    let cfg = GemmConfig {
        transa: cublasOperation_t::CUBLAS_OP_N,
        transb: cublasOperation_t::CUBLAS_OP_N,
        m: as_i32(n_out)?,
        n: as_i32(rows)?,
        k: as_i32(k_in)?,
        alpha: T::from_f32(1.0),
        lda: as_i32(n_out)?,
        ldb: as_i32(ldx)?,
        beta: T::from_f32(if accumulate { 1.0 } else { 0.0 }),
        ldc: as_i32(n_out)?,
    };
    // SAFETY: the checks above keep every element cuBLAS reads or writes inside the
    // three buffers; `out` does not alias `x` or `w` (distinct allocations).
    unsafe { T::blas_gemm(blas, cfg, w, x, out) }.map_err(cu("cublas gemm"))
}

/// A norm weight vector uniform in [0.9, 1.1).
pub(crate) fn norm<T: GpuDtype>(
    gpu: &GpuDevice,
    k: &Kernels<T>,
    dim: usize,
    seed: u64,
) -> Result<CudaSlice<f32>, KernelsError> {
    let mut v = gpu
        .stream
        .alloc_zeros::<f32>(dim)
        .map_err(cu("cuMemAlloc norms"))?;
    k.init_uniform_f32(
        &mut v,
        seed.wrapping_mul(31).wrapping_add(dim as u64),
        0.9,
        1.1,
    )?;
    Ok(v)
}
