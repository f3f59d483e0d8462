//! The provider book: an index of providers that are up with free GPUs, ordered by ask,
//! bucketed by GPU model and free-GPU count. Finding the k cheapest eligible providers
//! costs O(buckets x (k + log n)), never a scan of all providers.

use std::collections::BTreeSet;

use crate::data::catalog::GpuId;
use crate::parts::provider::{Provider, ProviderId};

/// A provider's offer for an order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bid {
    /// Who bids.
    pub provider: ProviderId,
    /// Price [USD per GPU-hour].
    pub usd_per_gpu_hour: f64,
    /// GPU model offered.
    pub gpu: GpuId,
}

/// What an order asks for: GPUs on one host, and a price cap per accepted GPU model.
#[derive(Debug, Clone, Copy)]
pub struct OrderSpec<'a> {
    /// GPUs needed on one host.
    pub gpus: u16,
    /// `(model, cap [USD per GPU-hour])` for each accepted model.
    pub caps: &'a [(GpuId, f64)],
    /// Work left per GPU on the reference GPU [h]; for mechanisms that price the whole
    /// task (Golem's expected-cost selection). 0 when unknown.
    pub work_ref_h: f64,
    /// Speed of each GPU model for this job's kind, relative to the reference, indexed
    /// by GPU id [ratio]; empty when unknown (speed 1).
    pub speeds: &'a [f64],
}

impl<'a> OrderSpec<'a> {
    /// An order for `gpus` GPUs on one host under `caps`, with no task-size information.
    pub fn new(gpus: u16, caps: &'a [(GpuId, f64)]) -> Self {
        OrderSpec {
            gpus,
            caps,
            work_ref_h: 0.0,
            speeds: &[],
        }
    }

    /// Speed of model `gpu` for this order [ratio] (1 when unknown).
    pub fn speed(&self, gpu: GpuId) -> f64 {
        self.speeds.get(gpu as usize).copied().unwrap_or(1.0)
    }
}

/// How the book orders the hosts it offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BookOrder {
    /// Cheapest ask first (auctions, posted price with cheapest-to-run assignment).
    #[default]
    Price,
    /// Longest-waiting host first: a FIFO queue of idle nodes per market (Nosana).
    Queue,
}

/// Bucketed index of available providers.
#[derive(Debug, Clone)]
pub struct ProviderBook {
    /// `buckets[gpu][free - 1]`: `(key, provider)` in key order; the key is the ask's bits
    /// (price order) or an insertion sequence number (queue order).
    buckets: Vec<Vec<BTreeSet<(u64, ProviderId)>>>,
    /// `heads[gpu][free - 1]`: each bucket's first entry, kept beside the trees so that a
    /// clearing reads every bucket's best offer from one flat array.
    heads: Vec<Vec<Option<(u64, ProviderId)>>>,
    /// `tails[gpu][free - 1]`: each bucket's last entry, so that a bucket wholly within
    /// an order's cap is counted by its length, without a walk.
    tails: Vec<Vec<Option<(u64, ProviderId)>>>,
    order: BookOrder,
    /// Key each provider was inserted with, so removal finds it.
    keys: Vec<u64>,
    next_seq: u64,
}

/// Order key of a non-negative price: IEEE bits of non-negative floats sort like values
/// (-0.0 is keyed as 0.0, whose bits are the smallest).
fn price_key(usd: f64) -> u64 {
    debug_assert!(usd >= 0.0);
    (usd + 0.0).to_bits()
}

impl ProviderBook {
    /// An empty book for `gpu_models` models and hosts of up to `max_gpus` GPUs.
    pub fn new(gpu_models: usize, max_gpus: u16) -> Self {
        Self::with_order(gpu_models, max_gpus, BookOrder::Price)
    }

    /// An empty book ordered by `order`.
    pub fn with_order(gpu_models: usize, max_gpus: u16, order: BookOrder) -> Self {
        Self {
            buckets: vec![vec![BTreeSet::new(); max_gpus as usize]; gpu_models],
            heads: vec![vec![None; max_gpus as usize]; gpu_models],
            tails: vec![vec![None; max_gpus as usize]; gpu_models],
            order,
            keys: Vec::new(),
            next_seq: 0,
        }
    }

    /// Puts provider `id` in the book if it is up, listed, not expelled and has free GPUs.
    pub fn insert(&mut self, id: ProviderId, p: &Provider) {
        if p.offers() {
            let key = match self.order {
                BookOrder::Price => price_key(p.ask_usd_per_gpu_hour),
                BookOrder::Queue => {
                    self.next_seq += 1;
                    self.next_seq
                }
            };
            if self.keys.len() <= id as usize {
                self.keys.resize(id as usize + 1, 0);
            }
            self.keys[id as usize] = key;
            let (g, f) = (p.gpu as usize, p.free as usize - 1);
            self.buckets[g][f].insert((key, id));
            let head = &mut self.heads[g][f];
            if head.is_none_or(|h| (key, id) < h) {
                *head = Some((key, id));
            }
            let tail = &mut self.tails[g][f];
            if tail.is_none_or(|t| (key, id) > t) {
                *tail = Some((key, id));
            }
        }
    }

    /// Takes provider `id` out of the book, as it stood when last inserted.
    pub fn remove(&mut self, id: ProviderId, p: &Provider) {
        if p.offers() {
            let key = self.keys[id as usize];
            let (g, f) = (p.gpu as usize, p.free as usize - 1);
            let bucket = &mut self.buckets[g][f];
            bucket.remove(&(key, id));
            if self.heads[g][f] == Some((key, id)) {
                self.heads[g][f] = bucket.first().copied();
            }
            if self.tails[g][f] == Some((key, id)) {
                self.tails[g][f] = bucket.last().copied();
            }
        }
    }

    /// Writes into `out` the `k` cheapest eligible offers for `order`, sorted by price then
    /// provider id. Eligible: right model, enough free GPUs, ask within the model's cap.
    ///
    /// Each bucket is already in that order, so this is a k-way merge: the head of every
    /// eligible bucket goes into a small heap on the stack, and each of the `k` pops
    /// advances one bucket. O(buckets x log n + k x log buckets), whatever the size of
    /// the buckets, with no sort and no allocation (`out`'s capacity is reused). Beyond
    /// [`MERGE_WAYS`] non-empty buckets the rest are folded in one bid at a time. The
    /// result is the one a sort of every eligible offer would give (the oracle test).
    pub fn cheapest(&self, order: OrderSpec, k: usize, out: &mut Vec<Bid>) {
        out.clear();
        if k == 0 {
            return;
        }
        let mut merge = Merge::new();
        let mut overflow = None;
        'fill: for (c, &(gpu, cap)) in order.caps.iter().enumerate() {
            let Some(by_free) = self.buckets.get(gpu as usize) else {
                continue;
            };
            for (f, bucket) in by_free.iter().enumerate().skip(order.gpus as usize - 1) {
                if self.heads[gpu as usize][f].is_none_or(|h| self.bid(&h, gpu, cap).is_none()) {
                    continue;
                }
                // The head, checked just above, is the bucket's first entry.
                let mut rest = bucket.iter();
                let Some(&first) = rest.next() else {
                    continue;
                };
                if !merge.push(first, Head { rest, gpu, cap }) {
                    overflow = Some((c, f));
                    break 'fill;
                }
            }
        }
        while out.len() < k {
            let Some((entry, head)) = merge.top() else {
                break;
            };
            let (gpu, cap) = (head.gpu, head.cap);
            let next = head.rest.next().copied();
            out.extend(self.bid(&entry, gpu, cap));
            match next.filter(|e| self.bid(e, gpu, cap).is_some()) {
                Some(e) => merge.replace_top(e),
                None => merge.pop(),
            }
        }
        // More non-empty buckets than the heap holds: fold the rest in one by one.
        let Some((first_cap, first_bucket)) = overflow else {
            return;
        };
        for (c, &(gpu, cap)) in order.caps.iter().enumerate().skip(first_cap) {
            let Some(by_free) = self.buckets.get(gpu as usize) else {
                continue;
            };
            let skip = if c == first_cap {
                first_bucket
            } else {
                order.gpus as usize - 1
            };
            for bucket in by_free.iter().skip(skip) {
                for entry in bucket.iter().take(k) {
                    let Some(bid) = self.bid(entry, gpu, cap) else {
                        break;
                    };
                    if !keep_best(out, bid, k) {
                        break;
                    }
                }
            }
        }
    }

    /// The offers a lowest-price pick among the `k` cheapest chooses from: writes into
    /// `out` those of the `k` cheapest eligible offers that are tied at the lowest price
    /// (by provider id; `out[0]` is [`Self::cheapest`]'s first) and returns how many
    /// eligible offers there are, at most `k` (the length `cheapest` would give).
    ///
    /// Reads each bucket's head and tail from flat arrays, then walks only the ties and,
    /// in a bucket that the cap cuts, as many entries as the count needs (a bucket wholly
    /// within the cap counts by its length): no merge, and for most orders no walk.
    pub fn lowest(&self, order: OrderSpec, k: usize, out: &mut Vec<Bid>) -> usize {
        out.clear();
        if k == 0 {
            return 0;
        }
        let eligible = |gpu: GpuId, cap: f64| {
            let first = order.gpus as usize - 1;
            let heads = self.heads.get(gpu as usize).map_or(&[][..], |h| &h[..]);
            heads
                .iter()
                .enumerate()
                .skip(first)
                .filter_map(move |(f, h)| Some((f, (*h)?)))
                .filter(move |(_, h)| self.bid(h, gpu, cap).is_some())
        };
        let Some(min) = order
            .caps
            .iter()
            .flat_map(|&(gpu, cap)| eligible(gpu, cap).map(|(_, h)| h.0))
            .min()
        else {
            return 0;
        };
        let (mut count, mut tie_buckets) = (0, 0);
        for &(gpu, cap) in order.caps {
            for (f, head) in eligible(gpu, cap) {
                let bucket = &self.buckets[gpu as usize][f];
                if head.0 == min {
                    tie_buckets += 1;
                    for entry in bucket.iter().take(k) {
                        if entry.0 != min {
                            break;
                        }
                        out.extend(self.bid(entry, gpu, cap));
                    }
                }
                if count >= k {
                    continue;
                }
                let within_cap =
                    self.tails[gpu as usize][f].is_some_and(|t| self.bid(&t, gpu, cap).is_some());
                if within_cap {
                    count = (count + bucket.len()).min(k);
                } else {
                    for entry in bucket {
                        if count >= k || self.bid(entry, gpu, cap).is_none() {
                            break;
                        }
                        count += 1;
                    }
                }
            }
        }
        // Ties from one bucket are in id order already; from several, they are sorted
        // (a handful of bids, on the orders that meet equal asks in different buckets).
        if tie_buckets > 1 {
            sort_bids(out);
            out.truncate(k);
        }
        count
    }

    /// The bid of book entry `(key, provider)` for model `gpu`, or `None` when its ask is
    /// over `cap` (and so are all later entries of its bucket, which is in price order).
    fn bid(&self, &(key, provider): &(u64, ProviderId), gpu: GpuId, cap: f64) -> Option<Bid> {
        match self.order {
            BookOrder::Price => {
                let usd = f64::from_bits(key);
                (usd <= cap).then_some(Bid {
                    provider,
                    usd_per_gpu_hour: usd,
                    gpu,
                })
            }
            // The bid's price field carries the queue position; the mechanism sets the
            // price paid.
            BookOrder::Queue => Some(Bid {
                provider,
                usd_per_gpu_hour: key as f64,
                gpu,
            }),
        }
    }
}

/// Non-empty buckets merged through the heap of [`ProviderBook::cheapest`]; a book has
/// at most (accepted models x GPUs per host) eligible buckets, and the default scenarios
/// fewer than 32.
pub const MERGE_WAYS: usize = 32;

/// One bucket in the merge: its entries after its head, and the model and cap they are
/// read under.
struct Head<'a> {
    rest: std::collections::btree_set::Iter<'a, (u64, ProviderId)>,
    gpu: GpuId,
    cap: f64,
}

/// A binary min-heap of up to [`MERGE_WAYS`] bucket heads, on the stack. Each heap entry
/// is the head's book entry `(key, provider)` and its slot in `heads`: integers compare
/// in the book's order (a key is a non-negative price's bits or a queue position), so
/// the heap never touches a float or the iterators while it sifts.
struct Merge<'a> {
    heads: [Option<Head<'a>>; MERGE_WAYS],
    heap: [(u64, ProviderId, u8); MERGE_WAYS],
    len: usize,
}

impl<'a> Merge<'a> {
    fn new() -> Self {
        Merge {
            heads: std::array::from_fn(|_| None),
            heap: [(0, 0, 0); MERGE_WAYS],
            len: 0,
        }
    }

    /// Adds a bucket whose first entry is `entry`; false (and nothing added) when the
    /// heap is full.
    fn push(&mut self, entry: (u64, ProviderId), head: Head<'a>) -> bool {
        if self.len == MERGE_WAYS {
            return false;
        }
        let slot = self.len as u8;
        self.heads[slot as usize] = Some(head);
        let mut i = self.len;
        self.len += 1;
        let new = (entry.0, entry.1, slot);
        while i > 0 {
            let parent = (i - 1) / 2;
            if (self.heap[parent].0, self.heap[parent].1) <= (new.0, new.1) {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = new;
        true
    }

    /// The best entry and its bucket.
    fn top(&mut self) -> Option<((u64, ProviderId), &mut Head<'a>)> {
        if self.len == 0 {
            return None;
        }
        let (key, provider, slot) = self.heap[0];
        let head = self.heads[slot as usize].as_mut()?;
        Some(((key, provider), head))
    }

    /// Replaces the top entry by the next one of its bucket and restores the heap.
    fn replace_top(&mut self, entry: (u64, ProviderId)) {
        let slot = self.heap[0].2;
        self.sift_down((entry.0, entry.1, slot));
    }

    /// Drops the top entry (its bucket has nothing more to offer).
    fn pop(&mut self) {
        self.len -= 1;
        let last = self.heap[self.len];
        if self.len > 0 {
            self.sift_down(last);
        }
    }

    /// Puts `entry` at the root and sifts it down to its place.
    fn sift_down(&mut self, entry: (u64, ProviderId, u8)) {
        let key = (entry.0, entry.1);
        let mut i = 0;
        loop {
            let l = 2 * i + 1;
            if l >= self.len {
                break;
            }
            let r = l + 1;
            let child = if r < self.len
                && (self.heap[r].0, self.heap[r].1) < (self.heap[l].0, self.heap[l].1)
            {
                r
            } else {
                l
            };
            if key <= (self.heap[child].0, self.heap[child].1) {
                break;
            }
            self.heap[i] = self.heap[child];
            i = child;
        }
        self.heap[i] = entry;
    }
}

/// The book's order of bids: price, then provider id.
fn bid_order(a: &Bid, b: &Bid) -> std::cmp::Ordering {
    a.usd_per_gpu_hour
        .total_cmp(&b.usd_per_gpu_hour)
        .then(a.provider.cmp(&b.provider))
}

/// Inserts `bid` into `best` (sorted, at most `k` long) if it is among the `k` best;
/// false when it is not (nor is anything after it in a sorted bucket).
fn keep_best(best: &mut Vec<Bid>, bid: Bid, k: usize) -> bool {
    if best.len() == k && best.last().is_some_and(|w| bid_order(&bid, w).is_ge()) {
        return false;
    }
    let at = best.partition_point(|b| bid_order(b, &bid).is_lt());
    if best.len() == k {
        best.pop();
    }
    best.insert(at, bid);
    true
}

/// Sorts bids by price, then provider id (the book's order).
pub fn sort_bids(bids: &mut [Bid]) {
    bids.sort_unstable_by(bid_order);
}

/// The obviously-correct slow path: scans every provider. Used as the oracle in tests.
pub fn cheapest_by_scan(providers: &[Provider], order: OrderSpec, k: usize) -> Vec<Bid> {
    let mut out: Vec<Bid> = providers
        .iter()
        .enumerate()
        .filter(|(_, p)| p.takes_orders() && p.free >= order.gpus)
        .filter_map(|(i, p)| {
            let &(_, cap) = order.caps.iter().find(|(g, _)| *g == p.gpu)?;
            (p.ask_usd_per_gpu_hour <= cap).then_some(Bid {
                provider: i as ProviderId,
                usd_per_gpu_hour: p.ask_usd_per_gpu_hour,
                gpu: p.gpu,
            })
        })
        .collect();
    sort_bids(&mut out);
    out.truncate(k);
    out
}

#[cfg(test)]
mod tests;
