//! The CPU's theoretical f32 FMA peak, from its SIMD width, core count and clock.
//!
//! `peak [GFLOP/s] = cores x lanes x 2 (an FMA is 2 FLOPs) x fma_units x GHz`
//!
//! [`CpuPeak::detect`] (cheap, no timing) fills the formula from what the CPU reports:
//! - `lanes`: f32 lanes of the widest FMA in CPUID (`is_x86_feature_detected!`):
//!   AVX-512F 16, AVX2+FMA 8, otherwise SSE 4 with `fma_units` = 1 counting mul+add as
//!   one unit.
//! - `fma_units`: FMA units per core at that width, from a table (the prior): 2 for AVX2
//!   cores (Intel since Haswell, AMD Zen 1 to 3 and 5), Intel Xeon with AVX-512 (Gold
//!   6xxx, Platinum, and every Xeon since Ice Lake-SP) and AMD Zen 5; 1 for AMD Zen 4
//!   with AVX-512 (a 512-bit FMA runs on its two 256-bit pipes together), the Skylake /
//!   Cascade Lake Xeon Bronze, Silver and most Gold 5xxx, and Intel client cores with
//!   AVX-512 (Ice Lake, Tiger Lake, Rocket Lake).
//! - `cores`: physical cores = logical CPUs available to the process / SMT threads per
//!   core (`siblings / cpu cores` in /proc/cpuinfo).
//! - `GHz`: `cpuinfo_max_freq` when the kernel exposes cpufreq, else the `cpu MHz` of
//!   /proc/cpuinfo (under a hypervisor often the nominal clock while the cores turbo).
//!
//! [`CpuPeak::refine`] then replaces the guesses with measurements of
//! [`crate::cpu::fma_probe`], for the calibration:
//! - `GHz`: the clock measured right after FMA bursts on all cores at once, with the
//!   multiply chain of [`crate::cpu::clock`] (one core alone may turbo higher: the
//!   one-thread probe, part of the ceiling, covers that);
//! - `fma_units`: the FMA instructions one thread retires per cycle, rounded and
//!   clamped to 1..=4 (the table's value stays in `fma_units_table`);
//! - the probes' own rates, so that [`CpuPeak::ceiling_gflops`] = max(formula, probe)
//!   is a ceiling no kernel can beat: efficiencies against it are at most 1.

use std::fs;

use super::fma_probe::FmaProbe;

/// Largest number of FMA units per core a measurement may report.
const MAX_FMA_UNITS: usize = 4;

/// What the peak formula needs to know about the CPU.
#[derive(Debug, Clone, PartialEq)]
pub struct CpuPeak {
    /// `model name` of /proc/cpuinfo (or the architecture when unknown).
    pub model_name: String,
    /// Microarchitecture guess used for `fma_units_table` (e.g. `AMD Zen 4`), or empty.
    pub microarch: String,
    /// Logical CPUs available to this process.
    pub logical_cpus: usize,
    /// Physical cores used in the formula.
    pub cores: usize,
    /// f32 lanes of the widest FMA instruction.
    pub lanes: usize,
    /// FMA units per core at `lanes` width used in the formula.
    pub fma_units: usize,
    /// FMA units per core at `lanes` width from the microarchitecture table.
    pub fma_units_table: usize,
    /// Where `fma_units` came from (`table` or the measured FMA/cycle).
    pub units_source: String,
    /// Clock used in the formula \[GHz\].
    pub ghz: f64,
    /// Where `ghz` came from.
    pub clock_source: String,
    /// Widest SIMD extension detected (`avx512f`, `avx2+fma`, `sse`, `neon`, ...).
    pub simd: String,
    /// Measured FMA rate of one thread [GFLOP/s], once [`refine`](Self::refine)d.
    pub probe_one_gflops: Option<f64>,
    /// Measured FMA rate of `cores` threads at once [GFLOP/s], once refined.
    pub probe_all_gflops: Option<f64>,
}

impl CpuPeak {
    /// Detects the running CPU from what it reports (no timing; see the module docs).
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
        let (microarch, fma_units) = fma_units(&vendor, family, &simd, &model_name);
        let (ghz, clock_source) = clock_ghz(field("cpu MHz"));
        CpuPeak {
            model_name,
            microarch,
            logical_cpus,
            cores,
            lanes,
            fma_units,
            fma_units_table: fma_units,
            units_source: "table".into(),
            ghz,
            clock_source,
            simd,
            probe_one_gflops: None,
            probe_all_gflops: None,
        }
    }

    /// Replaces the reported clock and the table's FMA units with the measurements of
    /// a one-thread probe (`one`) and an all-core probe (`all`, `cores` threads); see
    /// the module docs. Returns a line for the notes when the measured FMA units
    /// disagree with the table.
    pub fn refine(&mut self, one: Option<&FmaProbe>, all: Option<&FmaProbe>) -> Option<String> {
        // The all-core clock: one core alone may turbo higher, which the one-thread
        // probe (part of the ceiling) accounts for.
        let clocked = [all, one]
            .into_iter()
            .flatten()
            .find(|p| p.clock_ghz.is_finite() && p.clock_ghz > 0.0);
        if let Some(p) = clocked {
            self.clock_source = format!(
                "measured: imul chain right after FMA bursts on {} thread(s); {} said {:.3} GHz",
                p.threads, self.clock_source, self.ghz
            );
            self.ghz = p.clock_ghz;
        }
        self.probe_one_gflops = one.map(|p| p.gflops);
        self.probe_all_gflops = all.map(|p| p.gflops);
        let p = one.filter(|p| p.lanes == self.lanes && p.fma_per_cycle > 0.0)?;
        self.fma_units = (p.fma_per_cycle.round() as usize).clamp(1, MAX_FMA_UNITS);
        self.units_source = format!(
            "measured {:.2} FMA/cycle; table {}",
            p.fma_per_cycle, self.fma_units_table
        );
        (self.fma_units != self.fma_units_table).then(|| {
            format!(
                "FMA units per core at {} lanes: measured {} ({:.2} FMA/cycle), the table says {} for {}; the measured value is used",
                self.lanes,
                self.fma_units,
                p.fma_per_cycle,
                self.fma_units_table,
                if self.microarch.is_empty() { &self.model_name } else { &self.microarch }
            )
        })
    }

    /// Peak f32 FLOP rate of `cores` cores [GFLOP/s].
    pub fn gflops(&self, cores: usize) -> f64 {
        (cores * self.lanes * 2 * self.fma_units) as f64 * self.ghz
    }

    /// Peak of the whole CPU [GFLOP/s].
    pub fn total_gflops(&self) -> f64 {
        self.gflops(self.cores)
    }

    /// The largest of the formula and the FMA probe measured on `cores` threads (when
    /// [`refine`](Self::refine)d) [GFLOP/s]: the `spec_peak` of the CPU GEMM rows.
    pub fn ceiling_gflops(&self, cores: usize) -> f64 {
        self.gflops(cores)
            .max(self.probe_gflops(cores).unwrap_or(0.0))
    }

    /// The FMA probe's rate on `cores` threads [GFLOP/s], when measured.
    pub fn probe_gflops(&self, cores: usize) -> Option<f64> {
        let one = self.probe_one_gflops.filter(|_| cores == 1);
        let all = self.probe_all_gflops.filter(|_| cores == self.cores);
        [one, all].into_iter().flatten().reduce(f64::max)
    }

    /// The formula with its numbers, for the notes column.
    pub fn formula(&self, cores: usize) -> String {
        format!(
            "peak = {cores} core(s) x {} f32 lanes ({}) x 2 FLOP/FMA x {} FMA unit(s) ({}) x {:.3} GHz ({}) = {:.1} GFLOP/s",
            self.lanes,
            self.simd,
            self.fma_units,
            self.units_source,
            self.ghz,
            self.clock_source,
            self.gflops(cores)
        )
    }

    /// The formula, the probe and the ceiling taken from them, for the notes column.
    pub fn ceiling_note(&self, cores: usize) -> String {
        match self.probe_gflops(cores) {
            Some(p) => format!(
                "{}; FMA probe on {cores} thread(s) {p:.1} GFLOP/s; spec_peak = the larger = {:.1} GFLOP/s",
                self.formula(cores),
                self.ceiling_gflops(cores)
            ),
            None => self.formula(cores),
        }
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

/// Microarchitecture guess and FMA units per core at the detected width: the table of
/// the module docs.
fn fma_units(vendor: &str, family: u32, simd: &str, model: &str) -> (String, usize) {
    match (vendor, family, simd) {
        ("AuthenticAMD", 0x19, "avx512f") => ("AMD Zen 4".into(), 1),
        ("AuthenticAMD", 0x19, _) => ("AMD Zen 3".into(), 2),
        ("AuthenticAMD", 0x1a, _) => ("AMD Zen 5".into(), 2),
        ("AuthenticAMD", 0x17, _) => ("AMD Zen/Zen 2".into(), 2),
        ("GenuineIntel", _, "avx512f") => intel_avx512_units(model),
        (_, _, "sse" | "scalar") => (String::new(), 1),
        _ => (String::new(), 2),
    }
}

/// 512-bit FMA units of an Intel core with AVX-512, from its model name.
fn intel_avx512_units(model: &str) -> (String, usize) {
    let m = model.to_ascii_lowercase();
    if !m.contains("xeon") {
        return ("Intel client AVX-512".into(), 1);
    }
    // Skylake-SP / Cascade Lake: Bronze 3100/3200, Silver 4100/4200 and most Gold
    // 5100/5200 have one 512-bit FMA unit (Gold 5122/5222 have two: measured anyway).
    let single = [
        "bronze 31",
        "bronze 32",
        "silver 41",
        "silver 42",
        "gold 51",
        "gold 52",
    ];
    if single.iter().any(|s| m.contains(s)) {
        ("Intel Xeon, 1 FMA-512 unit".into(), 1)
    } else {
        ("Intel Xeon AVX-512".into(), 2)
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
    use super::{CpuPeak, FmaProbe, fma_units};

    fn zen4() -> CpuPeak {
        CpuPeak {
            model_name: "AMD EPYC 9654 96-Core Processor".into(),
            microarch: "AMD Zen 4".into(),
            logical_cpus: 4,
            cores: 2,
            lanes: 16,
            fma_units: 1,
            fma_units_table: 1,
            units_source: "table".into(),
            ghz: 2.5,
            clock_source: "test".into(),
            simd: "avx512f".into(),
            probe_one_gflops: None,
            probe_all_gflops: None,
        }
    }

    fn probe(threads: usize, gflops: f64, clock_ghz: f64, fma_per_cycle: f64) -> FmaProbe {
        FmaProbe {
            threads,
            lanes: 16,
            gflops,
            clock_ghz,
            fma_per_cycle,
        }
    }

    #[test]
    fn peak_formula_multiplies_its_factors() {
        let p = zen4();
        assert_eq!(p.gflops(1), 80.0);
        assert_eq!(p.total_gflops(), 160.0);
        assert_eq!(p.ceiling_gflops(2), 160.0);
        assert_eq!(p.short_name(), "amd-epyc-9654");
        let intel = CpuPeak {
            model_name: "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz".into(),
            ..p.clone()
        };
        assert_eq!(intel.short_name(), "intel-xeon-platinum-8480");
        assert!(p.formula(2).contains("= 160.0 GFLOP/s"));
    }

    #[test]
    fn refining_uses_the_measured_clock_and_fma_units() {
        let mut p = zen4();
        // A Xeon-like core: 2 FMA/cycle measured where the table said 1.
        let note = p.refine(
            Some(&probe(1, 230.0, 3.6, 1.96)),
            Some(&probe(2, 440.0, 3.4, 1.9)),
        );
        assert_eq!((p.fma_units, p.fma_units_table), (2, 1));
        assert_eq!(p.ghz, 3.4);
        assert!(note.unwrap().contains("measured 2"));
        assert!(p.formula(1).contains("measured 1.96 FMA/cycle"));
        assert!(
            p.clock_source.contains("said 2.500 GHz"),
            "{}",
            p.clock_source
        );
        // Agreement: no note.
        let mut q = zen4();
        assert!(q.refine(Some(&probe(1, 113.0, 3.64, 0.97)), None).is_none());
        assert_eq!(q.fma_units, 1);
    }

    #[test]
    fn the_ceiling_is_never_below_the_probe() {
        let mut p = zen4();
        // The probe beats the formula (e.g. the clock burst was preempted).
        p.refine(
            Some(&probe(1, 130.0, 3.0, 1.0)),
            Some(&probe(2, 250.0, 3.0, 1.0)),
        );
        assert_eq!(p.gflops(1), 96.0);
        assert_eq!(p.ceiling_gflops(1), 130.0);
        assert_eq!(p.ceiling_gflops(2), 250.0);
        assert!(p.ceiling_note(2).contains("spec_peak = the larger = 250.0"));
    }

    #[test]
    fn measured_units_are_clamped_to_a_sane_range() {
        let mut p = zen4();
        p.refine(Some(&probe(1, 10.0, 3.0, 0.2)), None);
        assert_eq!(p.fma_units, 1);
        p.refine(Some(&probe(1, 10.0, 3.0, 9.0)), None);
        assert_eq!(p.fma_units, 4);
    }

    #[test]
    fn the_table_knows_zen4_and_xeon_avx512_units() {
        let units = |v: &str, f: u32, s: &str, m: &str| fma_units(v, f, s, m).1;
        assert_eq!(units("AuthenticAMD", 0x19, "avx512f", "AMD EPYC 9654"), 1);
        assert_eq!(units("AuthenticAMD", 0x19, "avx2+fma", "AMD EPYC 7763"), 2);
        let xeon = "Intel(R) Xeon(R) Platinum 8480+ CPU @ 2.00GHz";
        assert_eq!(units("GenuineIntel", 6, "avx512f", xeon), 2);
        let silver = "Intel(R) Xeon(R) Silver 4214 CPU @ 2.20GHz";
        assert_eq!(units("GenuineIntel", 6, "avx512f", silver), 1);
        assert_eq!(
            units("GenuineIntel", 6, "avx2+fma", "Intel(R) Core(TM) i7"),
            2
        );
    }

    #[test]
    fn detection_finds_at_least_one_core_and_a_clock() {
        let p = CpuPeak::detect();
        assert!(p.cores >= 1 && p.lanes >= 1 && p.ghz > 0.0);
        assert_eq!(p.fma_units, p.fma_units_table);
    }
}
