//! Opening the first CUDA device safely, and what we report about it.

use std::sync::{Arc, OnceLock};

use cudarc::cublas::CudaBlas;
use cudarc::driver::{CudaContext, CudaModule, CudaStream};

use super::cu;
use crate::KernelsError;
use crate::gpu_specs::{GpuSpec, match_device_name};
use crate::rows::RowBase;
use crate::table::DeviceKind;

/// The first CUDA device with a context, its default stream and a cuBLAS handle.
#[derive(Debug)]
pub struct GpuDevice {
    pub(crate) ctx: Arc<CudaContext>,
    pub(crate) stream: Arc<CudaStream>,
    pub(crate) blas: CudaBlas,
    module: OnceLock<Arc<CudaModule>>,
    /// Device name, e.g. `NVIDIA H100 80GB HBM3`.
    pub name: String,
    /// Compute capability (major, minor), e.g. (9, 0).
    pub compute_capability: (i32, i32),
    /// Device memory \[bytes\].
    pub total_mem_bytes: usize,
    /// CUDA driver API version, e.g. `13.0`.
    pub driver_version: String,
    /// NVRTC version, e.g. `13.0`.
    pub nvrtc_version: String,
    /// cuBLAS version, e.g. `13.0.2`.
    pub cublas_version: String,
    /// Datasheet figures when the name maps to a known model.
    pub spec: Option<&'static GpuSpec>,
}

/// Fails with [`KernelsError::NoCudaDevice`] naming the first missing library.
fn require_libraries() -> Result<(), KernelsError> {
    // SAFETY: these only try to dlopen the library by its usual names.
    let checks: [(&str, bool); 4] = unsafe {
        [
            (
                "libcuda (NVIDIA driver)",
                cudarc::driver::sys::is_culib_present(),
            ),
            ("libnvrtc", cudarc::nvrtc::sys::is_culib_present()),
            ("libcublas", cudarc::cublas::sys::is_culib_present()),
            ("libcublasLt", cudarc::cublaslt::sys::is_culib_present()),
        ]
    };
    match checks.iter().find(|(_, present)| !present) {
        Some((lib, _)) => Err(KernelsError::NoCudaDevice(format!("{lib} not found"))),
        None => Ok(()),
    }
}

impl GpuDevice {
    /// Opens device 0 after checking that the driver and the CUDA libraries can be
    /// loaded and that a device exists.
    pub fn open() -> Result<Self, KernelsError> {
        require_libraries()?;
        let count = CudaContext::device_count()
            .map_err(|e| KernelsError::NoCudaDevice(format!("cuInit/cuDeviceGetCount: {e:?}")))?;
        if count < 1 {
            return Err(KernelsError::NoCudaDevice(
                "the driver reports 0 devices".into(),
            ));
        }
        let ctx = CudaContext::new(0)
            .map_err(|e| KernelsError::NoCudaDevice(format!("cuCtx on device 0: {e:?}")))?;
        // SAFETY: this crate uses a single stream per context, so cudarc's cross-stream
        // event tracking is not needed.
        unsafe { ctx.disable_event_tracking() };
        let stream = ctx.default_stream();
        let blas = CudaBlas::new(stream.clone()).map_err(cu("cublasCreate"))?;
        let name = ctx.name().map_err(cu("cuDeviceGetName"))?;
        let compute_capability = ctx
            .compute_capability()
            .map_err(cu("cuDeviceGetAttribute"))?;
        let total_mem_bytes = ctx.total_mem().map_err(cu("cuDeviceTotalMem"))?;
        let spec = match_device_name(&name);
        Ok(GpuDevice {
            driver_version: driver_version(),
            nvrtc_version: nvrtc_version(),
            cublas_version: cublas_version(&blas),
            ctx,
            stream,
            blas,
            module: OnceLock::new(),
            name,
            compute_capability,
            total_mem_bytes,
            spec,
        })
    }

    /// One line for the progress output.
    pub fn describe(&self) -> String {
        format!(
            "{} (sm_{}{}, {:.1} GB, spec {}), driver {}, cublas {}, nvrtc {}",
            self.name,
            self.compute_capability.0,
            self.compute_capability.1,
            self.total_mem_bytes as f64 / 1e9,
            self.spec.map_or("unknown", |s| s.key),
            self.driver_version,
            self.cublas_version,
            self.nvrtc_version
        )
    }

    /// The transformer kernels, compiled by NVRTC for this device on first use.
    pub(crate) fn module(&self) -> Result<Arc<CudaModule>, KernelsError> {
        if let Some(m) = self.module.get() {
            return Ok(m.clone());
        }
        let ptx = super::kernels::compile(self.compute_capability)?;
        let module = self.ctx.load_module(ptx).map_err(cu("cuModuleLoadData"))?;
        Ok(self.module.get_or_init(|| module).clone())
    }

    /// Free device memory \[bytes\].
    pub fn free_mem_bytes(&self) -> Result<usize, KernelsError> {
        self.ctx
            .mem_get_info()
            .map(|(free, _)| free)
            .map_err(cu("cuMemGetInfo"))
    }

    pub(crate) fn row_base(&self) -> RowBase {
        RowBase {
            device: self.name.clone(),
            device_kind: DeviceKind::Cuda,
            gpu_model: self.spec.map(|s| s.key.to_string()).unwrap_or_default(),
            driver_version: self.driver_version.clone(),
            runtime_version: format!(
                "cublas {}; nvrtc {}",
                self.cublas_version, self.nvrtc_version
            ),
        }
    }
}

fn driver_version() -> String {
    let mut v = 0;
    // SAFETY: the driver library is loaded (checked in `open`); `v` outlives the call.
    let ok = unsafe { cudarc::driver::sys::cuDriverGetVersion(&mut v) }
        .result()
        .is_ok();
    if ok {
        format!("{}.{}", v / 1000, (v % 1000) / 10)
    } else {
        "unknown".into()
    }
}

fn nvrtc_version() -> String {
    let (mut major, mut minor) = (0, 0);
    // SAFETY: libnvrtc is loaded (checked in `open`); both outputs outlive the call.
    let ok = unsafe { cudarc::nvrtc::sys::nvrtcVersion(&mut major, &mut minor) }
        .result()
        .is_ok();
    if ok {
        format!("{major}.{minor}")
    } else {
        "unknown".into()
    }
}

fn cublas_version(blas: &CudaBlas) -> String {
    let mut v = 0;
    // SAFETY: `blas` holds a live handle; `v` outlives the call.
    let ok = unsafe { cudarc::cublas::sys::cublasGetVersion_v2(*blas.handle(), &mut v) }
        .result()
        .is_ok();
    if ok {
        format!("{}.{}.{}", v / 10000, (v % 10000) / 100, v % 100)
    } else {
        "unknown".into()
    }
}
