//! The discrete-event engine: a clock, one event queue and a model that handles typed
//! events by `match` on its own state. Generic over the model, so dispatch is static.

use crate::base::queue::EventQueue;
use crate::base::time::SimTime;

/// A model driven by the engine. `handle` is called once per event, in time order.
pub trait Model {
    /// The model's event type, usually a small `enum` (copied in and out of the queue).
    type Event: Copy;

    /// Handles `event` at time `now` [µs]; schedules follow-up events on `queue`.
    fn handle(&mut self, now: SimTime, event: Self::Event, queue: &mut Scheduler<Self::Event>);

    /// A hint: `next` is probably the event after the one about to be handled. A model
    /// whose state outgrows the caches asks the memory for the records `next` will touch
    /// (`base::prefetch`), so they arrive while the current event is handled. Must not
    /// change any state the simulation reads; the default does nothing.
    #[inline(always)]
    fn prefetch(&self, _next: &Self::Event) {}

    /// Whether to call [`Model::prefetch`] (looking at the next event costs a few
    /// instructions an event: worth it only when the model's records outgrow the
    /// caches). The default: no.
    #[inline(always)]
    fn prefetching(&self) -> bool {
        false
    }
}

/// The handle a model uses to schedule events; it knows the current time.
#[derive(Debug)]
pub struct Scheduler<E> {
    now: SimTime,
    queue: EventQueue<E>,
}

impl<E: Copy> Scheduler<E> {
    /// Current simulated time [µs].
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// Schedules `event` after `delay` [µs] (saturating at the end of time).
    pub fn after(&mut self, delay: SimTime, event: E) {
        self.queue.push(self.now.saturating_add(delay), event);
    }

    /// Schedules `event` at absolute time `at` [µs]; times in the past run now.
    pub fn at(&mut self, at: SimTime, event: E) {
        self.queue.push(at.max(self.now), event);
    }

    /// Number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }
}

/// A model plus its event queue and clock.
#[derive(Debug)]
pub struct Simulation<M: Model> {
    /// The model (world state).
    pub model: M,
    scheduler: Scheduler<M::Event>,
    events: u64,
}

impl<M: Model> Simulation<M> {
    /// A simulation of `model` at time 0 with an empty queue.
    pub fn new(model: M) -> Self {
        Self {
            model,
            scheduler: Scheduler {
                now: 0,
                queue: EventQueue::new(),
            },
            events: 0,
        }
    }

    /// Schedules `event` at absolute time `at` [µs].
    pub fn schedule(&mut self, at: SimTime, event: M::Event) {
        self.scheduler.at(at, event);
    }

    /// Current simulated time [µs].
    pub fn now(&self) -> SimTime {
        self.scheduler.now
    }

    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.events
    }

    /// Time of the next pending event [µs], if any.
    pub fn next_time(&mut self) -> Option<SimTime> {
        self.scheduler.queue.peek_time()
    }

    /// Handles the next pending event, if any; returns whether there was one. Used by a
    /// multi-venue world, which interleaves several simulations in time order.
    pub fn step(&mut self) -> bool {
        let Some((t, event)) = self.scheduler.queue.pop() else {
            return false;
        };
        self.prefetch_next();
        self.scheduler.now = t;
        self.model.handle(t, event, &mut self.scheduler);
        self.events += 1;
        true
    }

    /// Lets the model ask for the next event's records, when it wants to.
    #[inline(always)]
    fn prefetch_next(&self) {
        if self.model.prefetching()
            && let Some(next) = self.scheduler.queue.peek_next()
        {
            self.model.prefetch(next);
        }
    }

    /// Moves the clock to `now` [µs] (never back) and calls `f` with the model and its
    /// scheduler: how a multi-venue world hands a venue a job or a provider.
    pub fn act<R>(
        &mut self,
        now: SimTime,
        f: impl FnOnce(&mut M, &mut Scheduler<M::Event>) -> R,
    ) -> R {
        self.scheduler.now = self.scheduler.now.max(now);
        f(&mut self.model, &mut self.scheduler)
    }

    /// Handles events in order until the next one is later than `until` [µs] or the queue
    /// is empty; the clock then stands at `until`. Returns the events handled.
    pub fn run_until(&mut self, until: SimTime) -> u64 {
        let start = self.events;
        while let Some((t, event)) = self.scheduler.queue.pop_until(until) {
            self.prefetch_next();
            self.scheduler.now = t;
            self.model.handle(t, event, &mut self.scheduler);
            self.events += 1;
        }
        self.scheduler.now = self.scheduler.now.max(until);
        self.events - start
    }
}
