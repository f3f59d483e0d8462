//! `--scale K`: the same market K times as large. Supply and demand grow together, so
//! utilization, waits and prices stay about where they were while the number of
//! providers, GPUs, jobs and events grows K-fold: the knob for runs at a network's real
//! size and for the scaling study.
//!
//! Scaled: every cohort's provider count (rounded, at least 1) and its entry cap, every
//! workload's arrival rate (Poisson) or trace `rate_scale`, and `fleet_fraction` with the
//! token's network-wide amounts (the run stands for K times as much of the network, so
//! its providers mint K times the emission, into K times the supply and pool depth:
//! [`crate::parts::token::TokenEconomy::sample_of_network`]). Not scaled: per-provider
//! and per-job figures (GPUs per host, sizes, prices, stake per GPU), so per-GPU figures
//! such as token income per GPU-hour stay where they were. Size claims and backtests
//! divide the run's extensive figures by `fleet_fraction`, so a scaled run is compared
//! with the published network as the unscaled one is.

use std::sync::Arc;

use crate::scenario::Scenario;

impl Scenario {
    /// Scales supply and demand by `k` (finite, > 0); see the module docs.
    pub fn scale(&mut self, k: f64) -> Result<(), String> {
        if !(k.is_finite() && k > 0.0) {
            return Err(format!("--scale {k}: expected a number > 0"));
        }
        let count = |n: u32| ((f64::from(n) * k).round() as u32).max(1);
        for c in &mut self.cohorts {
            c.count = count(c.count);
            if let Some(e) = &mut c.entry_exit {
                e.max_count = count(e.max_count).max(c.count);
            }
        }
        self.fleet_fraction *= k;
        self.token.sample_of_network(k);
        for change in &mut self.timeline {
            change.token.sample_of_network(k);
        }
        for w in &mut self.workloads {
            w.rate_per_hour *= k;
            if let Some(t) = &mut w.trace {
                Arc::make_mut(t).rate_scale *= k;
            }
        }
        // A world: every network's supply (and its copy of the world's demand) and every
        // bounded cloud's capacity.
        if let Some(world) = &mut self.world {
            for v in &mut Arc::make_mut(world).venues {
                match &mut v.kind {
                    crate::scenario::VenueKind::Network(n) => n.scale(k)?,
                    crate::scenario::VenueKind::Cloud(c) => {
                        if let Some(cap) = &mut c.capacity_gpus {
                            *cap = ((f64::from(*cap) * k).round() as u32).max(1);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;
    use crate::{RunOptions, VecSink, run};

    fn akash(days: u32) -> Scenario {
        Scenario::load_named("akash", &[format!("scenario.duration=\"{days}d\"")]).unwrap()
    }

    /// `--scale` on a world scales every network's supply with the demand.
    #[test]
    fn a_world_scales_its_networks() {
        let mut sc = Scenario::load_named("world", &[]).unwrap();
        let count = |sc: &Scenario| -> u32 {
            let world = sc.world.as_ref().unwrap();
            world
                .venues
                .iter()
                .filter_map(|v| match &v.kind {
                    crate::scenario::VenueKind::Network(n) => {
                        Some(n.cohorts.iter().map(|c| c.count).sum::<u32>())
                    }
                    crate::scenario::VenueKind::Cloud(_) => None,
                })
                .sum()
        };
        let (before, rate) = (count(&sc), sc.workloads[0].rate_per_hour);
        sc.scale(3.0).unwrap();
        assert!(count(&sc) >= 3 * before - 20, "{} vs {before}", count(&sc));
        assert!((sc.workloads[0].rate_per_hour - 3.0 * rate).abs() < 1e-9);
    }

    #[test]
    fn supply_and_demand_grow_together() {
        let base = akash(5);
        let mut big = base.clone();
        big.scale(3.0).unwrap();
        for (a, b) in base.cohorts.iter().zip(&big.cohorts) {
            assert_eq!(b.count, 3 * a.count);
            if let (Some(x), Some(y)) = (&a.entry_exit, &b.entry_exit) {
                assert_eq!(y.max_count, 3 * x.max_count);
            }
        }
        for (a, b) in base.workloads.iter().zip(&big.workloads) {
            assert_eq!(b.rate_per_hour, 3.0 * a.rate_per_hour);
        }
        let jobs = |sc: &Scenario| {
            run(
                sc,
                VecSink::default(),
                RunOptions { jobs_log: false },
                |_| {},
            )
            .summary
            .jobs
            .jobs_submitted as f64
        };
        // Arrivals are Poisson: three times the rate gives three times the jobs within
        // a few standard deviations of the larger count.
        let (small, large) = (jobs(&base), jobs(&big));
        assert!((large - 3.0 * small).abs() < 5.0 * (large.sqrt() + 3.0 * small.sqrt()));
    }

    /// Per-GPU token figures do not move with the sample's size: twice the providers
    /// stand for twice the network, so they mint twice the emission.
    #[test]
    fn token_income_per_gpu_hour_does_not_change_with_scale() {
        let base = Scenario::load_named("ionet", &["scenario.duration=\"10d\"".into()]).unwrap();
        let mut half = base.clone();
        half.scale(0.5).unwrap();
        assert_eq!(half.fleet_fraction, 0.5 * base.fleet_fraction);
        let per_gpu = |sc: &Scenario| {
            let s = run(
                sc,
                VecSink::default(),
                RunOptions { jobs_log: false },
                |_| {},
            )
            .summary;
            (
                s.token_income.provider_token_rewards_per_gpu_hour_online,
                s.token_income.provider_token_income_per_gpu_hour_online,
            )
        };
        let (a, b) = (per_gpu(&base), per_gpu(&half));
        assert!(a.0 > 0.0, "the scenario must emit to providers: {a:?}");
        for (x, y) in [(a.0, b.0), (a.1, b.1)] {
            assert!((x - y).abs() <= 0.03 * x, "scale 1: {x}, scale 0.5: {y}");
        }
    }

    #[test]
    fn a_scale_that_is_not_a_positive_number_is_refused() {
        let mut sc = akash(1);
        for k in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(sc.scale(k).is_err());
        }
    }
}
