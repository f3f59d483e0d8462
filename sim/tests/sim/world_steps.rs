//! `World` step by step: tiny scenarios, arrivals at chosen times, state checked at
//! chosen times. One test per part of the job and provider life cycles that can go wrong.

use flopmarket_sim::base::time::HOUR;
use flopmarket_sim::network::world::Event;
use flopmarket_sim::parts::job::JobState;
use flopmarket_sim::parts::provider::ProviderState;

use flopmarket_sim::run::testing::{Stepper, Tiny};

const FLAKY: &str = "availability = { mtbf = { dist = \"fixed\", value = \"5h\" }, \
                     mttr = { dist = \"fixed\", value = \"1h\" } }";

#[test]
fn an_interrupted_job_resumes_from_its_last_checkpoint() {
    let sc = Tiny::new()
        .hosts("flaky", 1, 1, FLAKY)
        .jobs("train", 1, "10h", "checkpoint_interval = \"2h\"")
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).run_to(5 * HOUR);
    // Down at 5 h, 5 h into the lease: the checkpoint of 4 h is kept, the last hour lost.
    let job = s.job(0);
    assert_eq!(job.restarts, 1);
    assert_eq!(job.state, JobState::Waiting);
    assert_eq!(job.work_left_ref_s, 6.0 * 3600.0);
    assert_eq!(s.provider(0).state, ProviderState::Down);
    // Back at 6 h; down again at 11 h (4 h kept of 5); back at 12 h, done at 14 h.
    s.run_to(6 * HOUR);
    assert_eq!(s.job(0).state, JobState::Running);
    assert_eq!(s.job(0).lease_start, 6 * HOUR);
    s.run_to(14 * HOUR);
    let ledger = s.world().ledger();
    assert_eq!(ledger.counters.jobs.completed, 1);
    assert_eq!(ledger.counters.jobs.interrupted, 2);
    let record = &s.world().sink().jobs[0];
    assert_eq!((record.status.as_str(), record.restarts), ("completed", 2));
    assert_eq!(record.end_h, Some(14.0));
}

#[test]
fn without_checkpoints_an_interrupted_job_starts_over() {
    let sc = Tiny::new()
        .hosts("flaky", 1, 1, FLAKY)
        .jobs("train", 1, "10h", "")
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).run_to(5 * HOUR);
    assert_eq!(s.job(0).work_left_ref_s, 10.0 * 3600.0);
    assert_eq!(s.job(0).restarts, 1);
}

const CLUSTERS: &str = "[market.clusters]\nmax_hosts = 4\n\
    cross_host_efficiency = { nvlink = 0.9, pcie = 0.8, ethernet = 0.5, consumer = 0.4 }\n\
    mixed_interconnect_efficiency = 0.85";

#[test]
fn a_clusters_hosts_get_their_gpus_back_when_the_lease_ends() {
    let sc = Tiny::new()
        .market(CLUSTERS)
        .hosts("big", 3, 4, "")
        .jobs("distributed", 8, "10h", "")
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).run_to(HOUR);
    let job = s.job(0);
    assert_eq!(job.state, JobState::Running);
    assert_eq!(job.parts, vec![(0, 4), (1, 4)]);
    assert!(job.speed < 1.0, "a cluster runs slower than one host");
    let free: Vec<u16> = (0..3).map(|p| s.provider(p).free).collect();
    assert_eq!(free, vec![0, 0, 4]);
    assert_eq!(s.provider(1).leased, 4);
    // The lease ends after 10 h / efficiency.
    let done = (10.0 / s.job(0).speed).ceil() as u64 * HOUR;
    s.run_to(done);
    assert_eq!(s.world().ledger().counters.jobs.completed, 1);
    for p in 0..3 {
        let host = s.provider(p);
        assert_eq!(
            (host.free, host.leased, host.jobs.len()),
            (4, 0, 0),
            "host {p}"
        );
    }
    assert_eq!(s.world().ledger().counters.clusters.cluster_leases, 1);
}

#[test]
fn a_clusters_other_hosts_get_their_gpus_back_when_one_fails() {
    let sc = Tiny::new()
        .market(CLUSTERS)
        .hosts("steady", 1, 4, "")
        // Two, so that one cohort could hold the job (validation asks for it).
        .hosts("flaky", 2, 4, FLAKY)
        .jobs("distributed", 8, "100h", "")
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).run_to(HOUR);
    assert_eq!(s.job(0).parts, vec![(0, 4), (1, 4)]);
    assert_eq!((s.provider(0).free, s.provider(0).leased), (0, 4));
    s.run_to(5 * HOUR);
    // The flaky host failed: the steady one has its GPUs back, the job waits.
    let steady = s.provider(0);
    assert_eq!((steady.free, steady.leased), (4, 0));
    assert!(steady.jobs.is_empty());
    assert_eq!(s.provider(1).state, ProviderState::Down);
    assert_eq!(s.job(0).state, JobState::Waiting);
    assert!(s.job(0).parts.is_empty());
    // When the flaky host is back the cluster forms again.
    s.run_to(6 * HOUR);
    assert_eq!(s.job(0).state, JobState::Running);
    assert_eq!((s.provider(0).free, s.provider(1).free), (0, 0));
}

const TIERS: &str = "tiers = [\n\
    { name = \"economy\", price_multiplier = 1.0, priority = 0 },\n\
    { name = \"priority\", price_multiplier = 1.5, priority = 2 },\n]";

#[test]
fn a_higher_tier_is_served_first_when_gpus_free_up() {
    let sc = Tiny::new()
        .market(TIERS)
        .hosts("one", 1, 1, "")
        .jobs("economy", 1, "10h", "")
        .jobs("urgent", 1, "10h", "tier = \"priority\"")
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).arrive(0, HOUR).arrive(1, 2 * HOUR);
    s.run_to(10 * HOUR - 1);
    assert_eq!(s.job(1).state, JobState::Waiting);
    assert_eq!(s.job(2).state, JobState::Waiting);
    s.run_to(10 * HOUR);
    // The older economy job waits; the priority job, later, runs at 1.5 x the price.
    assert_eq!(s.job(1).state, JobState::Waiting);
    let urgent = s.job(2);
    assert_eq!(urgent.state, JobState::Running);
    assert_eq!(urgent.lease_start, 10 * HOUR);
    assert_eq!(urgent.price_usd_per_gpu_hour, 1.5);
}

#[test]
fn without_tiers_the_oldest_waiting_job_is_served_first() {
    let sc = Tiny::new()
        .hosts("one", 1, 1, "")
        .jobs("a", 1, "10h", "")
        .jobs("b", 1, "10h", "")
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).arrive(0, HOUR).arrive(1, 2 * HOUR);
    s.run_to(10 * HOUR);
    assert_eq!(s.job(1).state, JobState::Running);
    assert_eq!(s.job(2).state, JobState::Waiting);
}

#[test]
fn patience_expiry_sends_the_job_to_the_cloud() {
    let sc = Tiny::new()
        .hosts("one", 1, 1, "")
        .jobs(
            "impatient",
            1,
            "10h",
            "patience = \"3h\"\nfallback = \"cloud\"",
        )
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).arrive(0, HOUR);
    s.run_to(4 * HOUR - 1);
    assert_eq!(s.job(1).state, JobState::Waiting);
    assert_eq!(s.world().ledger().counters.jobs.to_cloud, 0);
    s.run_to(4 * HOUR);
    let c = &s.world().ledger().counters;
    assert_eq!(c.jobs.to_cloud, 1);
    assert!(c.money.cloud_spend_usd > 0.0);
    let record = &s.world().sink().jobs[0];
    assert_eq!((record.job_id, record.status.as_str()), (1, "cloud"));
    assert_eq!(record.end_h, Some(4.0));
    assert_eq!(record.cloud_spend_usd, c.money.cloud_spend_usd);
    assert!(
        s.log().contains(&(
            4 * HOUR,
            Event::PatienceExpired {
                job: 1,
                generation: s
                    .log()
                    .iter()
                    .find_map(|&(_, e)| match e {
                        Event::PatienceExpired { generation, .. } => Some(generation),
                        _ => None,
                    })
                    .expect("a patience timer fired"),
            }
        ))
    );
}

#[test]
fn a_leaving_provider_retires_after_its_last_job_ends() {
    // Hosting at 5 USD per GPU-hour against 1 USD of revenue: a loss in the first epoch,
    // and one losing epoch is enough to leave.
    let losing = "hosting_usd_per_gpu_hour = 5.0\nentry_exit = { hurdle_annual_return = 0.3, \
                  max_count = 2, exit_after = \"1d\" }";
    let sc = Tiny::new()
        .hosts("losing", 1, 1, losing)
        .jobs("long", 1, "36h", "")
        .build();
    let mut s = Stepper::new(sc);
    s.arrive(0, 0).run_to(24 * HOUR);
    // Decided to leave at the first close, but its job still runs.
    assert_eq!(s.provider(0).state, ProviderState::Leaving);
    assert_eq!(s.provider(0).losing_epochs, 1);
    assert_eq!(s.job(0).state, JobState::Running);
    assert_eq!(s.world().ledger().counters.supply.providers_exited, 0);
    s.run_to(36 * HOUR - 1);
    assert_eq!(s.provider(0).state, ProviderState::Leaving);
    s.run_to(36 * HOUR);
    let p = s.provider(0);
    assert_eq!(p.state, ProviderState::Retired);
    assert_eq!(p.retired_at, 36 * HOUR);
    let c = &s.world().ledger().counters;
    assert_eq!((c.jobs.completed, c.supply.providers_exited), (1, 1));
}
