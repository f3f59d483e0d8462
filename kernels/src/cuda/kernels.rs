//! The NVRTC-compiled kernels of `kernels/cuda/transformer.cu` and typed launchers.

use std::marker::PhantomData;
use std::sync::Arc;

use cudarc::driver::{
    CudaFunction, CudaModule, CudaSlice, CudaStream, LaunchConfig, PushKernelArg,
};
use cudarc::nvrtc::{CompileError, CompileOptions, compile_ptx_with_opts};

use super::{GpuDevice, GpuDtype, cu};
use crate::KernelsError;

/// CUDA C source of the non-GEMM kernels.
pub(crate) const SOURCE: &str = include_str!("../../cuda/transformer.cu");

/// Threads per block of the row-wise kernels (a power of two: the reductions need it).
const ROW_THREADS: u32 = 256;
/// Threads per block of the attention kernel (a power of two, at least 32: the score
/// loop gives each warp one cached position).
const ATTN_THREADS: u32 = 128;
/// Default dynamic shared memory limit per block \[bytes\].
const MAX_SHARED: usize = 48 * 1024;

/// Compiles [`SOURCE`] to PTX for a virtual architecture `compute_XY` (the driver
/// JIT-compiles it for the device). No CUDA headers are needed.
pub(crate) fn compile(compute_capability: (i32, i32)) -> Result<cudarc::nvrtc::Ptx, KernelsError> {
    let (major, minor) = compute_capability;
    let opts = CompileOptions {
        options: vec![format!("--gpu-architecture=compute_{major}{minor}")],
        name: Some("flopmarket_transformer.cu".into()),
        ..Default::default()
    };
    compile_ptx_with_opts(SOURCE, opts).map_err(|e| KernelsError::Cuda {
        op: "nvrtc compile of kernels/cuda/transformer.cu".into(),
        detail: match e {
            CompileError::CompileError { nvrtc, log, .. } => {
                format!("{nvrtc:?}: {}", log.to_string_lossy())
            }
            other => format!("{other:?}"),
        },
    })
}

/// Compiles the transformer kernels for compute capability `(major, minor)` and
/// returns the PTX text. Needs only libnvrtc (no GPU, no driver): a build check.
pub fn compile_kernels(compute_capability: (i32, i32)) -> Result<String, KernelsError> {
    // SAFETY: only tries to dlopen libnvrtc.
    if !unsafe { cudarc::nvrtc::sys::is_culib_present() } {
        return Err(KernelsError::NoCudaDevice("libnvrtc not found".into()));
    }
    Ok(compile(compute_capability)?.to_src())
}

fn int(name: &str, v: usize) -> Result<i32, KernelsError> {
    i32::try_from(v).map_err(|_| KernelsError::InvalidConfig(format!("{name} = {v} exceeds i32")))
}

fn grid_1d(n: usize, threads: u32) -> LaunchConfig {
    let blocks = n.div_ceil(threads as usize).clamp(1, i32::MAX as usize) as u32;
    LaunchConfig {
        grid_dim: (blocks, 1, 1),
        block_dim: (threads, 1, 1),
        shared_mem_bytes: 0,
    }
}

/// One block of `ROW_THREADS` threads per row, for the row-wise kernels.
fn per_row(rows: usize) -> Result<LaunchConfig, KernelsError> {
    Ok(LaunchConfig {
        grid_dim: (int("rows", rows)? as u32, 1, 1),
        block_dim: (ROW_THREADS, 1, 1),
        shared_mem_bytes: 0,
    })
}

/// The kernels for one storage type `T`.
#[derive(Debug)]
pub(crate) struct Kernels<T> {
    stream: Arc<CudaStream>,
    embed: CudaFunction,
    rmsnorm: CudaFunction,
    rope: CudaFunction,
    kv_store: CudaFunction,
    attention: CudaFunction,
    silu_mul: CudaFunction,
    init_uniform: CudaFunction,
    init_uniform_f32: CudaFunction,
    _elem: PhantomData<T>,
}

impl<T: GpuDtype> Kernels<T> {
    /// Loads the `T` variants from the compiled module of `gpu`.
    pub fn load(gpu: &GpuDevice, module: &Arc<CudaModule>) -> Result<Self, KernelsError> {
        let f = |name: &str| {
            let full = format!("{name}_{}", T::SUFFIX);
            module.load_function(&full).map_err(|e| KernelsError::Cuda {
                op: format!("cuModuleGetFunction {full}"),
                detail: format!("{e:?}"),
            })
        };
        Ok(Kernels {
            stream: gpu.stream.clone(),
            embed: f("embed")?,
            rmsnorm: f("rmsnorm")?,
            rope: f("rope")?,
            kv_store: f("kv_store")?,
            attention: f("attention")?,
            silu_mul: f("silu_mul")?,
            init_uniform: f("init_uniform")?,
            init_uniform_f32: module
                .load_function("init_uniform_f32")
                .map_err(cu("cuModuleGetFunction"))?,
            _elem: PhantomData,
        })
    }

    /// `x[r] = emb[tokens[r]]` for `rows` rows of width `dim`.
    pub fn embed(
        &self,
        x: &mut CudaSlice<T>,
        emb: &CudaSlice<T>,
        tokens: &CudaSlice<i32>,
        rows: usize,
        dim: usize,
    ) -> Result<(), KernelsError> {
        let d = int("dim", dim)?;
        let cfg = per_row(rows)?;
        let mut b = self.stream.launch_builder(&self.embed);
        b.arg(x).arg(emb).arg(tokens).arg(&d);
        // SAFETY: argument types match `embed_T(T*, const T*, const int*, int)`; the
        // caller sized x to rows*dim and emb to vocab*dim with tokens < vocab.
        unsafe { b.launch(cfg) }.map_err(cu("launch embed"))?;
        Ok(())
    }

    /// RMSNorm of `rows` rows of width `dim` with f32 weight `w`.
    pub fn rmsnorm(
        &self,
        out: &mut CudaSlice<T>,
        x: &CudaSlice<T>,
        w: &CudaSlice<f32>,
        rows: usize,
        dim: usize,
        eps: f32,
    ) -> Result<(), KernelsError> {
        let d = int("dim", dim)?;
        let cfg = per_row(rows)?;
        let mut b = self.stream.launch_builder(&self.rmsnorm);
        b.arg(out).arg(x).arg(w).arg(&d).arg(&eps);
        // SAFETY: matches `rmsnorm_T(T*, const T*, const float*, int, float)`; block
        // size 256 equals the kernel's static reduction buffer.
        unsafe { b.launch(cfg) }.map_err(cu("launch rmsnorm"))?;
        Ok(())
    }

    /// RoPE in place on `rows` rows (stride `row_stride`) of `n_heads` heads.
    #[allow(clippy::too_many_arguments)]
    pub fn rope(
        &self,
        x: &mut CudaSlice<T>,
        rows: usize,
        len: usize,
        pos0: usize,
        n_heads: usize,
        head_dim: usize,
        row_stride: usize,
        theta: f32,
    ) -> Result<(), KernelsError> {
        let a = [
            int("rows", rows)?,
            int("len", len)?,
            int("pos", pos0)?,
            int("heads", n_heads)?,
        ];
        let (hd, rs) = (int("head_dim", head_dim)?, int("row_stride", row_stride)?);
        let cfg = grid_1d(rows * n_heads * head_dim / 2, ROW_THREADS);
        let mut b = self.stream.launch_builder(&self.rope);
        b.arg(x)
            .arg(&a[0])
            .arg(&a[1])
            .arg(&a[2])
            .arg(&a[3])
            .arg(&hd)
            .arg(&rs)
            .arg(&theta);
        // SAFETY: matches `rope_T(T*, int, int, int, int, int, int, float)`; one
        // thread per pair, guarded by the total inside the kernel.
        unsafe { b.launch(cfg) }.map_err(cu("launch rope"))?;
        Ok(())
    }

    /// Appends `rows` new keys and values to the caches at positions `pos0..`.
    #[allow(clippy::too_many_arguments)]
    pub fn kv_store(
        &self,
        kc: &mut CudaSlice<T>,
        vc: &mut CudaSlice<T>,
        k: &CudaSlice<T>,
        v: &CudaSlice<T>,
        rows: usize,
        len: usize,
        pos0: usize,
        max_seq: usize,
        kv_dim: usize,
    ) -> Result<(), KernelsError> {
        let a = [
            int("rows", rows)?,
            int("len", len)?,
            int("pos", pos0)?,
            int("max_seq", max_seq)?,
        ];
        let kvd = int("kv_dim", kv_dim)?;
        let cfg = grid_1d(rows * kv_dim, ROW_THREADS);
        let mut b = self.stream.launch_builder(&self.kv_store);
        b.arg(kc)
            .arg(vc)
            .arg(k)
            .arg(v)
            .arg(&a[0])
            .arg(&a[1])
            .arg(&a[2])
            .arg(&a[3])
            .arg(&kvd);
        // SAFETY: matches `kv_store_T(T*, T*, const T*, const T*, int x5)`; the caller
        // checked pos0 + len <= max_seq.
        unsafe { b.launch(cfg) }.map_err(cu("launch kv_store"))?;
        Ok(())
    }

    /// Causal attention of `rows` query rows over the caches.
    #[allow(clippy::too_many_arguments)]
    pub fn attention(
        &self,
        out: &mut CudaSlice<T>,
        q: &CudaSlice<T>,
        kc: &CudaSlice<T>,
        vc: &CudaSlice<T>,
        (rows, len, pos0, max_seq): (usize, usize, usize, usize),
        (n_heads, n_kv_heads, head_dim): (usize, usize, usize),
    ) -> Result<(), KernelsError> {
        let shared = (head_dim + max_seq + ATTN_THREADS as usize) * 4;
        if shared > MAX_SHARED || rows > 65_535 {
            return Err(KernelsError::InvalidConfig(format!(
                "attention: max_seq {max_seq} needs {shared} B of shared memory (limit {MAX_SHARED}) or rows {rows} > 65535"
            )));
        }
        let a = [
            int("len", len)?,
            int("pos", pos0)?,
            int("max_seq", max_seq)?,
        ];
        let h = [
            int("heads", n_heads)?,
            int("kv_heads", n_kv_heads)?,
            int("head_dim", head_dim)?,
        ];
        let scale = 1.0 / (head_dim as f32).sqrt();
        let cfg = LaunchConfig {
            grid_dim: (n_heads as u32, rows as u32, 1),
            block_dim: (ATTN_THREADS, 1, 1),
            shared_mem_bytes: shared as u32,
        };
        let mut b = self.stream.launch_builder(&self.attention);
        b.arg(out)
            .arg(q)
            .arg(kc)
            .arg(vc)
            .arg(&a[0])
            .arg(&a[1])
            .arg(&a[2]);
        b.arg(&h[0]).arg(&h[1]).arg(&h[2]).arg(&scale);
        // SAFETY: matches `attention_T(T*, const T* x3, int x6, float)`; dynamic
        // shared memory holds head_dim + max_seq + blockDim floats as the kernel uses.
        unsafe { b.launch(cfg) }.map_err(cu("launch attention"))?;
        Ok(())
    }

    /// `gate = silu(gate) * up` over the first `n` elements.
    pub fn silu_mul(
        &self,
        gate: &mut CudaSlice<T>,
        up: &CudaSlice<T>,
        n: usize,
    ) -> Result<(), KernelsError> {
        let n64 = n as u64;
        let mut b = self.stream.launch_builder(&self.silu_mul);
        b.arg(gate).arg(up).arg(&n64);
        // SAFETY: matches `silu_mul_T(T*, const T*, u64)`; grid-stride loop bounded by n.
        unsafe { b.launch(grid_1d(n, ROW_THREADS)) }.map_err(cu("launch silu_mul"))?;
        Ok(())
    }

    /// Fills `out` with values uniform in `[lo, hi)` derived from `seed`.
    pub fn init_uniform(
        &self,
        out: &mut CudaSlice<T>,
        seed: u64,
        lo: f32,
        hi: f32,
    ) -> Result<(), KernelsError> {
        let n = out.len() as u64;
        let cfg = grid_1d(out.len(), ROW_THREADS);
        let mut b = self.stream.launch_builder(&self.init_uniform);
        b.arg(out).arg(&n).arg(&seed).arg(&lo).arg(&hi);
        // SAFETY: matches `init_uniform_T(T*, u64, u64, float, float)`; n = out.len().
        unsafe { b.launch(cfg) }.map_err(cu("launch init_uniform"))?;
        Ok(())
    }

    /// [`init_uniform`](Self::init_uniform) for f32 buffers (norm weights).
    pub fn init_uniform_f32(
        &self,
        out: &mut CudaSlice<f32>,
        seed: u64,
        lo: f32,
        hi: f32,
    ) -> Result<(), KernelsError> {
        let n = out.len() as u64;
        let cfg = grid_1d(out.len(), ROW_THREADS);
        let mut b = self.stream.launch_builder(&self.init_uniform_f32);
        b.arg(out).arg(&n).arg(&seed).arg(&lo).arg(&hi);
        // SAFETY: matches `init_uniform_f32(float*, u64, u64, float, float)`.
        unsafe { b.launch(cfg) }.map_err(cu("launch init_uniform_f32"))?;
        Ok(())
    }
}
