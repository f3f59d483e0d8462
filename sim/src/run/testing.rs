//! Test scaffolding (the `testing` feature; always in the crate's own tests): a small
//! scenario builder ([`Tiny`]) and a step-by-step driver for tests of `World`
//! ([`Stepper`]): build a tiny scenario in TOML from a few lines, inject arrivals at
//! chosen times, run to chosen times (or event by event through the log), and look at
//! providers, jobs and counters. Tests that need a scenario start here rather than from
//! a whole scenario written out in TOML.

use crate::base::engine::{Model, Scheduler, Simulation};
use crate::base::time::SimTime;
use crate::data::records::VecSink;
use crate::network::world::{Event, World};
use crate::parts::job::Job;
use crate::parts::provider::Provider;
use crate::scenario::Scenario;

/// A tiny scenario: one A100 posted at 1 USD per GPU-hour (the reference GPU, so a
/// job's speed is 1), daily epochs, ten days, no token; cohorts and workloads added as
/// TOML lines.
pub struct Tiny {
    duration: String,
    market: String,
    providers: Vec<String>,
    workloads: Vec<String>,
}

impl Default for Tiny {
    fn default() -> Self {
        Tiny::new()
    }
}

impl Tiny {
    /// The base scenario, without providers or workloads.
    pub fn new() -> Tiny {
        Tiny {
            duration: "10d".into(),
            market: "mechanism = \"posted_price\"\nposted_prices = { \"A100-80G\" = 1.0 }\n".into(),
            providers: Vec::new(),
            workloads: Vec::new(),
        }
    }

    /// The horizon (a duration such as "30d"; epochs stay daily).
    pub fn duration(mut self, duration: &str) -> Tiny {
        self.duration = duration.into();
        self
    }

    /// Adds lines to `[market]` (tiers, `[market.clusters]` last).
    pub fn market(mut self, lines: &str) -> Tiny {
        self.market.push_str(lines);
        self.market.push('\n');
        self
    }

    /// A cohort `name` of `count` A100 hosts with `gpus` GPUs each, listed at 1 USD per
    /// GPU-hour, plus `extra` lines (availability, costs, entry_exit).
    pub fn hosts(mut self, name: &str, count: u32, gpus: u32, extra: &str) -> Tiny {
        self.providers.push(format!(
            "[[providers]]\nname = \"{name}\"\ncount = {count}\ngpu = \"A100-80G\"\n\
             gpus_per_provider = {gpus}\n\
             pricing = {{ strategy = \"price_list\", usd_per_gpu_month = 730.5 }}\n{extra}\n"
        ));
        self
    }

    /// A workload `name` of jobs of `gpus` GPUs and a fixed `size` (a duration, per GPU,
    /// on the reference GPU) that arrive only when injected ([`Stepper::arrive`]), plus
    /// `extra` lines (patience, fallback, checkpoints, tier).
    pub fn jobs(mut self, name: &str, gpus: u32, size: &str, extra: &str) -> Tiny {
        self.workloads.push(format!(
            "[[workloads]]\nname = \"{name}\"\nkind = \"batch\"\n\
             arrivals = {{ rate_per_hour = 1e-12 }}\n\
             size = {{ dist = \"fixed\", value = \"{size}\" }}\ngpus = {gpus}\n\
             max_price = {{ usd_per_gpu_hour = 10.0 }}\n{extra}\n"
        ));
        self
    }

    /// A workload `name` of one-GPU jobs of a fixed `size` arriving at `rate_per_hour`
    /// (a Poisson stream), plus `extra` lines.
    pub fn arriving(mut self, name: &str, rate_per_hour: f64, size: &str, extra: &str) -> Tiny {
        self.workloads.push(format!(
            "[[workloads]]\nname = \"{name}\"\nkind = \"batch\"\n\
             arrivals = {{ rate_per_hour = {rate_per_hour:?} }}\n\
             size = {{ dist = \"fixed\", value = \"{size}\" }}\n\
             max_price = {{ usd_per_gpu_hour = 10.0 }}\n{extra}\n"
        ));
        self
    }

    /// The TOML text.
    pub fn text(&self) -> String {
        format!(
            "[scenario]\nname = \"tiny\"\nduration = \"{}\"\nepoch = \"1d\"\nseed = 1\n\
             reference_gpu = \"A100-80G\"\n\n[market]\n{}\n{}\n{}",
            self.duration,
            self.market,
            self.providers.join("\n"),
            self.workloads.join("\n")
        )
    }

    /// The validated scenario.
    pub fn scenario(&self) -> Scenario {
        Scenario::parse(&self.text(), "tiny", &[]).unwrap_or_else(|e| panic!("{e}"))
    }

    /// The validated scenario (leaked: it lives as long as the test).
    pub fn build(&self) -> &'static Scenario {
        Box::leak(Box::new(self.scenario()))
    }
}

/// The world, logging each event it handles.
pub struct Logged {
    /// The world.
    pub world: World<'static, VecSink>,
    /// `(time [µs], event)` of every event handled, in order.
    pub log: Vec<(SimTime, Event)>,
}

impl Model for Logged {
    type Event = Event;

    fn handle(&mut self, now: SimTime, event: Event, q: &mut Scheduler<Event>) {
        self.log.push((now, event));
        self.world.handle(now, event, q);
    }
}

/// Drives a world step by step.
pub struct Stepper {
    sim: Simulation<Logged>,
}

impl Stepper {
    /// The world of `sc` at time 0, its first events scheduled, logging every job.
    pub fn new(sc: &'static Scenario) -> Stepper {
        let mut pending = Vec::new();
        let world = World::new(sc, VecSink::default(), true, &mut |t, e| {
            pending.push((t, e))
        });
        let mut sim = Simulation::new(Logged {
            world,
            log: Vec::new(),
        });
        for (t, e) in pending {
            sim.schedule(t, e);
        }
        Stepper { sim }
    }

    /// A job of workload `w` arrives at `at` [µs].
    pub fn arrive(&mut self, w: u16, at: SimTime) -> &mut Stepper {
        self.sim.schedule(at, Event::Arrival(w));
        self
    }

    /// Handles every event up to and including `t` [µs].
    pub fn run_to(&mut self, t: SimTime) -> &mut Stepper {
        self.sim.run_until(t);
        self
    }

    /// The world.
    pub fn world(&self) -> &World<'static, VecSink> {
        &self.sim.model.world
    }

    /// The events handled so far.
    pub fn log(&self) -> &[(SimTime, Event)] {
        &self.sim.model.log
    }

    /// Provider `id`.
    pub fn provider(&self, id: u32) -> &Provider {
        &self.world().providers()[id as usize]
    }

    /// The live jobs, in order of arrival.
    pub fn jobs(&self) -> Vec<&Job> {
        let jobs = self.world().jobs();
        let mut live: Vec<&Job> = jobs.live_slots().map(|s| jobs.get(s)).collect();
        live.sort_by_key(|j| j.id);
        live
    }

    /// The live job with id `id` (ids count arrivals from 0).
    pub fn job(&self, id: u64) -> &Job {
        self.jobs()
            .into_iter()
            .find(|j| j.id == id)
            .unwrap_or_else(|| panic!("job {id} is not live"))
    }
}
