//! CUDA against the CPU reference, compiled only with the `cuda` feature (without it
//! there is nothing to test, and a test that cannot fail proves nothing).
//!
//! Where the feature is on but there is no GPU, driver or NVRTC, each test prints why
//! it skips and passes, unless `FLOPMARKET_REQUIRE_GPU=1` is set: then it fails (set it
//! on the machines that have a GPU, so that a broken driver cannot pass silently).

use flopmarket_kernels::{KernelsError, cuda_check};

use crate::gpu_required;

/// Skips `what` with a printed reason, or fails when a GPU is required.
fn skip_or_fail(what: &str, why: &str) {
    assert!(
        !gpu_required(),
        "FLOPMARKET_REQUIRE_GPU=1 but no usable CUDA device: {what} did not run ({why})"
    );
    println!(
        "no CUDA device: skipping {what} ({why}); FLOPMARKET_REQUIRE_GPU=1 makes this a failure"
    );
}

#[test]
fn cuda_transformer_matches_the_cpu_reference() {
    match cuda_check() {
        Ok(reports) => {
            for r in &reports {
                println!("cuda check: {r}");
            }
            assert!(!reports.is_empty(), "the CUDA check compared nothing");
            assert!(reports.iter().all(|r| r.passed), "{reports:?}");
        }
        Err(KernelsError::NoCudaDevice(why)) => skip_or_fail("the CUDA check", &why),
        Err(e) => panic!("CUDA check failed: {e}"),
    }
}

#[test]
fn nvrtc_compiles_every_kernel_for_hopper() {
    match flopmarket_kernels::cuda::compile_kernels((9, 0)) {
        Ok(ptx) => {
            for name in [
                "embed",
                "rmsnorm",
                "rope",
                "kv_store",
                "attention",
                "silu_mul",
                "init_uniform",
            ] {
                for suffix in ["f32", "f16", "bf16"] {
                    let entry = format!(".entry {name}_{suffix}(");
                    assert!(ptx.contains(&entry), "{entry} missing from the PTX");
                }
            }
        }
        Err(KernelsError::NoCudaDevice(why)) => skip_or_fail("the NVRTC compile", &why),
        Err(e) => panic!("{e}"),
    }
}
