//! The clock a core really runs at, measured by timing a chain of dependent 64-bit
//! integer multiplies (`imul r64, r64`).
//!
//! Why a multiply: recent Intel cores (Golden Cove and later) fold a chain of
//! `add reg, imm` at rename and retire it faster than one per cycle (an add-chain
//! "clock" of 21 GHz was measured on Sapphire Rapids). A multiply cannot be folded,
//! fused or eliminated, and its latency does not depend on the operands.
//!
//! Assumption: `imul r64, r64` takes at least [`IMUL_LATENCY_CYCLES`] = 3 cycles. It
//! takes exactly 3 on Intel's big cores since Nehalem (Sandy Bridge to Skylake, Ice
//! Lake, Golden Cove, Raptor Cove, Redwood Cove) and on AMD Zen 1 to 5; it takes longer
//! (4 to 6 cycles) on AMD K10/Bulldozer and Intel Atom-class cores. No x86-64 core
//! does it faster, so the measured clock can come out low (an older core, preemption,
//! load) but never high: `clock <= true clock` holds on any x86-64 CPU under any load.
//!
//! Each measurement is the best (highest) of several short bursts, so a burst that was
//! preempted does not bias it.

use std::hint::black_box;
use std::time::Instant;

/// Latency assumed for one `imul r64, r64` \[cycles\].
pub const IMUL_LATENCY_CYCLES: u64 = 3;

/// Dependent multiplies per loop iteration of [`imul_chain`].
pub const MULS_PER_ITER: u64 = 8;

/// Iterations of one clock burst: 20,000 x 8 x 3 = 480,000 cycles, about 0.13 ms at
/// 3.6 GHz (short enough to fit between preemptions, long enough for the timer).
pub const BURST_ITERS: u64 = 20_000;

/// `x` multiplied `iters x MULS_PER_ITER` times by `m` (wrapping), as one dependent
/// chain of `imul` instructions. `None` off x86-64.
#[cfg(target_arch = "x86_64")]
pub fn imul_chain(x: u64, m: u64, iters: u64) -> Option<u64> {
    let mut x = x;
    if iters == 0 {
        return Some(x);
    }
    // SAFETY: register arithmetic on `x`, `m` and `n` only; `imul` and `dec` change
    // flags, which `asm!` assumes clobbered unless `preserves_flags` is given.
    unsafe {
        std::arch::asm!(
            "2:",
            "imul {x}, {m}", "imul {x}, {m}", "imul {x}, {m}", "imul {x}, {m}",
            "imul {x}, {m}", "imul {x}, {m}", "imul {x}, {m}", "imul {x}, {m}",
            "dec {n}",
            "jnz 2b",
            x = inout(reg) x,
            n = inout(reg) iters => _,
            m = in(reg) m,
            options(nomem, nostack),
        );
    }
    Some(x)
}

/// `None`: the multiply chain is written in x86-64 assembly.
#[cfg(not(target_arch = "x86_64"))]
pub fn imul_chain(_x: u64, _m: u64, _iters: u64) -> Option<u64> {
    None
}

/// Clock of the calling thread's core \[GHz\] from one burst of `iters` iterations:
/// `iters x MULS_PER_ITER x IMUL_LATENCY_CYCLES / seconds`. `None` off x86-64.
pub fn burst_clock_ghz(iters: u64) -> Option<f64> {
    let iters = iters.max(1);
    let t0 = Instant::now();
    let x = imul_chain(
        black_box(1),
        black_box(0x9E37_79B9_7F4A_7C15),
        black_box(iters),
    )?;
    let secs = t0.elapsed().as_secs_f64();
    black_box(x);
    let cycles = (iters * MULS_PER_ITER * IMUL_LATENCY_CYCLES) as f64;
    (secs > 0.0).then(|| cycles / secs / 1e9)
}

/// Clock of the calling thread's core \[GHz\]: the best of `bursts` bursts of
/// [`BURST_ITERS`] iterations (a lower bound of the true clock, see the module docs).
/// `None` off x86-64.
pub fn measure_clock_ghz(bursts: usize) -> Option<f64> {
    (0..bursts.max(1))
        .filter_map(|_| burst_clock_ghz(BURST_ITERS))
        .reduce(f64::max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asm_chain_computes_the_dependent_product() {
        let (x0, m, iters) = (12_345u64, 0x9E37_79B9_7F4A_7C15u64, 1_000u64);
        if let Some(got) = imul_chain(x0, m, iters) {
            let mut want = x0;
            for _ in 0..iters * MULS_PER_ITER {
                want = want.wrapping_mul(m);
            }
            assert_eq!(got, want);
            assert_eq!(imul_chain(x0, m, 0), Some(x0));
        }
    }

    /// Load, preemption and slower cores only lower the measured clock, so an upper
    /// bound holds on any CPU under any load (no x86-64 core runs at 7 GHz).
    #[test]
    fn measured_clock_never_exceeds_7_ghz() {
        if let Some(ghz) = measure_clock_ghz(20) {
            assert!(ghz > 0.0 && ghz <= 7.0, "{ghz} GHz");
        }
    }
}
