//! CUDA against the CPU reference. Skips (with a printed reason) where there is no
//! GPU, no driver, or no `cuda` feature.

use flopmarket_kernels::{KernelsError, cuda_check};

#[test]
fn cuda_transformer_matches_the_cpu_reference() {
    match cuda_check() {
        Ok(reports) => {
            for r in &reports {
                println!("cuda check: {r}");
            }
            assert!(reports.iter().all(|r| r.passed), "{reports:?}");
        }
        Err(KernelsError::NoCudaDevice(why)) => {
            println!("no CUDA device: skipping the CUDA check ({why})")
        }
        Err(KernelsError::NotCompiledWithCuda) => {
            println!("no CUDA device: skipping the CUDA check (built without the `cuda` feature)")
        }
        Err(e) => panic!("CUDA check failed: {e}"),
    }
}

#[cfg(feature = "cuda")]
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
        Err(KernelsError::NoCudaDevice(why)) => {
            println!("no CUDA device: skipping the NVRTC compile ({why})")
        }
        Err(e) => panic!("{e}"),
    }
}
