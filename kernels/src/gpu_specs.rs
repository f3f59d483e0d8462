//! Datasheet figures of the GPUs flopmarket knows, keyed like the simulator's specs.
//!
//! Dense (no sparsity) tensor-core figures from NVIDIA datasheets, as in the "GPU
//! specs" table of the project's market data. TF32 figures are the dense datasheet
//! values (half the FP16 figure on A100/H100/H200/L40S/L4). Bandwidths are datasheet
//! values. Where a GPU has no such unit the figure is `None`.

/// Datasheet peak figures of one GPU model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpuSpec {
    /// flopmarket spec key, e.g. `H100-SXM`.
    pub key: &'static str,
    /// Dense FP16/BF16 tensor-core peak with f32 accumulation [TFLOP/s].
    pub fp16_tflops: f64,
    /// Dense BF16 peak [TFLOP/s]; `None` where the GPU has no BF16 tensor cores.
    pub bf16_tflops: Option<f64>,
    /// Dense TF32 tensor-core peak [TFLOP/s]; `None` before Ampere.
    pub tf32_tflops: Option<f64>,
    /// FP32 (CUDA-core) peak [TFLOP/s].
    pub fp32_tflops: f64,
    /// Memory \[GB\].
    pub memory_gb: f64,
    /// Memory bandwidth [GB/s].
    pub bandwidth_gbs: f64,
}

/// All known GPUs.
pub const GPU_SPECS: [GpuSpec; 12] = [
    spec(
        "H100-SXM",
        989.0,
        Some(989.0),
        Some(494.7),
        67.0,
        80.0,
        3350.0,
    ),
    spec(
        "H100-PCIe",
        756.0,
        Some(756.0),
        Some(378.0),
        51.0,
        80.0,
        2000.0,
    ),
    spec(
        "H200-SXM",
        989.0,
        Some(989.0),
        Some(494.7),
        67.0,
        141.0,
        4800.0,
    ),
    spec(
        "A100-80G",
        312.0,
        Some(312.0),
        Some(156.0),
        19.5,
        80.0,
        2039.0,
    ),
    spec(
        "A100-40G",
        312.0,
        Some(312.0),
        Some(156.0),
        19.5,
        40.0,
        1555.0,
    ),
    spec("L40S", 362.0, Some(362.0), Some(181.0), 91.6, 48.0, 864.0),
    spec("L4", 121.0, Some(121.0), Some(60.0), 30.3, 24.0, 300.0),
    spec(
        "RTX-4090",
        165.0,
        Some(165.0),
        Some(82.6),
        82.6,
        24.0,
        1008.0,
    ),
    spec("RTX-3090", 71.0, Some(71.0), Some(35.6), 35.6, 24.0, 936.0),
    spec(
        "RTX-A6000",
        155.0,
        Some(155.0),
        Some(77.4),
        38.7,
        48.0,
        768.0,
    ),
    spec("V100", 125.0, None, None, 15.7, 32.0, 900.0),
    spec("T4", 65.0, None, None, 8.1, 16.0, 320.0),
];

const fn spec(
    key: &'static str,
    fp16_tflops: f64,
    bf16_tflops: Option<f64>,
    tf32_tflops: Option<f64>,
    fp32_tflops: f64,
    memory_gb: f64,
    bandwidth_gbs: f64,
) -> GpuSpec {
    GpuSpec {
        key,
        fp16_tflops,
        bf16_tflops,
        tf32_tflops,
        fp32_tflops,
        memory_gb,
        bandwidth_gbs,
    }
}

/// The spec with key `key`.
pub fn by_key(key: &str) -> Option<&'static GpuSpec> {
    GPU_SPECS.iter().find(|s| s.key == key)
}

/// Maps a CUDA device name (as `cuDeviceGetName` reports it, e.g.
/// `NVIDIA H100 80GB HBM3`, `NVIDIA A100-SXM4-40GB`, `Tesla T4`) to a spec.
/// `None` for models not in the table (e.g. H100 NVL, whose bandwidth differs).
pub fn match_device_name(name: &str) -> Option<&'static GpuSpec> {
    let n = name.to_uppercase();
    let key = if n.contains("H200") && !n.contains("NVL") {
        "H200-SXM"
    } else if n.contains("H100") {
        if n.contains("NVL") {
            return None;
        } else if n.contains("PCIE") {
            "H100-PCIe"
        } else {
            "H100-SXM"
        }
    } else if n.contains("A100") {
        if n.contains("80G") {
            "A100-80G"
        } else {
            "A100-40G"
        }
    } else if n.contains("L40S") {
        "L40S"
    } else if n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "L4")
    {
        "L4"
    } else if n.contains("RTX 4090") && !n.contains("4090 D") {
        "RTX-4090"
    } else if n.contains("RTX 3090") && !n.contains("3090 TI") {
        "RTX-3090"
    } else if n.contains("RTX A6000") {
        "RTX-A6000"
    } else if n.contains("V100") {
        "V100"
    } else if n
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "T4")
    {
        "T4"
    } else {
        return None;
    };
    by_key(key)
}

#[cfg(test)]
mod tests {
    use super::match_device_name;

    #[test]
    fn cuda_device_names_map_to_spec_keys() {
        let cases = [
            ("NVIDIA H100 80GB HBM3", Some("H100-SXM")),
            ("NVIDIA H100 PCIe", Some("H100-PCIe")),
            ("NVIDIA H100 NVL", None),
            ("NVIDIA H200", Some("H200-SXM")),
            ("NVIDIA A100-SXM4-80GB", Some("A100-80G")),
            ("NVIDIA A100-PCIE-40GB", Some("A100-40G")),
            ("NVIDIA L40S", Some("L40S")),
            ("NVIDIA L4", Some("L4")),
            ("NVIDIA GeForce RTX 4090", Some("RTX-4090")),
            ("NVIDIA GeForce RTX 3090", Some("RTX-3090")),
            ("NVIDIA RTX A6000", Some("RTX-A6000")),
            ("Tesla V100-SXM2-32GB", Some("V100")),
            ("Tesla T4", Some("T4")),
            ("NVIDIA GeForce GTX 1080", None),
        ];
        for (name, key) in cases {
            assert_eq!(match_device_name(name).map(|s| s.key), key, "{name}");
        }
    }
}
