//! The classic hold model on the event queue: `pending` events, then repeatedly pop the
//! earliest and push it again after an exponential delay (mean 1 s). Prints ns per hold
//! for the engine's radix heap and for a binary heap of the same (time, sequence) keys,
//! median of 5 rounds. A benchmark, not a test: figures vary with the machine.
//!
//! ```sh
//! cargo run --release -p flopmarket-sim --example hold [PENDING...]   # default 1e3 1e5 1e6 1e7
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Instant;

use flopmarket_sim::base::queue::EventQueue;
use flopmarket_sim::base::queue::hold::delays;

const ROUNDS: usize = 5;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let sizes: Vec<usize> = {
        let args: Vec<usize> = std::env::args()
            .skip(1)
            .map(|a| a.parse::<f64>().expect("a number") as usize)
            .collect();
        if args.is_empty() {
            vec![1_000, 100_000, 1_000_000, 10_000_000]
        } else {
            args
        }
    };
    let d = delays(1 << 20);
    println!("pending,holds,radix_heap_ns_per_hold,binary_heap_ns_per_hold,ratio");
    for n in sizes {
        let holds = (4 * n).clamp(2_000_000, 20_000_000);
        let mut radix = Vec::new();
        let mut binary = Vec::new();
        for _ in 0..ROUNDS {
            let mut q = EventQueue::new();
            for i in 0..n {
                q.push(d[i % d.len()], i as u32);
            }
            let mut k = 0usize;
            let t0 = Instant::now();
            for _ in 0..holds {
                let (t, e) = q.pop().expect("pending");
                k = (k + 1) & (d.len() - 1);
                q.push(t + d[k], e);
            }
            radix.push(t0.elapsed().as_nanos() as f64 / holds as f64);
            drop(q);
            let mut h = BinaryHeap::with_capacity(n);
            for i in 0..n {
                h.push(Reverse((
                    (d[i % d.len()] as u128) << 64 | i as u128,
                    i as u32,
                )));
            }
            let mut k = 0usize;
            let t0 = Instant::now();
            for seq in (n as u128..).take(holds) {
                let Reverse((key, e)) = h.pop().expect("pending");
                k = (k + 1) & (d.len() - 1);
                let t = (key >> 64) as u64 + d[k];
                h.push(Reverse(((t as u128) << 64 | seq, e)));
            }
            binary.push(t0.elapsed().as_nanos() as f64 / holds as f64);
        }
        let (r, b) = (median(radix), median(binary));
        println!("{n},{holds},{r:.1},{b:.1},{:.2}", b / r);
    }
}
