//! Multi-homing (`[[venues]] also_listed_on`): a share of a network's hosts are also
//! listed on another network (io.net aggregating Render's and other networks' GPUs is
//! the case in point; the other network's take rate is its fee on top). The host is
//! one machine: it serves one network's leases at a time, so while it has work on one
//! network it is withdrawn from the other, and when it fails at home the lease it
//! serves elsewhere is interrupted.
//!
//! The listing elsewhere (the twin) is a provider of that network's cohort of the same
//! GPU model, with the host's GPUs; it has no churn of its own (the home's failures and
//! repairs stand for the host's) and no fixed costs (capex and hosting are counted once,
//! at home; the twin pays only the power of its busy GPUs). Hosts are picked at the
//! start by a hash of their id; providers that join later are listed at home only, and
//! multi-homed hosts do not move between networks.

use crate::base::engine::Scheduler;
use crate::base::rng::splitmix64;
use crate::base::time::SimTime;
use crate::data::records::RecordSink;
use crate::network::world::{Event, World};
use crate::parts::provider::{Provider, ProviderId, ProviderState};

/// A host listed at home and on another network.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Link {
    /// Home venue and provider id there.
    pub home: (usize, ProviderId),
    /// The other venue and the twin's id there.
    pub twin: (usize, ProviderId),
    /// Whether each listing may show at all (a start fee over the requestors' cap
    /// unlists a provider for good).
    pub home_listed: bool,
    /// As `home_listed`, for the twin.
    pub twin_listed: bool,
}

/// Whether host `pid` of venue `home` is among the `fraction` also listed on venue
/// `other` (a hash of the three, so the choice is spread over cohorts and fixed).
pub(crate) fn picked(home: usize, other: usize, pid: ProviderId, fraction: f64) -> bool {
    let h = splitmix64(splitmix64((home as u64) << 32 | other as u64) ^ pid as u64);
    ((h >> 11) as f64) / ((1u64 << 53) as f64) < fraction
}

/// What a link's two listings should be now: (home listed, twin listed, evict the
/// twin's jobs, the twin leaves), from the home host's state and each side's jobs.
pub(crate) fn target(home: &Provider, twin: &Provider, link: &Link) -> (bool, bool, bool, bool) {
    match home.state {
        ProviderState::Leaving | ProviderState::Retired => (home.listed, false, false, true),
        ProviderState::Down => (home.listed, false, !twin.jobs.is_empty(), false),
        ProviderState::Up => (
            link.home_listed && twin.jobs.is_empty(),
            link.twin_listed && home.jobs.is_empty(),
            false,
            false,
        ),
    }
}

impl<S: RecordSink> World<'_, S> {
    /// Lists a host of another network here: a provider of cohort `ci` with `gpus`
    /// GPUs, no churn, no fixed costs; watched (its jobs decide the home listing).
    pub(crate) fn add_twin(&mut self, ci: usize, gpus: u16, now: SimTime) -> ProviderId {
        let pid = self.providers.len() as ProviderId;
        let mut p = self.sc.provider_joining(pid, ci, now);
        p.gpus = gpus;
        p.free = gpus;
        p.cost.capex_usd_per_gpu = 0.0;
        p.cost.capex_usd_per_gpu_hour = 0.0;
        p.cost.hosting_usd_per_gpu_hour = 0.0;
        p.cost.idle_power_fraction = 0.0;
        self.ledger.provider_joined(p.stake_gpus());
        self.ledger.counters.orders.providers_unlisted += self.market.list(&mut p) as u64;
        self.providers.push(p);
        self.book.insert(pid, &self.providers[pid as usize]);
        self.watch(pid);
        pid
    }

    /// Marks provider `pid` as multi-homed: changes to its jobs or state are noted.
    pub(crate) fn watch(&mut self, pid: ProviderId) {
        if self.watch.len() <= pid as usize {
            self.watch.resize(pid as usize + 1, false);
        }
        self.watch[pid as usize] = true;
    }

    /// Lists or withdraws provider `pid` at `now`; a listed host serves waiting orders.
    pub(crate) fn set_listed(
        &mut self,
        pid: ProviderId,
        listed: bool,
        now: SimTime,
        q: &mut Scheduler<Event>,
    ) {
        let p = &mut self.providers[pid as usize];
        if p.listed == listed {
            return;
        }
        p.advance(now);
        self.book.remove(pid, p);
        p.listed = listed;
        self.book.insert(pid, p);
        if listed {
            let gpu = p.gpu;
            self.drain_waiting(gpu, now, q);
        }
    }

    /// The host behind listing `pid` failed at its home network: every job here is
    /// interrupted (kept up to its last checkpoint and posted again), its GPUs free.
    pub(crate) fn evict(&mut self, pid: ProviderId, now: SimTime, q: &mut Scheduler<Event>) {
        let p = &mut self.providers[pid as usize];
        p.advance(now);
        self.book.remove(pid, p);
        p.listed = false;
        self.interrupt_all(pid, now, q);
        let p = &mut self.providers[pid as usize];
        p.free = p.gpus;
        p.leased = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picked_share_is_close_to_the_fraction_and_fixed() {
        let n = (0..10_000).filter(|&p| picked(2, 1, p, 0.3)).count();
        assert!((2_800..3_200).contains(&n), "{n}");
        assert_eq!(picked(2, 1, 17, 0.3), picked(2, 1, 17, 0.3));
        assert!(!(0..1_000).any(|p| picked(0, 1, p, 0.0)));
        assert!((0..1_000).all(|p| picked(0, 1, p, 1.0)));
    }
}
