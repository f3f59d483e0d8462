//! A `--quick` CPU calibration runs in seconds and fills every kind of row.

use flopmarket_kernels::{
    CalibrateOptions, DeviceChoice, DeviceKind, KernelKind, ShapeChoice, read_csv, run_calibration,
    write_csv,
};

#[test]
fn quick_cpu_calibration_yields_gemm_copy_prefill_and_decode_rows() {
    let opts = CalibrateOptions {
        device: DeviceChoice::Cpu,
        quick: true,
        shape: Some(ShapeChoice::Tiny),
        progress: false,
        batches: None,
        decode_graph: false,
    };
    let report = run_calibration(&opts).unwrap();
    for kind in [
        KernelKind::Gemm,
        KernelKind::Memcpy,
        KernelKind::Prefill,
        KernelKind::Decode,
    ] {
        assert!(
            report.rows.iter().any(|r| r.kernel == kind),
            "no {kind:?} row"
        );
    }
    for r in &report.rows {
        assert_eq!(r.device_kind, DeviceKind::Cpu);
        assert!(r.value > 0.0 && r.value.is_finite(), "{r:?}");
        if let (Some(p), Some(e)) = (r.spec_peak, r.efficiency) {
            assert!(p > 0.0 && e > 0.0, "{r:?}");
        }
    }
    let path = std::env::temp_dir().join(format!("flopmarket-quick-{}.csv", std::process::id()));
    write_csv(&report.rows, &path).unwrap();
    assert_eq!(read_csv(&path).unwrap().len(), report.rows.len());
    let _ = std::fs::remove_file(&path);
}

#[test]
fn asking_for_cuda_without_a_gpu_falls_back_to_the_cpu_with_one_message() {
    let opts = CalibrateOptions {
        device: DeviceChoice::Cuda,
        quick: true,
        shape: Some(ShapeChoice::Tiny),
        progress: false,
        batches: None,
        decode_graph: false,
    };
    let report = run_calibration(&opts).unwrap();
    if report
        .rows
        .iter()
        .any(|r| r.device_kind == DeviceKind::Cuda)
    {
        println!("a CUDA device is present: fallback not exercised");
        return;
    }
    assert!(report.rows.iter().all(|r| r.device_kind == DeviceKind::Cpu));
    assert!(!report.rows.is_empty());
    // One line says why there is no GPU (a busy-CPU warning may come on top).
    let no_gpu: Vec<_> = report
        .messages
        .iter()
        .filter(|m| m.contains("CPU results only"))
        .collect();
    assert_eq!(no_gpu.len(), 1, "{:?}", report.messages);
}

#[test]
fn decode_is_measured_at_each_requested_batch_size() {
    let opts = CalibrateOptions {
        device: DeviceChoice::Cpu,
        quick: true,
        shape: Some(ShapeChoice::Tiny),
        progress: false,
        batches: Some(vec![1, 3, 16]),
        decode_graph: false,
    };
    let report = run_calibration(&opts).unwrap();
    let decode: Vec<u32> = report
        .rows
        .iter()
        .filter(|r| r.kernel == KernelKind::Decode)
        .map(|r| r.batch)
        .collect();
    assert_eq!(decode, [1, 3, 16]);
}
