//! GEMM sweep on the GPU: true FP32 (cuBLAS Sgemm), TF32, BF16 and FP16 (cuBLASLt,
//! f32 accumulation), square sizes up to 8192, timed with CUDA events.

use cudarc::cublas::sys::cublasOperation_t;
use cudarc::cublas::{Gemm, GemmConfig};
use cudarc::cublaslt::{CudaBlasLT, Matmul, MatmulConfig};
use cudarc::driver::{CudaSlice, sys::CUevent_flags};
use half::{bf16, f16};

use super::{GpuDevice, GpuDtype, cu};
use crate::cpu::gemm::random_matrix;
use crate::rows::RowBase;
use crate::table::{CalibrationRow, Dtype, KernelKind, Unit};
use crate::timing::median;
use crate::{CalibrateOptions, KernelsError};

/// Median device time of one call of `f` \[s\]: `warmup` untimed calls, then `reps`
/// event-timed batches of `inner` calls each.
pub(crate) fn time_events(
    gpu: &GpuDevice,
    (warmup, reps, inner): (usize, usize, usize),
    mut f: impl FnMut() -> Result<(), KernelsError>,
) -> Result<f64, KernelsError> {
    let ev = || {
        gpu.ctx
            .new_event(Some(CUevent_flags::CU_EVENT_DEFAULT))
            .map_err(cu("cuEventCreate"))
    };
    let (start, end) = (ev()?, ev()?);
    for _ in 0..warmup {
        f()?;
    }
    let mut samples = Vec::with_capacity(reps);
    for _ in 0..reps.max(1) {
        start.record(&gpu.stream).map_err(cu("cuEventRecord"))?;
        for _ in 0..inner.max(1) {
            f()?;
        }
        end.record(&gpu.stream).map_err(cu("cuEventRecord"))?;
        let ms = start.elapsed_ms(&end).map_err(cu("cuEventElapsedTime"))?;
        samples.push(f64::from(ms) / 1e3 / inner.max(1) as f64);
    }
    gpu.ctx.check_err().map_err(cu("deferred CUDA error"))?;
    Ok(median(&samples))
}

/// Runs the sweep and appends one row per (size, dtype).
pub(crate) fn sweep(
    opts: &CalibrateOptions,
    gpu: &GpuDevice,
    base: &RowBase,
    rows: &mut Vec<CalibrationRow>,
) -> Result<(), KernelsError> {
    let sizes: &[usize] = if opts.quick {
        &[1024, 2048]
    } else {
        &[1024, 2048, 4096, 8192]
    };
    let lt = CudaBlasLT::new(gpu.stream.clone()).map_err(cu("cublasLtCreate"))?;
    for &n in sizes {
        let host: Vec<f32> = random_matrix(n * n, n as u64);
        let reps = if opts.quick { 5 } else { 10 };
        let inner = (4096 / n).pow(3).clamp(1, 64);
        let plan = (3, reps, inner);
        for dtype in [Dtype::F32, Dtype::Tf32, Dtype::Bf16, Dtype::F16] {
            let secs = match dtype {
                Dtype::F32 => time_sgemm(gpu, &host, n, plan)?,
                Dtype::Tf32 => time_lt::<f32>(gpu, &lt, &host, n, plan)?,
                Dtype::Bf16 => time_lt::<bf16>(gpu, &lt, &host, n, plan)?,
                Dtype::F16 => time_lt::<f16>(gpu, &lt, &host, n, plan)?,
            };
            rows.push(gemm_row(opts, gpu, base, dtype, n, secs));
        }
    }
    Ok(())
}

fn gemm_row(
    opts: &CalibrateOptions,
    gpu: &GpuDevice,
    base: &RowBase,
    dtype: Dtype,
    n: usize,
    secs: f64,
) -> CalibrationRow {
    let flops = 2.0 * (n as f64).powi(3);
    let tflops = flops / secs / 1e12;
    let peak = gpu.spec.and_then(|s| match dtype {
        Dtype::F32 => Some(s.fp32_tflops),
        Dtype::Tf32 => s.tf32_tflops,
        Dtype::Bf16 => s.bf16_tflops,
        Dtype::F16 => Some(s.fp16_tflops),
    });
    let how = match dtype {
        Dtype::F32 => "cuBLAS Sgemm (true FP32)",
        Dtype::Tf32 => "cuBLASLt f32 with COMPUTE_32F_FAST_TF32",
        Dtype::Bf16 | Dtype::F16 => "cuBLASLt, f32 accumulation",
    };
    opts.say(&format!(
        "cuda gemm {} {n}^3: {tflops:.1} TFLOP/s{}",
        dtype.as_str(),
        peak.map_or(String::new(), |p| format!(
            " ({:.0}% of {p})",
            100.0 * tflops / p
        ))
    ));
    let mut row = base
        .row(
            KernelKind::Gemm,
            dtype,
            format!("{n}x{n}x{n}"),
            1,
            tflops,
            Unit::TflopPerS,
        )
        .with_peak(peak)
        .with_notes(format!(
            "{how}; column-major, no transposes; event-timed median after warm-up"
        ));
    if let (Some(p), Some(s)) = (peak, gpu.spec) {
        let intensity = flops / (3.0 * (n * n * dtype.bytes()) as f64);
        let roof = p.min(intensity * s.bandwidth_gbs / 1e3);
        row = row.with_roofline(tflops / roof);
    }
    row
}

fn upload<T: GpuDtype>(gpu: &GpuDevice, host: &[f32]) -> Result<CudaSlice<T>, KernelsError> {
    let v: Vec<T> = host.iter().map(|&x| T::from_f32(x)).collect();
    gpu.stream.clone_htod(&v).map_err(cu("cuMemcpyHtoD"))
}

fn time_sgemm(
    gpu: &GpuDevice,
    host: &[f32],
    n: usize,
    plan: (usize, usize, usize),
) -> Result<f64, KernelsError> {
    let (a, b) = (upload::<f32>(gpu, host)?, upload::<f32>(gpu, host)?);
    let mut c = gpu
        .stream
        .alloc_zeros::<f32>(n * n)
        .map_err(cu("cuMemAlloc"))?;
    let ni =
        i32::try_from(n).map_err(|_| KernelsError::InvalidConfig("size exceeds i32".into()))?;
    let cfg = GemmConfig {
        transa: cublasOperation_t::CUBLAS_OP_N,
        transb: cublasOperation_t::CUBLAS_OP_N,
        m: ni,
        n: ni,
        k: ni,
        alpha: 1.0f32,
        lda: ni,
        ldb: ni,
        beta: 0.0f32,
        ldc: ni,
    };
    time_events(gpu, plan, || {
        // SAFETY: a, b, c each hold n*n f32 and the leading dimensions are n.
        unsafe { gpu.blas.gemm(cfg, &a, &b, &mut c) }.map_err(cu("cublasSgemm"))
    })
}

fn time_lt<T: GpuDtype>(
    gpu: &GpuDevice,
    lt: &CudaBlasLT,
    host: &[f32],
    n: usize,
    plan: (usize, usize, usize),
) -> Result<f64, KernelsError>
where
    CudaBlasLT: Matmul<T>,
{
    let (a, b) = (upload::<T>(gpu, host)?, upload::<T>(gpu, host)?);
    let mut c = gpu
        .stream
        .alloc_zeros::<T>(n * n)
        .map_err(cu("cuMemAlloc"))?;
    let (n64, ld) = (n as u64, n as i64);
    let cfg = MatmulConfig {
        transa: false,
        transb: false,
        transc: false,
        m: n64,
        n: n64,
        k: n64,
        alpha: 1.0,
        lda: ld,
        ldb: ld,
        beta: 0.0,
        ldc: ld,
        stride_a: None,
        stride_b: None,
        stride_c: None,
        stride_bias: None,
        batch_size: None,
    };
    time_events(gpu, plan, || {
        // SAFETY: a, b, c each hold n*n elements and the leading dimensions are n.
        unsafe {
            <CudaBlasLT as Matmul<T>>::matmul(lt, cfg, &a, &b, &mut c, None::<&CudaSlice<T>>, None)
        }
        .map_err(cu("cublasLtMatmul"))
    })
}
