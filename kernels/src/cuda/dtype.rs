//! Element types the CUDA transformer runs in.

use cudarc::cublas::result::CublasError;
use cudarc::cublas::{CudaBlas, Gemm, GemmConfig};
use cudarc::driver::{DevicePtr, DevicePtrMut, DeviceRepr, ValidAsZeroBits};
use half::{bf16, f16};

use crate::table::Dtype;

/// A storage type of the CUDA transformer: f32, f16 or bf16 (f32 accumulation).
pub trait GpuDtype:
    DeviceRepr + ValidAsZeroBits + Copy + Default + Unpin + Send + Sync + 'static
{
    /// The table's name for this type.
    const DTYPE: Dtype;
    /// Suffix of the NVRTC kernels for this type (`f32`, `f16`, `bf16`).
    const SUFFIX: &'static str;
    /// Rounds an f32 to this type.
    fn from_f32(x: f32) -> Self;
    /// Widens to f32.
    fn to_f32(self) -> f32;
    /// cuBLAS GEMM in this type (`cublasSgemm` for f32, `cublasGemmEx` with f32
    /// compute for f16 and bf16).
    ///
    /// # Safety
    /// The shapes and leading dimensions in `cfg` must stay inside `a`, `b` and `c`.
    unsafe fn blas_gemm<A: DevicePtr<Self>, B: DevicePtr<Self>, C: DevicePtrMut<Self>>(
        blas: &CudaBlas,
        cfg: GemmConfig<Self>,
        a: &A,
        b: &B,
        c: &mut C,
    ) -> Result<(), CublasError>;
}

macro_rules! blas_gemm_via_trait {
    ($t:ty) => {
        unsafe fn blas_gemm<A: DevicePtr<$t>, B: DevicePtr<$t>, C: DevicePtrMut<$t>>(
            blas: &CudaBlas,
            cfg: GemmConfig<$t>,
            a: &A,
            b: &B,
            c: &mut C,
        ) -> Result<(), CublasError> {
            // SAFETY: forwarded; the caller upholds the bounds contract.
            unsafe { <CudaBlas as Gemm<$t>>::gemm(blas, cfg, a, b, c) }
        }
    };
}

impl GpuDtype for f32 {
    const DTYPE: Dtype = Dtype::F32;
    const SUFFIX: &'static str = "f32";
    fn from_f32(x: f32) -> Self {
        x
    }
    fn to_f32(self) -> f32 {
        self
    }
    blas_gemm_via_trait!(f32);
}

impl GpuDtype for f16 {
    const DTYPE: Dtype = Dtype::F16;
    const SUFFIX: &'static str = "f16";
    fn from_f32(x: f32) -> Self {
        f16::from_f32(x)
    }
    fn to_f32(self) -> f32 {
        f16::to_f32(self)
    }
    blas_gemm_via_trait!(f16);
}

impl GpuDtype for bf16 {
    const DTYPE: Dtype = Dtype::Bf16;
    const SUFFIX: &'static str = "bf16";
    fn from_f32(x: f32) -> Self {
        bf16::from_f32(x)
    }
    fn to_f32(self) -> f32 {
        bf16::to_f32(self)
    }
    blas_gemm_via_trait!(bf16);
}
