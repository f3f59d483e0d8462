//! The CPU's theoretical f32 FMA peak, from its SIMD width, core count and clock.
//!
//! `peak [GFLOP/s] = cores x lanes x 2 (an FMA is 2 FLOPs) x fma_units x GHz`
//!
//! - `lanes`: f32 lanes of the widest FMA the CPU reports (AVX-512F: 16, AVX2+FMA: 8,
//!   otherwise SSE: 4 with `fma_units` = 1 counting mul+add as one unit).
//! - `fma_units`: FMA pipes per core at that width. 2 is assumed (Intel server cores
//!   with AVX-512, AVX2 cores of Intel since Haswell and AMD since Zen 2, Zen 5), except
//!   AMD Zen 4 (family 0x19 with AVX-512), which executes a 512-bit FMA on its two
//!   256-bit pipes together: 1 unit at 16 lanes (= 2 units at 8 lanes).
//! - `cores`: physical cores = logical CPUs available to the process / SMT threads per
//!   core (`siblings / cpu cores` in /proc/cpuinfo).
//! - `GHz`: `cpuinfo_max_freq` when the kernel exposes cpufreq, else the `cpu MHz` of
//!   /proc/cpuinfo (under a hypervisor this is often the nominal clock; turbo can make
//!   the real peak higher, see [`crate::cpu::fma_probe`]).

use std::fs;

/// What the peak formula needs to know about the CPU.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuPeak {
    /// `model name` of /proc/cpuinfo (or the architecture when unknown).
    pub model_name: String,
    /// Microarchitecture guess used for `fma_units` (e.g. `AMD Zen 4`), or empty.
    pub microarch: String,
    /// Logical CPUs available to this process.
    pub logical_cpus: usize,
    /// Physical cores used in the formula.
    pub cores: usize,
    /// f32 lanes of the widest FMA instruction.
    pub lanes: usize,
    /// FMA pipes per core at `lanes` width.
    pub fma_units: usize,
    /// Clock used in the formula \[GHz\].
    pub ghz: f64,
    /// Where `ghz` came from.
    pub clock_source: String,
    /// Widest SIMD extension detected (`avx512f`, `avx2+fma`, `sse`, `neon`, ...).
    pub simd: String,
}

impl CpuPeak {
    /// Detects the running CPU.
    pub fn detect() -> Self {
        let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let field = |name: &str| -> Option<String> {
            cpuinfo.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                (k.trim() == name).then(|| v.trim().to_string())
            })
        };
        let model_name = field("model name").unwrap_or_else(|| std::env::consts::ARCH.into());
        let vendor = field("vendor_id").unwrap_or_default();
        let family: u32 = field("cpu family")
            .and_then(|f| f.parse().ok())
            .unwrap_or(0);
        let logical_cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
        let siblings: Option<usize> = field("siblings").and_then(|s| s.parse().ok());
        let per_socket: Option<usize> = field("cpu cores").and_then(|s| s.parse().ok());
        let smt = match (siblings, per_socket) {
            (Some(s), Some(c)) if c > 0 && s >= c => (s / c).max(1),
            _ => 1,
        };
        let cores = (logical_cpus / smt).max(1);
        let (simd, lanes) = simd_width();
        let (microarch, fma_units) = fma_units(&vendor, family, &simd);
        let (ghz, clock_source) = clock_ghz(field("cpu MHz"));
        CpuPeak {
            model_name,
            microarch,
            logical_cpus,
            cores,
            lanes,
            fma_units,
            ghz,
            clock_source,
            simd,
        }
    }

    /// Peak f32 FLOP rate of `cores` cores [GFLOP/s].
    pub fn gflops(&self, cores: usize) -> f64 {
        (cores * self.lanes * 2 * self.fma_units) as f64 * self.ghz
    }

    /// Peak of the whole CPU [GFLOP/s].
    pub fn total_gflops(&self) -> f64 {
        self.gflops(self.cores)
    }

    /// The formula with its numbers, for the notes column.
    pub fn formula(&self, cores: usize) -> String {
        format!(
            "peak = {cores} core(s) x {} f32 lanes ({}) x 2 FLOP/FMA x {} FMA unit(s) x {:.3} GHz ({}) = {:.1} GFLOP/s",
            self.lanes,
            self.simd,
            self.fma_units,
            self.ghz,
            self.clock_source,
            self.gflops(cores)
        )
    }

    /// Device name for the `device` column, e.g. `cpu: AMD EPYC (2 cores, AMD Zen 4)`.
    pub fn device_name(&self) -> String {
        let arch = if self.microarch.is_empty() {
            String::new()
        } else {
            format!(", {}", self.microarch)
        };
        format!("cpu: {} ({} cores{arch})", self.model_name, self.cores)
    }

    /// A file-name-safe short name, e.g. `amd-epyc-9654` for
    /// `AMD EPYC 9654 96-Core Processor`.
    pub fn short_name(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        for word in self.model_name.split_whitespace() {
            let lower = word.to_ascii_lowercase();
            if ["cpu", "processor", "@", "with"].contains(&lower.as_str())
                || lower.contains("-core")
            {
                break;
            }
            let slug: String = lower
                .replace("(r)", "")
                .replace("(tm)", "")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let slug = slug.trim_matches('-').to_string();
            if !slug.is_empty() {
                parts.push(slug);
            }
        }
        if parts.is_empty() {
            "unknown".into()
        } else {
            parts.join("-")
        }
    }
}

#[cfg(target_arch = "x86_64")]
fn simd_width() -> (String, usize) {
    if std::arch::is_x86_feature_detected!("avx512f") {
        ("avx512f".into(), 16)
    } else if std::arch::is_x86_feature_detected!("avx2")
        && std::arch::is_x86_feature_detected!("fma")
    {
        ("avx2+fma".into(), 8)
    } else {
        ("sse".into(), 4)
    }
}

#[cfg(target_arch = "aarch64")]
fn simd_width() -> (String, usize) {
    ("neon".into(), 4)
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn simd_width() -> (String, usize) {
    ("scalar".into(), 1)
}

/// FMA pipes per core at the detected width (see the module docs).
fn fma_units(vendor: &str, family: u32, simd: &str) -> (String, usize) {
    match (vendor, family, simd) {
        ("AuthenticAMD", 0x19, "avx512f") => ("AMD Zen 4".into(), 1),
        ("AuthenticAMD", 0x19, _) => ("AMD Zen 3".into(), 2),
        ("AuthenticAMD", 0x1a, _) => ("AMD Zen 5".into(), 2),
        ("AuthenticAMD", 0x17, _) => ("AMD Zen/Zen 2".into(), 2),
        (_, _, "sse" | "scalar") => (String::new(), 1),
        _ => (String::new(), 2),
    }
}

/// The clock \[GHz\] and where it was read.
fn clock_ghz(cpuinfo_mhz: Option<String>) -> (f64, String) {
    let max_khz = fs::read_to_string("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok());
    if let Some(khz) = max_khz.filter(|k| *k > 0.0) {
        return (khz / 1e6, "cpuinfo_max_freq".into());
    }
    if let Some(mhz) = cpuinfo_mhz
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|m| *m > 0.0)
    {
        return (mhz / 1e3, "/proc/cpuinfo cpu MHz".into());
    }
    (1.0, "unknown clock, 1 GHz assumed".into())
}

#[cfg(test)]
mod tests {
    use super::CpuPeak;

    #[test]
    fn peak_formula_multiplies_its_factors() {
        let p = CpuPeak {
            model_name: "AMD EPYC 9654 96-Core Processor".into(),
            microarch: "AMD Zen 4".into(),
            logical_cpus: 4,
            cores: 2,
            lanes: 16,
            fma_units: 1,
            ghz: 2.5,
            clock_source: "test".into(),
            simd: "avx512f".into(),
        };
        assert_eq!(p.gflops(1), 80.0);
        assert_eq!(p.total_gflops(), 160.0);
        assert_eq!(p.short_name(), "amd-epyc-9654");
        let intel = CpuPeak {
            model_name: "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz".into(),
            ..p.clone()
        };
        assert_eq!(intel.short_name(), "intel-xeon-platinum-8480");
        assert!(p.formula(2).contains("= 160.0 GFLOP/s"));
    }

    #[test]
    fn detection_finds_at_least_one_core_and_a_clock() {
        let p = CpuPeak::detect();
        assert!(p.cores >= 1 && p.lanes >= 1 && p.ghz > 0.0);
    }
}
