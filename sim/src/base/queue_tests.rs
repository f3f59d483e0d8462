//! The event queue's tests: pop order against a stable sort and a binary heap.

use super::*;
use crate::base::rng::{StreamId, StreamKind, stream_rng};
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

#[test]
fn pop_until_stops_at_the_horizon() {
    let mut q = EventQueue::new();
    for (t, e) in [(10, 'a'), (20, 'b'), (30, 'c')] {
        q.push(t, e);
    }
    assert_eq!(q.pop_until(20), Some((10, 'a')));
    assert_eq!(q.pop_until(20), Some((20, 'b')));
    assert_eq!(q.pop_until(20), None);
    q.push(25, 'd');
    assert_eq!(q.pop_until(30), Some((25, 'd')));
    assert_eq!(q.pop(), Some((30, 'c')));
}

/// Sizes that wander across both switch points (8 and 32 pending) keep the order.
#[test]
fn switching_between_the_small_list_and_the_buckets_keeps_the_order() {
    let mut rng = stream_rng(12, StreamId::new(StreamKind::Custom, 2));
    let mut q = EventQueue::new();
    let mut heap = BinaryHeap::new();
    let (mut seq, mut now) = (0u64, 0u64);
    for round in 0..20_000u32 {
        // Grow for a while, then shrink, around sizes 0..100.
        let grow = (round / 500) % 2 == 0;
        if grow || heap.is_empty() {
            let at = now + rng.random_range(0..50u64);
            q.push(at, seq);
            heap.push(Reverse((at, seq)));
            seq += 1;
        }
        if (!grow || rng.random_range(0..3u32) == 0) && !heap.is_empty() {
            let Reverse(want) = heap.pop().unwrap();
            assert_eq!(q.pop(), Some(want));
            now = want.0;
        }
        assert_eq!(q.len(), heap.len());
    }
}

/// A multi-venue world peeks a venue's queue (which raises the buckets' base to the
/// next key) and then hands it an event due before that: the order still matches a
/// binary heap, whatever mix of peeks, pushes at the current time and pops.
#[test]
fn pushes_after_a_peek_below_the_next_key_keep_the_order() {
    let mut rng = stream_rng(13, StreamId::new(StreamKind::Custom, 3));
    let mut q = EventQueue::new();
    let mut heap = BinaryHeap::new();
    let (mut seq, mut now) = (0u64, 0u64);
    let mut early_pushes = 0;
    for _ in 0..100_000u32 {
        match rng.random_range(0..4u32) {
            0 => {
                assert_eq!(
                    q.peek_time(),
                    heap.peek().map(|r: &Reverse<(u64, u64)>| r.0.0)
                );
            }
            1 => {
                // A peek, then a push between the last pop and the next pending event.
                q.peek_time();
                let next = heap.peek().map_or(now + 100, |r| r.0.0);
                let at = rng.random_range(now..=next);
                if at < next {
                    early_pushes += 1;
                }
                q.push(at, seq);
                heap.push(Reverse((at, seq)));
                seq += 1;
            }
            2 => {
                let at = now + rng.random_range(0..1_000_000u64);
                q.push(at, seq);
                heap.push(Reverse((at, seq)));
                seq += 1;
            }
            _ => {
                let want = heap.pop().map(|Reverse(x)| x);
                assert_eq!(q.pop(), want);
                if let Some((t, _)) = want {
                    now = t;
                }
            }
        }
        assert_eq!(q.len(), heap.len());
    }
    assert!(early_pushes > 200, "{early_pushes}");
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

/// Whenever [`EventQueue::peek_next`] names an event, it is the one the next pop
/// returns (the engine prefetches its records), through every level of the buckets.
#[test]
fn peek_next_names_the_next_pop() {
    let mut rng = stream_rng(14, StreamId::new(StreamKind::Custom, 4));
    let mut q = EventQueue::new();
    let mut seq = 0u64;
    let mut named = 0;
    for _ in 0..2_000 {
        q.push(rng.random_range(0..1u64 << 40), seq);
        seq += 1;
    }
    for _ in 0..200_000 {
        let hint = q.peek_next().copied();
        let (t, e) = q.pop().expect("pending");
        if let Some(h) = hint {
            assert_eq!(h, e);
            named += 1;
        }
        for _ in 0..rng.random_range(0..3u32) {
            let delay = match rng.random_range(0..3u32) {
                0 => rng.random_range(0..4u64),
                1 => rng.random_range(0..1u64 << 20),
                _ => rng.random_range(0..1u64 << 40),
            };
            q.push(t + delay, seq);
            seq += 1;
        }
        if q.len() < 50 {
            q.push(t + 1, seq);
            seq += 1;
        }
    }
    assert!(named > 100_000, "{named}");
}
