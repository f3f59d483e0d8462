//! The future-event list: a binary min-heap keyed by (time, insertion sequence).
//!
//! Ties in time are broken by the order in which events were scheduled, so a run is
//! deterministic. Keys are packed into one `u128` so a comparison is a single integer
//! compare. The heap reuses its storage: once warm, scheduling allocates nothing.

use crate::time::SimTime;

/// A scheduled event with its ordering key.
#[derive(Debug, Clone)]
struct Entry<E> {
    /// `time << 64 | sequence`.
    key: u128,
    event: E,
}

/// Min-heap of events ordered by time, then by scheduling order.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            heap: Vec::new(),
            next_seq: 0,
        }
    }

    /// An empty queue with room for `n` pending events.
    pub fn with_capacity(n: usize) -> Self {
        Self {
            heap: Vec::with_capacity(n),
            next_seq: 0,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Time of the next event [µs], if any.
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|e| (e.key >> 64) as SimTime)
    }

    /// Schedules `event` at time `at` [µs].
    pub fn push(&mut self, at: SimTime, event: E) {
        let key = ((at as u128) << 64) | self.next_seq as u128;
        self.next_seq += 1;
        self.heap.push(Entry { key, event });
        self.sift_up(self.heap.len() - 1);
    }

    /// Removes and returns the earliest event and its time [µs].
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let last = self.heap.len().checked_sub(1)?;
        self.heap.swap(0, last);
        let entry = self.heap.pop()?;
        if !self.heap.is_empty() {
            self.sift_down(0);
        }
        Some(((entry.key >> 64) as SimTime, entry.event))
    }

    fn sift_up(&mut self, mut i: usize) {
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[i].key >= self.heap[parent].key {
                break;
            }
            self.heap.swap(i, parent);
            i = parent;
        }
    }

    fn sift_down(&mut self, mut i: usize) {
        let n = self.heap.len();
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && self.heap[right].key < self.heap[left].key {
                right
            } else {
                left
            };
            if self.heap[i].key <= self.heap[child].key {
                break;
            }
            self.heap.swap(i, child);
            i = child;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamId, StreamKind, stream_rng};
    use rand::RngExt;

    #[test]
    fn pops_in_time_then_fifo_order() {
        let mut q = EventQueue::new();
        q.push(5, 'a');
        q.push(3, 'b');
        q.push(5, 'c');
        q.push(3, 'd');
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['b', 'd', 'a', 'c']);
    }

    /// Oracle: the heap agrees with a stable sort of the same (time, seq) pairs.
    #[test]
    fn matches_stable_sort_oracle() {
        let mut rng = stream_rng(9, StreamId::new(StreamKind::Custom, 0));
        let mut q = EventQueue::new();
        let mut expected = Vec::new();
        for seq in 0..5_000u32 {
            let t = rng.random_range(0..200u64);
            q.push(t, seq);
            expected.push((t, seq));
        }
        expected.sort_by_key(|&(t, _)| t);
        let got: Vec<(u64, u32)> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(got, expected);
    }
}
