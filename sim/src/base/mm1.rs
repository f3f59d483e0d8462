//! A bare M/M/1 queue on the engine: the engine benchmark's workload and a check of the
//! engine alone against the closed form. Two events, one counter, one random stream.

use rand_distr::{Distribution, Exp};

use crate::base::engine::{Model, Scheduler, Simulation};
use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::base::time::{SECOND, SimTime};

/// M/M/1 events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mm1Event {
    /// A customer arrives.
    Arrival,
    /// The customer in service leaves.
    Departure,
}

/// M/M/1 state and running statistics.
#[derive(Debug)]
pub struct Mm1 {
    interarrival: Exp<f64>,
    service: Exp<f64>,
    rng: StreamRng,
    /// Customers in the system.
    pub in_system: u64,
    /// Customers served.
    pub served: u64,
    /// Integral of the number in system over time [customer-µs].
    pub area: u128,
    last: SimTime,
}

impl Mm1 {
    /// A queue with arrival rate `lambda` and service rate `mu` [per second].
    pub fn new(lambda: f64, mu: f64, seed: u64) -> Mm1 {
        Mm1 {
            interarrival: Exp::new(lambda / SECOND as f64).expect("lambda > 0"),
            service: Exp::new(mu / SECOND as f64).expect("mu > 0"),
            rng: stream_rng(seed, StreamId::new(StreamKind::Custom, 0)),
            in_system: 0,
            served: 0,
            area: 0,
            last: 0,
        }
    }

    fn draw(&mut self, d: Exp<f64>) -> SimTime {
        (d.sample(&mut self.rng) as SimTime).max(1)
    }

    /// Mean time in system by Little's law, L / lambda = area / served [s].
    pub fn mean_time_in_system_s(&self) -> f64 {
        self.area as f64 / SECOND as f64 / self.served as f64
    }
}

impl Model for Mm1 {
    type Event = Mm1Event;

    #[inline]
    fn handle(&mut self, now: SimTime, event: Mm1Event, q: &mut Scheduler<Mm1Event>) {
        self.area += self.in_system as u128 * (now - self.last) as u128;
        self.last = now;
        match event {
            Mm1Event::Arrival => {
                let gap = self.draw(self.interarrival);
                q.after(gap, Mm1Event::Arrival);
                self.in_system += 1;
                if self.in_system == 1 {
                    let s = self.draw(self.service);
                    q.after(s, Mm1Event::Departure);
                }
            }
            Mm1Event::Departure => {
                self.in_system -= 1;
                self.served += 1;
                if self.in_system > 0 {
                    let s = self.draw(self.service);
                    q.after(s, Mm1Event::Departure);
                }
            }
        }
    }
}

/// A ready-to-run M/M/1 simulation (first arrival at time 0).
pub fn mm1_simulation(lambda: f64, mu: f64, seed: u64) -> Simulation<Mm1> {
    let mut sim = Simulation::new(Mm1::new(lambda, mu, seed));
    sim.schedule(0, Mm1Event::Arrival);
    sim
}

/// Runs `sim` for exactly `events` more events [events]; returns events handled.
pub fn run_events(sim: &mut Simulation<Mm1>, events: u64) -> u64 {
    let target = sim.events() + events;
    let mut horizon = sim.now();
    while sim.events() < target {
        horizon += 1_000 * SECOND;
        sim.run_until(horizon);
    }
    sim.events()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_alone_matches_mm1_closed_form() {
        // lambda = 0.5/s, mu = 1/s: W = 1 / (mu - lambda) = 2 s.
        let mut sim = mm1_simulation(0.5, 1.0, 5);
        sim.run_until(2_000_000 * SECOND);
        let w = sim.model.mean_time_in_system_s();
        assert!(sim.model.served > 900_000);
        assert!((w - 2.0).abs() < 0.05, "W = {w}");
    }
}
