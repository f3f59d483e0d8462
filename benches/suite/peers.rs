//! Peers side by side: the same M/M/1 queue (lambda 0.9/s, mu 1/s, exponential draws) on
//! flopmarket's engine and on simcore (a Rust DES: dyn handlers, f64 time, type-erased
//! event payloads) [events/s]. One arrival and one departure per customer in both.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use flopmarket_sim::base::mm1::{mm1_simulation, run_events};
use serde::Serialize;
use simcore::{Event, EventHandler, Simulation, SimulationContext, cast};

/// Events per iteration.
const EVENTS: u64 = 1_000_000;

pub fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers_mm1");
    group.throughput(Throughput::Elements(EVENTS));
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(16));
    group.bench_function("flopmarket", |b| {
        let mut sim = mm1_simulation(0.9, 1.0, 1);
        b.iter(|| run_events(&mut sim, EVENTS));
    });
    group.bench_function("simcore", |b| {
        let (mut sim, queue) = simcore_mm1(0.9, 1.0, 1);
        b.iter(|| {
            sim.steps(EVENTS);
            queue.borrow().served
        });
    });
    group.finish();
}

#[derive(Clone, Serialize)]
struct Arrival {}

#[derive(Clone, Serialize)]
struct Departure {}

/// The M/M/1 queue as a simcore component.
struct Mm1 {
    ctx: SimulationContext,
    lambda: f64,
    mu: f64,
    in_system: u64,
    served: u64,
}

impl Mm1 {
    /// Exponential draw with rate `rate` [per s], by inversion.
    fn exp(&self, rate: f64) -> f64 {
        -(1.0 - self.ctx.rand()).ln() / rate
    }
}

impl EventHandler for Mm1 {
    fn on(&mut self, event: Event) {
        cast!(match event.data {
            Arrival {} => {
                self.ctx.emit_self(Arrival {}, self.exp(self.lambda));
                self.in_system += 1;
                if self.in_system == 1 {
                    self.ctx.emit_self(Departure {}, self.exp(self.mu));
                }
            }
            Departure {} => {
                self.in_system -= 1;
                self.served += 1;
                if self.in_system > 0 {
                    self.ctx.emit_self(Departure {}, self.exp(self.mu));
                }
            }
        })
    }
}

fn simcore_mm1(lambda: f64, mu: f64, seed: u64) -> (Simulation, Rc<RefCell<Mm1>>) {
    let mut sim = Simulation::new(seed);
    let queue = Rc::new(RefCell::new(Mm1 {
        ctx: sim.create_context("mm1"),
        lambda,
        mu,
        in_system: 0,
        served: 0,
    }));
    sim.add_handler("mm1", queue.clone());
    queue.borrow().ctx.emit_self(Arrival {}, 0.0);
    (sim, queue)
}
