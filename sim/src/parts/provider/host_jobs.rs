//! The job slots on a host, kept where a release finds them without a chain of cache
//! misses.

/// The job slots on a host, in the order a `Vec` with `push` and `swap_remove` would
/// keep them (settlement and churn visit them in that order, so sums and draws are
/// unchanged): the first [`HostJobs::INLINE`] live in the provider record's first cache
/// line (unused places hold `u32::MAX`, which is never a slot), the next
/// [`Spill::HEAD`] in one boxed, line-aligned [`Spill`] (one miss away, where a boxed
/// `Vec` was two: its header, then its buffer), any more in the spill's `Vec`. 32 bytes.
#[derive(Debug, Clone)]
#[repr(C)]
pub struct HostJobs {
    inline: [u32; HostJobs::INLINE],
    spill: Option<Box<Spill>>,
}

/// The slots past the inline ones: [`Spill::HEAD`] places in the same cache line as
/// the `Vec` of the rest (used only when the head is full).
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub struct Spill {
    head: [u32; Spill::HEAD],
    rest: Vec<u32>,
}

/// An unused place.
const EMPTY: u32 = u32::MAX;

/// Places in use: those before the first `EMPTY`.
#[inline(always)]
fn used(places: &[u32]) -> usize {
    places
        .iter()
        .position(|&s| s == EMPTY)
        .unwrap_or(places.len())
}

impl Spill {
    /// Places in the spill's first cache line.
    pub const HEAD: usize = 10;

    fn new() -> Box<Spill> {
        Box::new(Spill {
            head: [EMPTY; Spill::HEAD],
            rest: Vec::new(),
        })
    }

    fn len(&self) -> usize {
        used(&self.head) + self.rest.len()
    }

    fn get(&self, j: usize) -> u32 {
        match j.checked_sub(Self::HEAD) {
            None => self.head[j],
            Some(r) => self.rest[r],
        }
    }

    fn set(&mut self, j: usize, slot: u32) {
        match j.checked_sub(Self::HEAD) {
            None => self.head[j] = slot,
            Some(r) => self.rest[r] = slot,
        }
    }

    fn push(&mut self, slot: u32) {
        let h = used(&self.head);
        if h < Self::HEAD {
            self.head[h] = slot;
        } else {
            self.rest.push(slot);
        }
    }

    /// Removes and returns the last slot, if any.
    fn pop(&mut self) -> Option<u32> {
        if let Some(last) = self.rest.pop() {
            return Some(last);
        }
        let h = used(&self.head);
        (h > 0).then(|| std::mem::replace(&mut self.head[h - 1], EMPTY))
    }
}

impl Default for HostJobs {
    fn default() -> Self {
        HostJobs {
            inline: [EMPTY; Self::INLINE],
            spill: None,
        }
    }
}

impl HostJobs {
    /// Slots kept inside the record.
    pub const INLINE: usize = 6;

    fn spill_len(&self) -> usize {
        self.spill.as_ref().map_or(0, |s| s.len())
    }

    /// Number of jobs. The spill holds slots only while the inline places are all used
    /// (a push fills them first; a removal takes the spill's last slot first), so a
    /// host with a free inline place never reads its spill.
    pub fn len(&self) -> usize {
        match used(&self.inline) {
            Self::INLINE => Self::INLINE + self.spill_len(),
            n => n,
        }
    }

    /// Asks for the spill's cache line when it may hold slots (a hint: see
    /// `base::prefetch`), so a release that will search it finds it in cache.
    #[inline(always)]
    pub fn prefetch_spill(&self) {
        if self.inline[Self::INLINE - 1] != EMPTY
            && let Some(spill) = &self.spill
        {
            crate::base::prefetch::prefetch(&**spill);
        }
    }

    /// Whether the host has no job.
    pub fn is_empty(&self) -> bool {
        self.inline[0] == EMPTY
    }

    /// The `k`-th slot (`k < len()`).
    pub fn get(&self, k: usize) -> u32 {
        match (k.checked_sub(Self::INLINE), &self.spill) {
            (None, _) => self.inline[k],
            (Some(j), Some(spill)) => spill.get(j),
            (Some(_), None) => EMPTY,
        }
    }

    /// Appends `slot`.
    #[inline(always)]
    pub fn push(&mut self, slot: u32) {
        debug_assert!(slot != EMPTY);
        let n = used(&self.inline);
        if n < Self::INLINE {
            self.inline[n] = slot;
        } else {
            self.spill.get_or_insert_with(Spill::new).push(slot);
        }
    }

    /// Removes `slot` if present, moving the last slot into its place (`Vec::swap_remove`).
    #[inline(always)]
    pub fn remove(&mut self, slot: u32) {
        let n = self.len();
        let Some(i) = (0..n).find(|&k| self.get(k) == slot) else {
            return;
        };
        let last = match self.spill.as_mut().and_then(|s| s.pop()) {
            Some(last) => last,
            None => std::mem::replace(&mut self.inline[n - 1], EMPTY),
        };
        if i < n - 1 {
            match (i.checked_sub(Self::INLINE), self.spill.as_mut()) {
                (None, _) => self.inline[i] = last,
                (Some(j), Some(spill)) => spill.set(j, last),
                (Some(_), None) => {}
            }
        }
    }

    /// Removes every slot (keeps the spill's storage).
    pub fn clear(&mut self) {
        self.inline = [EMPTY; Self::INLINE];
        if let Some(spill) = self.spill.as_mut() {
            spill.head = [EMPTY; Spill::HEAD];
            spill.rest.clear();
        }
    }

    /// The slots in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|k| self.get(k))
    }
}
