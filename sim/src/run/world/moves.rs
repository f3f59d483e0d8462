//! Providers moving between networks (see [`crate::parts::mobility`]) and hosts listed on
//! two networks at once (see [`crate::network::listing`]).

use rand::RngExt;

use super::slots::{Slot, link_state, sim_of};
use super::state::WorldRun;
use crate::base::time::SimTime;
use crate::data::catalog::GpuId;
use crate::data::records::RecordSink;
use crate::network::listing::{Link, picked, target};
use crate::parts::provider::{ProviderId, ProviderState};

impl<'a, S: RecordSink> WorldRun<'a, S> {
    /// Providers whose GPU model earns more on another network move there (see
    /// [`crate::parts::mobility`]).
    pub(super) fn move_providers(&mut self, slots: &mut [Slot<'a, S>], now: SimTime) {
        let mobility = &self.world.mobility;
        let returns: Vec<Option<&Vec<Option<f64>>>> = slots
            .iter()
            .map(|s| match s {
                Slot::Network(n) => Some(&n.returns),
                Slot::Cloud(_) => None,
            })
            .collect();
        // Decide every move first, on this epoch's returns.
        let mut moves: Vec<(usize, u32, usize)> = Vec::new();
        for (v, s) in slots.iter().enumerate() {
            let Slot::Network(n) = s else { continue };
            let providers = n.sim.model.providers();
            let staying = providers
                .iter()
                .filter(|p| p.is_staying() && !p.expelled)
                .count();
            let cap = (mobility.max_share_per_epoch * staying as f64).floor() as usize;
            let mut moving = 0;
            for (pid, p) in providers.iter().enumerate() {
                if moving >= cap {
                    break;
                }
                if !p.is_staying() || p.expelled || n.sim.model.watch.get(pid).is_some_and(|&w| w) {
                    continue;
                }
                let by_venue: Vec<Option<f64>> = returns
                    .iter()
                    .map(|r| r.and_then(|r| r[p.gpu as usize]))
                    .collect();
                let Some(to) = mobility.destination(&by_venue, v) else {
                    continue;
                };
                if self.mobility_rng.random::<f64>() < mobility.inertia {
                    continue;
                }
                moves.push((v, pid as u32, to));
                moving += 1;
            }
        }
        for (from, pid, to) in moves {
            let Slot::Network(n) = &mut slots[from] else {
                unreachable!()
            };
            let gpu = n.sim.model.providers()[pid as usize].gpu;
            n.sim.act(now, |w, _| w.start_leaving(pid, now));
            n.movers_out.push(pid);
            n.epoch_out += 1;
            n.next = n.sim.next_time();
            let Slot::Network(m) = &mut slots[to] else {
                unreachable!()
            };
            let ci = m.cohort_of[gpu as usize].expect("a destination has a cohort of the model");
            m.sim.act(now, |w, q| w.add_provider(ci, now, q));
            m.moved_in += 1;
            m.epoch_in += 1;
            m.next = m.sim.next_time();
        }
        self.follow_links(slots, now);
    }

    /// Lists a share of each network's starting hosts on the networks its
    /// `also_listed_on` names (see [`crate::network::listing`]).
    pub(super) fn link_hosts(&mut self, slots: &mut [Slot<'a, S>]) {
        for (a, venue) in self.world.venues.iter().enumerate() {
            for listing in &venue.also_listed_on {
                let (b, fraction) = (listing.venue, listing.fraction);
                let Slot::Network(home) = &slots[a] else {
                    continue;
                };
                let hosts: Vec<(ProviderId, u16, GpuId, bool)> = home
                    .sim
                    .model
                    .providers()
                    .iter()
                    .enumerate()
                    .filter(|&(pid, p)| {
                        listing.cohort.is_none_or(|c| c == p.cohort)
                            && picked(a, b, pid as ProviderId, fraction)
                    })
                    .map(|(pid, p)| (pid as ProviderId, p.gpus, p.gpu, p.listed))
                    .collect();
                for (pid, gpus, gpu, home_listed) in hosts {
                    let Slot::Network(other) = &mut slots[b] else {
                        continue;
                    };
                    let Some(ci) = other.cohort_of[gpu as usize] else {
                        continue;
                    };
                    let twin = other.sim.act(0, |w, _| w.add_twin(ci, gpus, 0));
                    let twin_listed = other.sim.model.providers()[twin as usize].listed;
                    other.twins += 1;
                    let Slot::Network(home) = &mut slots[a] else {
                        continue;
                    };
                    home.sim.act(0, |w, _| w.watch(pid));
                    let index = self.links.len() as u32;
                    self.links.push(Link {
                        home: (a, pid),
                        twin: (b, twin),
                        home_listed,
                        twin_listed,
                    });
                    for (v, p) in [(a, pid), (b, twin)] {
                        let of = &mut self.link_of[v];
                        if of.len() <= p as usize {
                            of.resize(p as usize + 1, Vec::new());
                        }
                        of[p as usize].push(index);
                    }
                }
            }
        }
    }

    /// Brings every multi-homed host's two listings in line with its jobs and state
    /// after something changed. Withdrawals (which never place work) are made for every
    /// changed host before any action that may place work (an eviction's jobs posted
    /// again, a listing), and after each such action, so a host never holds work on
    /// both networks.
    pub(super) fn follow_links(&mut self, slots: &mut [Slot<'a, S>], now: SimTime) {
        let mut dirty: Vec<u32> = Vec::new();
        loop {
            for (v, s) in slots.iter_mut().enumerate() {
                if let Slot::Network(n) = s {
                    for pid in n.sim.model.touched.drain(..) {
                        if let Some(links) = self.link_of[v].get(pid as usize) {
                            dirty.extend(links);
                        }
                    }
                }
            }
            dirty.sort_unstable();
            dirty.dedup();
            if dirty.is_empty() {
                return;
            }
            for &l in &dirty {
                let link = self.links[l as usize];
                let (home, twin) = link_state(slots, &link);
                let (home_listed, twin_listed, _, _) = target(&home, &twin, &link);
                if !twin_listed && twin.listed {
                    sim_of(slots, link.twin.0)
                        .act(now, |w, q| w.set_listed(link.twin.1, false, now, q));
                }
                if !home_listed && home.listed && home.state == ProviderState::Up {
                    sim_of(slots, link.home.0)
                        .act(now, |w, q| w.set_listed(link.home.1, false, now, q));
                }
            }
            // One action that may place work, then withdrawals again.
            while let Some(&l) = dirty.first() {
                let link = self.links[l as usize];
                let ((hv, hp), (tv, tp)) = (link.home, link.twin);
                let (home, twin) = link_state(slots, &link);
                assert!(
                    home.jobs.is_empty() || twin.jobs.is_empty(),
                    "a multi-homed host serves one network at a time"
                );
                let (home_listed, twin_listed, evict, leave) = target(&home, &twin, &link);
                let acted = if evict {
                    sim_of(slots, tv).act(now, |w, q| w.evict(tp, now, q));
                    true
                } else if leave && twin.is_staying() {
                    sim_of(slots, tv).act(now, |w, _| w.start_leaving(tp, now));
                    true
                } else if twin_listed && !twin.listed {
                    sim_of(slots, tv).act(now, |w, q| w.set_listed(tp, true, now, q));
                    true
                } else if home_listed && !home.listed && home.state == ProviderState::Up {
                    sim_of(slots, hv).act(now, |w, q| w.set_listed(hp, true, now, q));
                    true
                } else {
                    false
                };
                if acted {
                    break;
                }
                dirty.remove(0);
            }
            for s in slots.iter_mut() {
                if let Slot::Network(n) = s {
                    n.next = n.sim.next_time();
                }
            }
        }
    }
}
