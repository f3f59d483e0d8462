//! Layer 0, the base: simulated time and the calendar, random streams, the event queue
//! and the engine that runs a model on it. Knows nothing of markets.

pub mod calendar;
pub mod engine;
pub mod mm1;
pub mod prefetch;
pub mod queue;
pub mod rng;
pub mod theory;
pub mod time;
