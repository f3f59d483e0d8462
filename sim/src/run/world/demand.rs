//! The world's demand: its workloads' arrival streams, drawn once for the world.

use crate::base::queue::EventQueue;
use crate::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use crate::network::workload::WorkloadState;
use crate::scenario::Scenario;

/// Stream index (kind `Custom`) of the consumers' loyalty draws.
const CHOICE_STREAM: u64 = 16_000;
/// Stream index (kind `Custom`) of the consumers' logit draws (`model = "logit"` only,
/// so a world that chooses the cheapest venue draws exactly what it drew before).
const LOGIT_STREAM: u64 = 16_001;

/// The world's demand: its workloads' arrival streams.
pub(super) struct Demand {
    pub(super) states: Vec<WorkloadState>,
    pub(super) queue: EventQueue<u16>,
    pub(super) choice_rng: StreamRng,
    pub(super) logit_rng: StreamRng,
    pub(super) next_job_id: u64,
    pub(super) arrivals: u64,
}

impl Demand {
    pub(super) fn new(sc: &Scenario) -> Demand {
        let mut states: Vec<WorkloadState> = (0..sc.workloads.len())
            .map(|i| WorkloadState::new(sc, i, |_, _| None))
            .collect();
        let mut queue = EventQueue::new();
        for (i, s) in states.iter_mut().enumerate() {
            if let Some(t) = s.next_arrival(&sc.workloads[i], 0, sc.duration) {
                queue.push(t, i as u16);
            }
        }
        Demand {
            states,
            queue,
            choice_rng: stream_rng(sc.seed, StreamId::new(StreamKind::Custom, CHOICE_STREAM)),
            logit_rng: stream_rng(sc.seed, StreamId::new(StreamKind::Custom, LOGIT_STREAM)),
            next_job_id: 0,
            arrivals: 0,
        }
    }
}
