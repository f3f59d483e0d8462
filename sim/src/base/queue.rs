//! The future-event list: a radix heap with 4-bit digits, keyed by time, ties in
//! scheduling order.
//!
//! Ties in time are broken by the order in which events were scheduled, so a run is
//! deterministic: events pop in increasing (time, scheduling order), exactly the order
//! of the binary heap this replaced (see the oracle tests).
//!
//! A radix heap exploits that a simulation never schedules into its past: every time
//! pushed is at least the last time popped (`last`). A time is sixteen 4-bit digits;
//! an entry lives in bucket (level, digit): the highest digit in which its time differs
//! from `last` (level 0 also when it equals `last`) and its value of that digit.
//! Buckets in (level, digit) order hold ever later times, so the lowest non-empty
//! bucket holds the earliest: a level-0 bucket holds one time only (its entries pop
//! front first), and a higher one is redistributed around its earliest time, which
//! becomes `last`, into lower levels. An entry moves down at most fifteen times, and in
//! a simulation a few (about one per digit in which its time differs from the clock's),
//! so push and pop cost O(1) independent of how many events are pending (a binary heap
//! costs O(log n), with cache misses once it outgrows the cache). Before 2026-12-07 the
//! digits were bits (129 buckets keyed by (time, sequence)): an entry moved once per
//! bit, and a hold at a million pending events cost 2.4 times what it costs now
//! (benches/README.md); 8-bit digits (2,048 buckets) moved less but scattered each
//! redistribution over more buckets' tails, with no gain in a simulation and a third
//! more memory. Every bucket is in scheduling order: a bucket is empty when a
//! redistribution fills it (all lower buckets are), the redistributed bucket was in
//! order, and a push appends the newest event; so ties need no sequence number (an
//! entry is 24 bytes, not 32). While fewer than a few dozen events are
//! pending (an M/M/1 queue has two) they are kept in one small sorted list instead,
//! which costs less than the buckets' bookkeeping; the queue switches with hysteresis
//! (to the buckets above 32, back below 8). Storage is reused: a bucket keeps up to
//! 4,096 entries' worth when it is spread, and gives larger storage back (with storage
//! kept whatever its size, 256 buckets each holding the most it ever held took the
//! million-GPU year from 0.48 to 0.83 GB).

use crate::base::time::SimTime;

/// Bits per digit; a level has one bucket per digit value.
const DIGIT_BITS: u32 = 4;
const RADIX: usize = 1 << DIGIT_BITS;
/// Levels: one per digit of a time.
const LEVELS: usize = 64 / DIGIT_BITS as usize;
const BUCKETS: usize = LEVELS * RADIX;
/// Words of the occupancy bitmap.
const WORDS: usize = BUCKETS / 64;

/// A scheduled event with its time [µs].
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    time: SimTime,
    event: E,
}

/// Radix heap of events ordered by time, then by scheduling order.
#[derive(Debug, Clone)]
pub struct EventQueue<E> {
    /// Bucket `level * RADIX + digit`.
    buckets: Vec<Vec<Entry<E>>>,
    /// Bit `b % 64` of word `b / 64` set when bucket `b` is not empty.
    occupied: [u64; WORDS],
    /// Bit `w` set when word `w` of `occupied` is not zero.
    summary: u32,
    /// Every time in the buckets is at least this; buckets are relative to it.
    last: SimTime,
    /// Entries already taken from the front of the lowest bucket (a level-0 bucket,
    /// drained front first); 0 when none is being drained.
    head: usize,
    /// While few events are pending (`small_mode`), they live here instead, sorted
    /// latest first (ties: newest first): a pop is `Vec::pop`, a push an insertion
    /// among a few entries.
    small: Vec<Entry<E>>,
    small_mode: bool,
    /// Times pushed below `last` after a peek raised it above the last time popped (a
    /// multi-venue world hands a venue a job between its events), sorted as `small`;
    /// all of them are below every time in the buckets, so they go first.
    early: Vec<Entry<E>>,
    /// The last time popped: no time may be pushed below it.
    popped: SimTime,
    len: usize,
}

/// Pending events above which the small sorted list moves into the buckets.
const SMALL_MAX: usize = 32;
/// Pending events below which the buckets move back into the small list.
const SMALL_MIN: usize = 8;
/// Entries of storage a spread bucket keeps for reuse (larger storage is freed).
const KEEP_CAPACITY: usize = 4096;
/// The most entries [`EventQueue::peek_next`] scans in the lowest bucket.
const PEEK_SCAN: usize = 16;

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

/// Bucket of time `t` relative to `last` (`t >= last`).
#[inline(always)]
fn bucket_of(t: SimTime, last: SimTime) -> usize {
    let level = (63 - ((t ^ last) | 1).leading_zeros()) / DIGIT_BITS;
    let digit = (t >> (level * DIGIT_BITS)) as usize & (RADIX - 1);
    level as usize * RADIX + digit
}

/// Where `time` goes in a list sorted latest first, after the entries scheduled
/// before it at the same time (so it pops after them).
fn insertion_point<E>(list: &[Entry<E>], time: SimTime) -> usize {
    list.iter()
        .position(|e| e.time <= time)
        .unwrap_or(list.len())
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue (its small list has room for [`SMALL_MAX`] + 1; the buckets grow as
    /// they are used).
    pub fn new() -> Self {
        Self {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            occupied: [0; WORDS],
            summary: 0,
            last: 0,
            head: 0,
            small: Vec::with_capacity(SMALL_MAX + 1),
            small_mode: true,
            early: Vec::new(),
            popped: 0,
            len: 0,
        }
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline(always)]
    fn mark(&mut self, b: usize) {
        self.occupied[b / 64] |= 1 << (b % 64);
        self.summary |= 1 << (b / 64);
    }

    #[inline(always)]
    fn unmark(&mut self, b: usize) {
        let w = b / 64;
        self.occupied[w] &= !(1 << (b % 64));
        if self.occupied[w] == 0 {
            self.summary &= !(1 << w);
        }
    }

    /// Lowest non-empty bucket, if any.
    #[inline(always)]
    fn lowest(&self) -> Option<usize> {
        if self.summary == 0 {
            return None;
        }
        let w = self.summary.trailing_zeros() as usize;
        Some(w * 64 + self.occupied[w].trailing_zeros() as usize)
    }

    /// Schedules `event` at time `at` [µs]; `at` must not be earlier than the time of the
    /// last event popped (the engine clamps to its clock).
    pub fn push(&mut self, at: SimTime, event: E) {
        debug_assert!(at >= self.popped, "event scheduled in the past");
        // A time in the past would break the order: run it now instead.
        let time = at.max(self.popped);
        self.len += 1;
        let e = Entry { time, event };
        if self.small_mode {
            // Most new times are the latest: they go to the front.
            let i = insertion_point(&self.small, time);
            self.small.insert(i, e);
            if self.small.len() > SMALL_MAX {
                self.move_to_buckets();
            }
            return;
        }
        if time < self.last {
            self.push_early(e);
            return;
        }
        self.place(e);
    }

    /// The small list's entries into the buckets, earliest first (so each bucket is
    /// in scheduling order).
    #[cold]
    #[inline(never)]
    fn move_to_buckets(&mut self) {
        self.small_mode = false;
        let mut moving = std::mem::take(&mut self.small);
        self.last = self.popped;
        while let Some(e) = moving.pop() {
            self.place(e);
        }
        self.small = moving;
    }

    /// Puts `e`, below the buckets' base (raised by a peek), before all of them.
    #[cold]
    #[inline(never)]
    fn push_early(&mut self, e: Entry<E>) {
        let i = insertion_point(&self.early, e.time);
        self.early.insert(i, e);
    }

    /// Puts `e` in its bucket.
    #[inline(always)]
    fn place(&mut self, e: Entry<E>) {
        let b = bucket_of(e.time, self.last);
        self.buckets[b].push(e);
        self.mark(b);
    }

    /// Moves every pending entry into the small list (few are pending).
    #[cold]
    #[inline(never)]
    fn move_to_small_list(&mut self) {
        // Earliest first, each bucket in scheduling order; times differ across buckets.
        // The small list is empty while the buckets are in use: its storage is reused.
        let mut all = std::mem::take(&mut self.small);
        all.extend(self.early.drain(..).rev());
        // Only the lowest bucket can be part drained (`head`).
        let mut skip = std::mem::take(&mut self.head);
        while let Some(b) = self.lowest() {
            all.extend(self.buckets[b].drain(..).skip(skip));
            self.unmark(b);
            skip = 0;
        }
        // A stable sort keeps scheduling order among equal times; then latest first.
        all.sort_by_key(|e| e.time);
        all.reverse();
        self.small = all;
        self.small_mode = true;
    }

    /// The lowest bucket, its earliest entry at `head` (a level-0 bucket) or alone: the
    /// lowest bucket if it is level 0 or holds one entry, or else, after redistributing
    /// it around its earliest time (which becomes `last`), the level-0 bucket of `last`.
    #[inline(always)]
    fn settle(&mut self) -> Option<usize> {
        let b = self.lowest()?;
        if b < RADIX || self.buckets[b].len() == 1 {
            return Some(b);
        }
        Some(self.redistribute(b))
    }

    /// Spreads bucket `b` (level 1 or more, two or more entries) into lower levels
    /// around its earliest time; returns the level-0 bucket that now holds it.
    #[inline(never)]
    fn redistribute(&mut self, b: usize) -> usize {
        let mut moving = std::mem::take(&mut self.buckets[b]);
        self.unmark(b);
        self.last = moving
            .iter()
            .map(|e| e.time)
            .min()
            .expect("an occupied bucket has entries");
        for e in moving.drain(..) {
            self.place(e);
        }
        // A bucket keeps small storage; large storage goes back to the allocator, so
        // memory follows the events pending, not the most each bucket ever held.
        if moving.capacity() <= KEEP_CAPACITY {
            self.buckets[b] = moving;
        }
        bucket_of(self.last, self.last)
    }

    /// Removes the earliest entry of settled bucket `b` (see [`Self::settle`]).
    #[inline(always)]
    fn take(&mut self, b: usize) -> (SimTime, E) {
        let bucket = &mut self.buckets[b];
        let entry = if b < RADIX {
            let e = bucket[self.head];
            self.head += 1;
            if self.head == bucket.len() {
                bucket.clear();
                self.head = 0;
                self.unmark(b);
            }
            e
        } else {
            // Alone in its bucket: every other entry is later and keeps its bucket
            // relative to the new `last` (they differ from it where they did).
            let e = bucket.pop().expect("settled");
            self.unmark(b);
            e
        };
        self.last = entry.time;
        self.popped = entry.time;
        self.len -= 1;
        if self.len < SMALL_MIN {
            self.move_to_small_list();
        }
        (entry.time, entry.event)
    }

    /// The earliest entry of settled bucket `b`.
    #[inline(always)]
    fn first_of(&self, b: usize) -> &Entry<E> {
        let bucket = &self.buckets[b];
        if b < RADIX {
            &bucket[self.head]
        } else {
            &bucket[0]
        }
    }

    /// Removes the earliest entry of the small list.
    fn take_small(&mut self) -> Option<(SimTime, E)> {
        let entry = self.small.pop()?;
        self.popped = entry.time;
        self.len -= 1;
        Some((entry.time, entry.event))
    }

    /// Time of the next event [µs], if any.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        if self.small_mode {
            return self.small.last().map(|e| e.time);
        }
        if let Some(e) = self.early.last() {
            return Some(e.time);
        }
        let b = self.settle()?;
        Some(self.first_of(b).time)
    }

    /// The next event to pop, when it can be known without moving anything: the small
    /// list's or `early`'s head, a level-0 bucket's head, or the earliest of a lowest
    /// bucket of at most [`PEEK_SCAN`] entries (every time there is below every other
    /// bucket's); `None` otherwise. Read-only, so it cannot change the order; the engine
    /// uses it to prefetch the next event's records while it handles the current one.
    #[inline]
    pub fn peek_next(&self) -> Option<&E> {
        if self.small_mode {
            return self.small.last().map(|e| &e.event);
        }
        if let Some(e) = self.early.last() {
            return Some(&e.event);
        }
        let b = self.lowest()?;
        let bucket = &self.buckets[b];
        if b < RADIX {
            return bucket.get(self.head).map(|e| &e.event);
        }
        if bucket.len() > PEEK_SCAN {
            return None;
        }
        // The first of the earliest: ties pop in scheduling order.
        bucket.iter().min_by_key(|e| e.time).map(|e| &e.event)
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
    #[inline]
    pub fn pop_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        if self.small_mode {
            let next = self.small.last()?.time;
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
        (self.first_of(b).time <= until).then(|| self.take(b))
    }

    /// [`Self::pop_until`] when `early` holds entries (they go first).
    #[cold]
    #[inline(never)]
    fn take_early_until(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        let next = self.early.last()?.time;
        (next <= until).then(|| self.take_early())
    }

    /// Removes the earliest entry, the last of `early` (below every bucket's time).
    #[cold]
    #[inline(never)]
    fn take_early(&mut self) -> (SimTime, E) {
        let entry = self.early.pop().expect("an early entry");
        self.popped = entry.time;
        self.len -= 1;
        if self.len < SMALL_MIN {
            self.move_to_small_list();
        }
        (entry.time, entry.event)
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
