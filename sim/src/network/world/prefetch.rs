//! Prefetching for networks that outgrow the caches: while one event is handled, the
//! records the next one will touch (its job's, its host's) are asked for, so a network
//! of a million GPUs does not wait on a cache miss for each at the start of each event.
//! Hints only (`base::prefetch`): outputs never depend on them.

use super::{Event, World};
use crate::base::prefetch::prefetch_head;
use crate::data::records::RecordSink;
use crate::parts::job::Job;
use crate::parts::provider::Provider;

/// Records (providers' and jobs') above which the engine prefetches the next event's:
/// about what a core's L2 cache holds; below it, looking ahead costs more than it saves
/// (measured: 10 % slower at `--scale 3` without this bound, 25 % faster at `--scale
/// 527`) [bytes].
const PREFETCH_ABOVE_BYTES: usize = 2 << 20;

/// The provider record's hot head: the line every event reads and the two of totals
/// (see [`Provider`]) [bytes].
const HOT_PROVIDER_BYTES: usize = 192;

impl<S: RecordSink> World<'_, S> {
    /// Bytes of the records events touch at random: the providers' and the job slab's.
    fn hot_bytes(&self) -> usize {
        self.providers.len() * size_of::<Provider>() + self.jobs.slots() * size_of::<Job>()
    }

    /// Decides whether the engine should prefetch (at the start and each epoch's end).
    pub(super) fn update_prefetching(&mut self) {
        self.prefetching = self.hot_bytes() > PREFETCH_ABOVE_BYTES;
    }

    /// Asks for the records `next` will touch: its job's and its host's (the host is
    /// carried by lease events for this), or the host going down or up.
    #[inline(always)]
    pub(super) fn prefetch_event(&self, next: &Event) {
        let host = |p: u32| {
            if let Some(p) = self.providers.get(p as usize) {
                prefetch_head(p, HOT_PROVIDER_BYTES);
            }
        };
        match *next {
            Event::LeaseStart { job, provider, .. } | Event::JobFinish { job, provider, .. } => {
                self.jobs.prefetch(job);
                host(provider);
            }
            Event::PatienceExpired { job, .. } | Event::Repost { job, .. } => {
                self.jobs.prefetch(job)
            }
            Event::ProviderDown(p) | Event::ProviderUp(p) => host(p),
            Event::Arrival(_) | Event::EpochEnd => {}
        }
    }
}
