//! The future-event list: a radix heap keyed by (time, insertion sequence).
//!
//! Ties in time are broken by the order in which events were scheduled, so a run is
//! deterministic: keys are `time << 64 | sequence`, unique, popped in increasing order,
//! exactly the order of the binary heap this replaced (see the oracle tests).
//!
//! A radix heap exploits that a simulation never schedules into its past: every key
//! pushed is at least the last key popped (`last`). Entries live in 129 buckets by the
//! highest bit in which their key differs from `last` (bucket 0: equal to `last`). Pop
//! takes bucket 0, or else finds the lowest non-empty bucket, makes its smallest key the
//! new `last` and redistributes that bucket's entries into lower buckets. An entry only
//! moves down, at most 128 times, so push and pop cost O(1) amortized, independent of
//! how many events are pending (a binary heap costs O(log n) per operation, with
//! cache misses once the heap outgrows the cache). Storage is reused: once warm,
//! scheduling allocates nothing.

use crate::time::SimTime;

/// Buckets: one per bit position of a `u128` key, plus one for keys equal to `last`.
const BUCKETS: usize = 129;

/// A scheduled event with its ordering key.
#[derive(Debug, Clone)]
struct Entry<E> {
    /// `time << 64 | sequence`.
    key: u128,
    event: E,
}

/// Radix-heap of events ordered by time, then by scheduling order.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    buckets: Vec<Vec<Entry<E>>>,
    /// Bit `b` of word `b / 64` set when bucket `b` is not empty.
    occupied: [u64; 3],
    /// Every pending key is at least this (the last key popped; 0 at first).
    last: u128,
    /// Spare storage swapped in while a bucket is redistributed.
    scratch: Vec<Entry<E>>,
    len: usize,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// Bucket of `key` relative to `last` (`key >= last`).
fn bucket_of(key: u128, last: u128) -> usize {
    BUCKETS - 1 - (key ^ last).leading_zeros() as usize
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            occupied: [0; 3],
            last: 0,
            scratch: Vec::new(),
            len: 0,
            next_seq: 0,
        }
    }

    /// An empty queue with room for about `n` pending events.
    pub fn with_capacity(n: usize) -> Self {
        let mut q = Self::new();
        q.scratch.reserve(n);
        q
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn mark(&mut self, b: usize) {
        self.occupied[b / 64] |= 1 << (b % 64);
    }

    fn unmark(&mut self, b: usize) {
        self.occupied[b / 64] &= !(1 << (b % 64));
    }

    /// Lowest non-empty bucket, if any.
    fn lowest(&self) -> Option<usize> {
        self.occupied
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
    }

    /// Schedules `event` at time `at` [µs]; `at` must not be earlier than the time of the
    /// last event popped (the engine clamps to its clock).
    pub fn push(&mut self, at: SimTime, event: E) {
        let key = ((at as u128) << 64) | self.next_seq as u128;
        debug_assert!(key >= self.last, "event scheduled in the past");
        // A key in the past would break the buckets' invariant: run it now instead.
        if key < self.last {
            eprintln!(
                "PAST push at {} last {} seq {}",
                at,
                (self.last >> 64) as u64,
                self.next_seq
            );
        }
        let key = key.max(self.last);
        self.next_seq += 1;
        let b = bucket_of(key, self.last);
        self.buckets[b].push(Entry { key, event });
        self.mark(b);
        self.len += 1;
    }

    /// Makes bucket 0 hold the smallest pending key; false when nothing is pending.
    fn settle(&mut self) -> bool {
        let Some(b) = self.lowest() else {
            return false;
        };
        if b == 0 {
            return true;
        }
        std::mem::swap(&mut self.scratch, &mut self.buckets[b]);
        self.unmark(b);
        self.last = self
            .scratch
            .iter()
            .map(|e| e.key)
            .min()
            .expect("an occupied bucket has entries");
        let mut moving = std::mem::take(&mut self.scratch);
        for e in moving.drain(..) {
            let nb = bucket_of(e.key, self.last);
            self.buckets[nb].push(e);
            self.mark(nb);
        }
        self.scratch = moving;
        true
    }

    /// Time of the next event [µs], if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        self.settle().then_some((self.last >> 64) as SimTime)
    }

    /// Removes and returns the earliest event and its time [µs].
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if !self.settle() {
            return None;
        }
        // Keys are unique, so bucket 0 holds exactly the entry whose key is `last`.
        let entry = self.buckets[0].pop().expect("settled");
        if self.buckets[0].is_empty() {
            self.unmark(0);
        }
        self.len -= 1;
        Some(((entry.key >> 64) as SimTime, entry.event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{StreamId, StreamKind, stream_rng};
    use rand::RngExt;
    use std::cmp::Reverse;
    use std::collections::BinaryHeap;

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

    /// Oracle: the queue agrees with a stable sort of the same (time, seq) pairs.
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

    /// Oracle for interleaved use, as a simulation does it: pops and pushes at or after
    /// the popped time (the hold model, with ties and far-future events), against a
    /// binary heap of (time, seq).
    #[test]
    fn interleaved_pushes_and_pops_match_a_binary_heap() {
        let mut rng = stream_rng(11, StreamId::new(StreamKind::Custom, 1));
        let mut q = EventQueue::new();
        let mut heap = BinaryHeap::new();
        let mut seq = 0u64;
        for _ in 0..1_000 {
            let t = rng.random_range(0..1_000u64);
            q.push(t, seq);
            heap.push(Reverse((t, seq)));
            seq += 1;
        }
        for _ in 0..50_000 {
            assert_eq!(q.peek_time(), heap.peek().map(|r| r.0.0));
            let (t, e) = q.pop().unwrap();
            let Reverse((ht, he)) = heap.pop().unwrap();
            assert_eq!((t, e), (ht, he));
            let pushes = rng.random_range(0..3u32);
            for _ in 0..pushes {
                let delay = match rng.random_range(0..4u32) {
                    0 => 0,
                    1 => rng.random_range(0..10u64),
                    2 => rng.random_range(0..100_000u64),
                    _ => rng.random_range(0..u64::MAX / 4),
                };
                let at = t.saturating_add(delay);
                q.push(at, seq);
                heap.push(Reverse((at, seq)));
                seq += 1;
            }
            if heap.is_empty() {
                break;
            }
        }
        assert_eq!(q.len(), heap.len());
        while let Some(Reverse(x)) = heap.pop() {
            assert_eq!(q.pop(), Some(x));
        }
        assert!(q.pop().is_none() && q.is_empty());
    }
}
