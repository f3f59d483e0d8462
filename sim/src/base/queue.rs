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
//! cache misses once the heap outgrows the cache). While fewer than a few dozen events
//! are pending (an M/M/1 queue has two) they are kept in one small sorted list instead,
//! which costs less than the buckets' bookkeeping; the queue switches with hysteresis
//! (to the buckets above 32, back below 8). Storage is reused: once warm, scheduling
//! allocates nothing.

use crate::base::time::SimTime;

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
    /// While few events are pending (`small_mode`), they live here instead, sorted by
    /// key, largest first: a pop is `Vec::pop`, a push an insertion among a few entries.
    small: Vec<Entry<E>>,
    small_mode: bool,
    /// Keys pushed below `last` after a peek raised it above the last key popped (a
    /// multi-venue world hands a venue a job between its events), sorted largest first;
    /// all of them are below every key in the buckets, so they go first.
    early: Vec<Entry<E>>,
    /// The last key popped: no key may be pushed below it.
    popped: u128,
    len: usize,
    next_seq: u64,
}

/// Pending events above which the small sorted list moves into the buckets.
const SMALL_MAX: usize = 32;
/// Pending events below which the buckets move back into the small list.
const SMALL_MIN: usize = 8;
/// The most entries [`EventQueue::peek_next`] scans in the lowest bucket.
const PEEK_SCAN: usize = 16;

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
            small: Vec::with_capacity(SMALL_MAX + 1),
            small_mode: true,
            early: Vec::new(),
            popped: 0,
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
        let [a, b, c] = self.occupied;
        if a != 0 {
            Some(a.trailing_zeros() as usize)
        } else if b != 0 {
            Some(64 + b.trailing_zeros() as usize)
        } else if c != 0 {
            Some(128 + c.trailing_zeros() as usize)
        } else {
            None
        }
    }

    /// Schedules `event` at time `at` [µs]; `at` must not be earlier than the time of the
    /// last event popped (the engine clamps to its clock).
    pub fn push(&mut self, at: SimTime, event: E) {
        let key = ((at as u128) << 64) | self.next_seq as u128;
        debug_assert!(key >= self.popped, "event scheduled in the past");
        // A key in the past would break the order: run it now instead.
        let key = key.max(self.popped);
        self.next_seq += 1;
        self.len += 1;
        // A new key has the largest sequence number yet, so it is below `last` exactly
        // when its time is (comparing the times' 64 bits is enough).
        if !self.small_mode && at < (self.last >> 64) as SimTime {
            self.push_early(Entry { key, event });
            return;
        }
        if self.small_mode {
            // Most new keys are the largest (a later time): they go to the front.
            let at = self
                .small
                .iter()
                .position(|e| e.key < key)
                .unwrap_or(self.small.len());
            self.small.insert(at, Entry { key, event });
            if self.small.len() > SMALL_MAX {
                self.small_mode = false;
                let mut moving = std::mem::take(&mut self.small);
                for e in moving.drain(..) {
                    self.place(e);
                }
                self.small = moving;
            }
            return;
        }
        self.place(Entry { key, event });
    }

    /// Puts `e`, below the buckets' base (raised by a peek), before all of them.
    #[cold]
    #[inline(never)]
    fn push_early(&mut self, e: Entry<E>) {
        let at = self
            .early
            .iter()
            .position(|x| x.key < e.key)
            .unwrap_or(self.early.len());
        self.early.insert(at, e);
    }

    /// Puts `e` in its bucket.
    fn place(&mut self, e: Entry<E>) {
        let b = bucket_of(e.key, self.last);
        self.buckets[b].push(e);
        self.mark(b);
    }

    /// Moves every entry of the buckets into the small list (few are pending).
    fn move_to_small_list(&mut self) {
        for b in 0..BUCKETS {
            self.small.append(&mut self.buckets[b]);
        }
        self.small.append(&mut self.early);
        self.occupied = [0; 3];
        self.small
            .sort_unstable_by_key(|e| std::cmp::Reverse(e.key));
        self.small_mode = true;
    }

    /// The bucket whose last entry is the smallest pending key, if any: bucket 0 (keys
    /// equal to `last`), a bucket holding one entry (its key is the smallest: every lower
    /// bucket is empty), or, after redistributing the lowest bucket around its smallest
    /// key (which becomes `last`), bucket 0.
    #[inline(always)]
    fn settle(&mut self) -> Option<usize> {
        let b = self.lowest()?;
        if b == 0 || self.buckets[b].len() == 1 {
            return Some(b);
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
        Some(0)
    }

    /// Removes the smallest entry, the last of bucket `b` (see [`Self::settle`]).
    fn take(&mut self, b: usize) -> (SimTime, E) {
        let entry = self.buckets[b].pop().expect("settled");
        if self.buckets[b].is_empty() {
            self.unmark(b);
        }
        // Every other key is larger and keeps its bucket relative to the new `last`:
        // they differ from the old one above bit b - 1, where the two agree.
        self.last = entry.key;
        self.popped = entry.key;
        self.len -= 1;
        if self.len < SMALL_MIN {
            self.move_to_small_list();
        }
        ((entry.key >> 64) as SimTime, entry.event)
    }

    /// Removes the smallest entry of the small list.
    fn take_small(&mut self) -> Option<(SimTime, E)> {
        let entry = self.small.pop()?;
        self.last = entry.key;
        self.popped = entry.key;
        self.len -= 1;
        Some(((entry.key >> 64) as SimTime, entry.event))
    }

    /// Time of the next event [µs], if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        if self.small_mode {
            return self.small.last().map(|e| (e.key >> 64) as SimTime);
        }
        if let Some(e) = self.early.last() {
            return Some((e.key >> 64) as SimTime);
        }
        let b = self.settle()?;
        let key = self.buckets[b].last().expect("settled").key;
        Some((key >> 64) as SimTime)
    }

    /// The next event to pop, when it can be known without moving anything: the small
    /// list's or `early`'s head, or the smallest of a lowest bucket of at most
    /// [`PEEK_SCAN`] entries (every key there is below every other bucket's); `None`
    /// otherwise. Read-only, so it cannot change the order; the engine uses it to
    /// prefetch the next event's records while it handles the current one.
    #[inline]
    pub fn peek_next(&self) -> Option<&E> {
        if self.small_mode {
            return self.small.last().map(|e| &e.event);
        }
        if let Some(e) = self.early.last() {
            return Some(&e.event);
        }
        let bucket = &self.buckets[self.lowest()?];
        if bucket.len() > PEEK_SCAN {
            return None;
        }
        bucket.iter().min_by_key(|e| e.key).map(|e| &e.event)
    }

    /// Removes and returns the earliest event and its time [µs].
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        if self.small_mode {
            return self.take_small();
        }
        if !self.early.is_empty() {
            return Some(self.take_early());
        }
        let b = self.settle()?;
        Some(self.take(b))
    }

    /// Removes and returns the earliest event and its time [µs] if it is not later than
    /// `until` [µs].
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        if self.small_mode {
            let next = (self.small.last()?.key >> 64) as SimTime;
            return if next <= until {
                self.take_small()
            } else {
                None
            };
        }
        if !self.early.is_empty() {
            return self.take_early_until(until);
        }
        let b = self.settle()?;
        let key = self.buckets[b].last().expect("settled").key;
        ((key >> 64) as SimTime <= until).then(|| self.take(b))
    }

    /// [`Self::pop_until`] when `early` holds entries (they go first).
    #[cold]
    #[inline(never)]
    fn take_early_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        let next = (self.early.last()?.key >> 64) as SimTime;
        (next <= until).then(|| self.take_early())
    }

    /// Removes the smallest entry, the last of `early` (below every bucket's key).
    #[cold]
    #[inline(never)]
    fn take_early(&mut self) -> (SimTime, E) {
        let entry = self.early.pop().expect("an early entry");
        self.popped = entry.key;
        self.len -= 1;
        if self.len < SMALL_MIN {
            self.move_to_small_list();
        }
        ((entry.key >> 64) as SimTime, entry.event)
    }
}

/// The classic hold model's inputs, for the benchmarks (`examples/hold.rs`, the
/// `queue_hold` criterion group): the same delays for every queue compared.
pub mod hold {
    /// `n` delays [µs], exponential with mean 1 s, from a fixed xorshift stream.
    pub fn delays(n: usize) -> Vec<u64> {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                (-(1.0 - u).ln() * 1e6) as u64
            })
            .collect()
    }
}

#[cfg(test)]
#[path = "queue_tests.rs"]
mod tests;
