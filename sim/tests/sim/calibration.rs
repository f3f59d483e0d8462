//! Measured calibration tables change simulated job durations.

use crate::common::{repo_path, run_all, scenario};

fn with_table(dir: &std::path::Path, decode_fraction: f64) -> flopmarket_sim::Summary {
    let table = format!(
        "device,device_kind,gpu_model,driver_version,runtime_version,kernel,dtype,shape,batch,value,unit,spec_peak,efficiency,roofline_fraction,timestamp,notes\n\
         test GPU,cuda,RTX-4090,,,decode,f16,7b,1,50,tokens/s,,,{decode_fraction},2026-11-24T00:00:00Z,synthetic\n"
    );
    std::fs::write(dir.join("rtx4090.csv"), table).unwrap();
    let text = std::fs::read_to_string(repo_path("scenarios/akash.toml")).unwrap();
    // Batch-1 inference (no `serving`), whose speed follows the decode roofline fraction.
    let text = text
        .replace(
            "[calibration]\n",
            "[calibration]\ntables = [\"rtx4090.csv\"]\n",
        )
        .replace("serving = {", "# serving = {");
    let path = dir.join("akash-calibrated.toml");
    std::fs::write(&path, text).unwrap();
    let sc =
        flopmarket_sim::Scenario::load(&path, &["scenario.duration=\"30d\"".to_string()]).unwrap();
    let h = sc.catalog.gpu_id("RTX-4090").unwrap();
    let eff = sc
        .throughput
        .efficiency(h, flopmarket_sim::data::throughput::JobKind::Inference);
    assert_eq!(eff.value, decode_fraction);
    assert!(matches!(
        eff.provenance,
        flopmarket_sim::data::throughput::Provenance::Measured(_)
    ));
    run_all(&sc, false).0
}

#[test]
fn job_durations_follow_the_calibration_table() {
    let dir = std::env::temp_dir().join(format!("flopmarket-cal-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let slow = with_table(&dir, 0.3);
    let fast = with_table(&dir, 0.9);
    std::fs::remove_dir_all(&dir).ok();
    // Inference on the 4090s runs 3x faster with the second table: fewer GPU-hours sold
    // for (about) the same jobs, and jobs spend less time in the system.
    assert!(
        fast.capacity.gpu_hours_sold < slow.capacity.gpu_hours_sold,
        "{} vs {}",
        fast.capacity.gpu_hours_sold,
        slow.capacity.gpu_hours_sold
    );
    assert!(fast.jobs.mean_time_in_system_s < slow.jobs.mean_time_in_system_s);
    let base = run_all(&scenario("akash", &["scenario.duration=\"30d\""]), false).0;
    assert!(
        base.capacity.gpu_hours_sold != fast.capacity.gpu_hours_sold
            && base.capacity.gpu_hours_sold != slow.capacity.gpu_hours_sold
    );
}

#[test]
fn a_missing_table_is_a_located_error() {
    let err = flopmarket_sim::Scenario::load(
        &repo_path("scenarios/akash.toml"),
        &["calibration.tables=[\"no-such-table.csv\"]".to_string()],
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("no-such-table.csv") && err.contains("akash.toml"),
        "{err}"
    );
}
