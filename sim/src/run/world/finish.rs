//! The world's summary at the end: each venue's entry (built beside `VenueSummary`) and
//! the world's figures, assembled by the code that assembles a network's
//! (`Summary::assemble`) from the networks' and clouds' counters added up.

use std::time::Instant;

use super::demand::Demand;
use super::slots::{Cloud, Network, Slot};
use super::state::WorldRun;
use crate::base::time::from_secs;
use crate::data::records::RecordSink;
use crate::network::ledger::{Counters, WorkloadCounters};
use crate::parts::cloud::CloudVenue;
use crate::parts::provider::Provider;
use crate::run::network::{summarize, workload_figures};
use crate::run::summary::assemble::SummaryInputs;
use crate::run::summary::{
    CloudTally, NetworkFlows, ProviderTotals, Summary, TokenSections, VenueSummary, WorkloadVenues,
};
use crate::scenario::VenueKind;

/// The world's figures added up over its venues, in venue order.
pub(super) struct Totals {
    pub(super) counters: Counters,
    pub(super) by_workload: Vec<WorkloadCounters>,
    pub(super) providers: Vec<Provider>,
    pub(super) totals: ProviderTotals,
    pub(super) in_flight: u64,
    pub(super) events: u64,
    pub(super) tokens: Vec<TokenSections>,
    /// What each venue served of each workload: `served[workload][venue]` = (GPU-time
    /// [GPU-h], spend [USD]); a network's jobs that fell back to a cloud are not in it.
    pub(super) served: Vec<Vec<(f64, f64)>>,
}

impl<'a, S: RecordSink> WorldRun<'a, S> {
    /// The world's summary: the networks' and clouds' figures added up, and each venue's.
    pub(super) fn finish(
        &mut self,
        slots: &mut [Slot<'a, S>],
        demand: &Demand,
        started: Instant,
    ) -> Summary {
        let sc = self.sc;
        let routed: Vec<u64> = (0..slots.len())
            .map(|v| self.routed_by_workload.iter().map(|w| w[v]).sum())
            .collect();
        let total_jobs: u64 = routed.iter().sum();
        let mut sum = Totals {
            counters: Counters::default(),
            by_workload: vec![WorkloadCounters::default(); sc.workloads.len()],
            providers: Vec::new(),
            totals: ProviderTotals::default(),
            in_flight: 0,
            events: demand.arrivals,
            tokens: Vec::new(),
            served: vec![vec![(0.0, 0.0); slots.len()]; sc.workloads.len()],
        };
        let wall_s = started.elapsed().as_secs_f64();
        // The cloud venues every network's savings are measured against.
        let world = self.world;
        let clouds: Vec<(&str, &CloudVenue)> = world
            .venues
            .iter()
            .filter_map(|o| match &o.kind {
                VenueKind::Cloud(k) => Some((o.name.as_str(), k)),
                VenueKind::Network(_) => None,
            })
            .collect();
        let mut venues = Vec::new();
        for (v, s) in slots.iter_mut().enumerate() {
            let who = (self.world.venues[v].name.as_str(), routed[v], total_jobs);
            venues.push(match s {
                Slot::Network(n) => self.network_entry((who, v), n, &clouds, &mut sum, wall_s),
                Slot::Cloud(c) => self.cloud_entry(who, v, c, &mut sum),
            });
        }
        // Paybacks are per network (each venue's providers' rows have theirs).
        sum.totals.median_payback_months = f64::NAN;
        let networks: Vec<&TokenSections> = sum.tokens.iter().collect();
        let mut summary = Summary::assemble(SummaryInputs {
            sc,
            mechanism: "world",
            counters: &sum.counters,
            by_workload: &sum.by_workload,
            providers: &sum.providers,
            totals: &sum.totals,
            in_flight: sum.in_flight,
            tokens: TokenSections::of_world(&networks),
            workloads: workload_figures(sc, &sum.by_workload),
            events: sum.events,
            wall_s,
        });
        summary.venues = venues;
        summary.workload_venues = self.workload_venues(&sum);
        summary
    }

    /// A network venue's entry (savings against each of `clouds`); its counters,
    /// providers and figures added to `sum`.
    pub(super) fn network_entry(
        &self,
        (who, v): ((&str, u64, u64), usize),
        n: &mut Network<'a, S>,
        clouds: &[(&str, &CloudVenue)],
        sum: &mut Totals,
        wall_s: f64,
    ) -> VenueSummary {
        let venue_events = n.sim.events();
        sum.events += venue_events;
        let world = &mut n.sim.model;
        let vs = summarize(n.sc, world, venue_events, wall_s);
        sum.counters.absorb(&world.ledger().counters);
        for ((a, b), served) in sum
            .by_workload
            .iter_mut()
            .zip(&world.ledger().by_workload)
            .zip(&mut sum.served)
        {
            a.absorb(b);
            served[v] = (b.gpu_hours, b.spend_usd);
        }
        sum.in_flight += vs.jobs.jobs_in_flight;
        sum.totals.gpus += vs.run.gpus;
        sum.totals.online_us += from_secs(vs.capacity.gpu_hours_online * 3600.0);
        sum.totals.sold_us += from_secs(vs.capacity.gpu_hours_sold * 3600.0);
        sum.totals.profit_usd += vs.money.provider_profit_usd;
        sum.tokens.push(vs.token_sections());
        sum.providers.extend(world.providers().iter().cloned());
        let flows = NetworkFlows {
            providers_start: n.providers_start,
            providers_end: world.providers().iter().filter(|p| p.is_staying()).count() as u64,
            moved_in: n.moved_in,
            moved_out: n.movers_out.len() as u64,
            movers_retired: n
                .movers_out
                .iter()
                .filter(|&&p| world.providers()[p as usize].is_retired())
                .count() as u64,
            twins: n.twins,
            return_sum: n.return_sum,
        };
        let violations = vs.invariant_violations();
        VenueSummary::of_network(
            who,
            vs.network_sections(),
            violations,
            flows,
            clouds,
            self.sc.duration,
        )
    }

    /// A cloud venue's entry (venue `v`); its jobs and spend added to `counters` (a cloud
    /// venue's jobs are paid when they start: they count as gone to the cloud).
    pub(super) fn cloud_entry(
        &self,
        who: (&str, u64, u64),
        v: usize,
        c: &mut Cloud<'a>,
        sum: &mut Totals,
    ) -> VenueSummary {
        let running = c.state.close(self.sc.duration);
        for (served, &by) in sum.served.iter_mut().zip(&c.state.by_workload) {
            served[v] = by;
        }
        let counters = &mut sum.counters;
        counters.jobs.submitted += c.state.jobs;
        counters.jobs.to_cloud += c.state.jobs;
        counters.jobs.interrupted += c.state.interrupted;
        counters.money.cloud_spend_usd += c.state.spend_usd;
        let savings_pct_vs = self
            .world
            .venues
            .iter()
            .enumerate()
            .filter(|&(d, other)| d != v && matches!(other.kind, VenueKind::Cloud(_)))
            .map(|(d, other)| {
                let ratio = c.state.priced_spend_usd[d] / c.state.equivalent_usd[d];
                (other.name.clone(), 100.0 * (1.0 - ratio))
            })
            .collect();
        let tally = CloudTally {
            completed: c.state.completed,
            failed: c.state.failed,
            running,
            gpu_hours: c.state.gpu_hours,
            spend_usd: c.state.spend_usd,
            savings_pct_vs,
        };
        VenueSummary::of_cloud(who, c.spec, tally)
    }
}

impl<S> WorldRun<'_, S> {
    /// Where each workload's jobs went, from the world's totals `sum`: by the venue
    /// chosen, and net of fallbacks by the jobs started, GPU-time and spend.
    pub(super) fn workload_venues(&self, sum: &Totals) -> Vec<WorkloadVenues> {
        let is_network: Vec<bool> = self
            .world
            .venues
            .iter()
            .map(|v| matches!(v.kind, VenueKind::Network(_)))
            .collect();
        let names = || self.world.venues.iter().map(|v| v.name.clone());
        self.sc
            .workloads
            .iter()
            .zip(&self.routed_by_workload)
            .zip(sum.by_workload.iter().zip(&sum.served))
            .map(|((wl, by_venue), (on_networks, served))| {
                let jobs: u64 = by_venue.iter().sum();
                let to_networks: u64 = by_venue
                    .iter()
                    .zip(&is_network)
                    .filter(|(_, n)| **n)
                    .map(|(n, _)| n)
                    .sum();
                let fallback = (
                    on_networks.cloud_fallback_gpu_hours,
                    on_networks.cloud_fallback_usd,
                );
                let share = |part: fn(&(f64, f64)) -> f64| {
                    let all: f64 = served.iter().map(part).sum::<f64>() + part(&fallback);
                    let networks: f64 = served
                        .iter()
                        .zip(&is_network)
                        .filter(|(_, n)| **n)
                        .map(|(s, _)| part(s))
                        .sum();
                    networks / all
                };
                WorkloadVenues {
                    workload: wl.name.clone(),
                    jobs,
                    network_share: to_networks as f64 / jobs as f64,
                    cloud_share: (jobs - to_networks) as f64 / jobs as f64,
                    network_share_started: on_networks.started as f64 / jobs as f64,
                    network_gpu_hour_share: share(|s| s.0),
                    network_spend_share: share(|s| s.1),
                    cloud_fallback_gpu_hours: fallback.0,
                    cloud_fallback_usd: fallback.1,
                    jobs_by_venue: names().zip(by_venue.iter().copied()).collect(),
                    gpu_hours_by_venue: names().zip(served.iter().map(|s| s.0)).collect(),
                    spend_usd_by_venue: names().zip(served.iter().map(|s| s.1)).collect(),
                }
            })
            .collect()
    }
}
