//! Aggregator clusters (io.net): a job that no single host can take is spread over
//! several hosts of one GPU model, at a throughput penalty set by their interconnect.
//! The job's `parts` name the hosts; when its lease ends or one host fails, the others
//! get their GPUs back (`World::release_hosts`).

use crate::data::records::RecordSink;
use crate::network::world::World;
use crate::parts::book::{Bid, OrderSpec};
use crate::parts::market::Match;

/// How many hosts, taken in order with `free` GPUs each, a job of `need` GPUs spans when
/// it may use at most `max_hosts`; None when they cannot hold it or when it would fit on
/// one host (then the market's own clearing applies).
pub fn hosts_spanned(
    free: impl IntoIterator<Item = u16>,
    need: u16,
    max_hosts: usize,
) -> Option<usize> {
    let mut got = 0u16;
    let mut hosts = 0;
    for f in free {
        if hosts == max_hosts || got == need {
            break;
        }
        got += f.min(need - got);
        hosts += 1;
    }
    (got >= need && hosts >= 2).then_some(hosts)
}

impl<S: RecordSink> World<'_, S> {
    /// An aggregator's offer for a job no single host can take (io.net): hosts of one
    /// accepted model with free GPUs, biggest first (fewest hosts), then cheapest, at most
    /// `max_hosts` of them, from a bounded number of the book's cheapest hosts. Writes the
    /// hosts into the job's `parts`; the price is the model's posted price (or, in other
    /// mechanisms, the highest ask among the hosts).
    pub(crate) fn cluster_offer(&mut self, slot: u32) -> Option<Match> {
        let spec = self.sc.market.clusters.as_ref()?;
        let job = self.jobs.get(slot);
        let need = job.gpus;
        if need <= 1 {
            return None;
        }
        let max_hosts = spec.max_hosts as usize;
        let caps = self.workloads[job.workload as usize].caps_for(job.model);
        for &(gpu, cap) in caps {
            let one = [(gpu, cap)];
            self.book.cheapest(
                OrderSpec::new(1, &one),
                4 * max_hosts,
                &mut self.cluster_bids,
            );
            let providers = &self.providers;
            self.cluster_bids.sort_by(|a, b| {
                let free = |x: &Bid| providers[x.provider as usize].free;
                free(b)
                    .cmp(&free(a))
                    .then(a.usd_per_gpu_hour.total_cmp(&b.usd_per_gpu_hour))
                    .then(a.provider.cmp(&b.provider))
            });
            let free = self
                .cluster_bids
                .iter()
                .map(|b| providers[b.provider as usize].free);
            let Some(hosts) = hosts_spanned(free, need, max_hosts) else {
                continue;
            };
            let mut left = need;
            let mut ask = 0.0f64;
            let job = self.jobs.get_mut(slot);
            job.parts.clear();
            for b in self.cluster_bids.iter().take(hosts) {
                let take = providers[b.provider as usize].free.min(left);
                job.parts.push((b.provider, take));
                left -= take;
                ask = ask.max(b.usd_per_gpu_hour);
            }
            let price = self.market.posted_price(gpu).unwrap_or(ask);
            let lead = self.cluster_bids[0];
            return Some(Match {
                bid: Bid {
                    usd_per_gpu_hour: price,
                    ..lead
                },
                usd_per_gpu_hour: price,
                start_usd: 0.0,
                start_delay: 0,
                bids: hosts as u32,
                expired: false,
            });
        }
        None
    }

    /// A lease of `slot` starts: a job spread over a cluster runs at the cluster's
    /// efficiency (slowest interconnect, mixed classes) of its speed on one host.
    pub(crate) fn apply_cluster_efficiency(&mut self, slot: u32) {
        let job = self.jobs.get_mut(slot);
        if let Some(spec) = &self.sc.market.clusters
            && !job.parts.is_empty()
        {
            let providers = &self.providers;
            let efficiency = spec.efficiency(
                job.parts
                    .iter()
                    .map(|&(p, _)| providers[p as usize].interconnect),
            );
            job.speed *= efficiency;
            self.ledger
                .cluster_lease_started(job.parts.len(), efficiency);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::hosts_spanned;

    #[test]
    fn a_job_spans_the_fewest_hosts_that_hold_it() {
        assert_eq!(hosts_spanned([8, 8, 4], 16, 8), Some(2));
        assert_eq!(hosts_spanned([8, 4, 4, 4], 16, 8), Some(3));
        // The last host gives only what is still needed.
        assert_eq!(hosts_spanned([8, 8, 8], 10, 8), Some(2));
    }

    #[test]
    fn no_cluster_past_max_hosts_or_when_capacity_is_short() {
        assert_eq!(hosts_spanned([4, 4, 4, 4], 16, 3), None);
        assert_eq!(hosts_spanned([4, 4], 16, 8), None);
        assert_eq!(hosts_spanned([], 2, 8), None);
    }

    #[test]
    fn one_host_that_holds_the_job_is_not_a_cluster() {
        assert_eq!(hosts_spanned([8, 8], 8, 8), None);
        assert_eq!(hosts_spanned([8, 8], 4, 8), None);
    }
}
