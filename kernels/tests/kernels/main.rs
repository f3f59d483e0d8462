//! Integration tests of flopmarket-kernels, one file per concern.

mod csv_table;
#[cfg(feature = "cuda")]
mod cuda;
mod quick_run;

/// `FLOPMARKET_REQUIRE_GPU=1` is set: the GPU tests must run, not skip.
fn gpu_required() -> bool {
    std::env::var("FLOPMARKET_REQUIRE_GPU").is_ok_and(|v| v.trim() == "1")
}

/// A GPU was required (`FLOPMARKET_REQUIRE_GPU=1`) from a build that cannot use one:
/// fail rather than pass without testing anything.
#[cfg(not(feature = "cuda"))]
#[test]
fn requiring_a_gpu_needs_the_cuda_feature() {
    assert!(
        !gpu_required(),
        "FLOPMARKET_REQUIRE_GPU=1 but this test build has no `cuda` feature: run `cargo test -p flopmarket-kernels --features cuda`"
    );
}
