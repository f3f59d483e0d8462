//! Entry and exit: supply responds to returns (cohorts with `entry_exit`). At each
//! epoch's close every provider's operating margin is recorded; providers that lost
//! money for `exit_after_epochs` epochs in a row leave (at once when idle, else when
//! their last job ends), and new ones join while the cohort's last-epoch return on
//! capex, annualized, beats the hurdle.

use crate::base::engine::Scheduler;
use crate::base::time::{SimTime, to_hours};
use crate::data::records::RecordSink;
use crate::network::world::{Event, World};
use crate::parts::cohort::{Cohort, EntryExit};
use crate::parts::provider::{Provider, ProviderId};
use crate::parts::token::emission::HOURS_PER_YEAR;

/// Records each provider's operating margin over the epoch `[epoch_start, now]` [µs]
/// (income - power - hosting; capex is sunk) and its run of losing epochs. Providers
/// retired before the epoch are left alone. Call before the epoch's totals are reset.
pub fn record_epoch_margins(providers: &mut [Provider], epoch_start: SimTime, now: SimTime) {
    let epoch_h = to_hours(now - epoch_start);
    for p in providers
        .iter_mut()
        .filter(|p| !p.is_retired() || p.retired_at > epoch_start)
    {
        let present_h = epoch_h.min(to_hours(now.min(p.retired_at) - p.joined_at));
        let margin = p.epoch.revenue_usd + (p.tokens.sales_usd - p.sales_usd_at_epoch_start)
            - p.power_cost_usd(&p.epoch)
            - p.cost.hosting_usd_per_gpu_hour * p.gpus as f64 * present_h;
        p.last_epoch_margin_usd = margin;
        p.sales_usd_at_epoch_start = p.tokens.sales_usd;
        p.losing_epochs = if margin < 0.0 { p.losing_epochs + 1 } else { 0 };
    }
}

/// How many providers join a cohort whose `active` staying providers made `margin`
/// [USD] together over an epoch of `epoch_h` [h]: while the return on capex, annualized,
/// beats the hurdle, a fraction of the active ones (at least one), up to `max_count`.
pub fn joiners(rule: &EntryExit, cohort: &Cohort, active: u32, margin: f64, epoch_h: f64) -> u32 {
    if active == 0 {
        return 0;
    }
    let capex = cohort.capex_usd_per_gpu * cohort.gpus_per_provider as f64;
    let annual_return = margin / active as f64 / capex * (HOURS_PER_YEAR / epoch_h);
    if annual_return > rule.hurdle_annual_return && active < rule.max_count {
        ((rule.entry_per_epoch * active as f64).ceil() as u32)
            .max(1)
            .min(rule.max_count - active)
    } else {
        0
    }
}

impl<S: RecordSink> World<'_, S> {
    /// Entry and exit at an epoch's close `now`, cohort by cohort.
    pub(crate) fn entry_and_exit(&mut self, now: SimTime, q: &mut Scheduler<Event>) {
        let sc = self.sc;
        let epoch_h = to_hours(sc.epoch);
        for (ci, cohort) in sc.cohorts.iter().enumerate() {
            let Some(rule) = &cohort.entry_exit else {
                continue;
            };
            let (mut active, mut margin) = (0u32, 0.0);
            for pid in 0..self.providers.len() {
                let p = &self.providers[pid];
                if p.cohort as usize != ci || !p.is_staying() {
                    continue;
                }
                if p.losing_epochs >= rule.exit_after_epochs {
                    self.start_leaving(pid as ProviderId, now);
                } else {
                    active += 1;
                    margin += p.last_epoch_margin_usd;
                }
            }
            for _ in 0..joiners(rule, cohort, active, margin, epoch_h) {
                self.add_provider(ci, now, q);
            }
        }
    }

    /// A new provider of cohort `ci` joins at `now`, with its own streams (seeded by its
    /// global index).
    pub(crate) fn add_provider(&mut self, ci: usize, now: SimTime, q: &mut Scheduler<Event>) {
        let pid = self.providers.len() as ProviderId;
        let mut p = self.sc.provider_joining(pid, ci, now);
        if let Some(t) = p.time_to_failure(&self.sc.cohorts[ci]) {
            q.after(t, Event::ProviderDown(pid));
        }
        self.ledger.provider_joined(p.stake_gpus());
        self.ledger.counters.orders.providers_unlisted += self.market.list(&mut p) as u64;
        self.providers.push(p);
        self.book.insert(pid, &self.providers[pid as usize]);
        let gpu = self.providers[pid as usize].gpu;
        self.drain_waiting(gpu, now, q);
    }

    /// Provider `pid` decides to leave: retires now if idle, else takes no new work and
    /// retires when its last job ends.
    pub(crate) fn start_leaving(&mut self, pid: ProviderId, now: SimTime) {
        let p = &mut self.providers[pid as usize];
        if p.jobs.is_empty() {
            self.retire(pid, now);
        } else {
            self.book.remove(pid, p);
            p.start_leaving();
            self.touch(pid);
        }
    }

    /// Provider `pid` leaves the market for good; its stake is returned.
    pub(crate) fn retire(&mut self, pid: ProviderId, now: SimTime) {
        let p = &mut self.providers[pid as usize];
        p.advance(now);
        self.book.remove(pid, p);
        p.retire(now);
        let stake_gpus = p.stake_gpus();
        self.ledger.provider_left(stake_gpus);
        self.touch(pid);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;

    use crate::run::testing::Tiny;

    fn scenario() -> Scenario {
        // Ten hosts of 10,000 USD a GPU, 0.1 USD an hour of hosting, entry above a 30 %
        // hurdle up to 12, exit after two losing days.
        Tiny::new()
            .duration("30d")
            .hosts(
                "hosts",
                10,
                1,
                "capex_usd_per_gpu = 10_000.0\nhosting_usd_per_gpu_hour = 0.1\n\
                 entry_exit = { hurdle_annual_return = 0.30, entry_per_epoch = 0.5, max_count = 12, exit_after = \"2d\" }",
            )
            .arriving("jobs", 1.0, "1h", "")
            .scenario()
    }

    #[test]
    fn a_cohort_beating_its_hurdle_grows_up_to_its_max_count() {
        let sc = scenario();
        let (cohort, rule) = (&sc.cohorts[0], sc.cohorts[0].entry_exit.as_ref().unwrap());
        // 20 USD a day on 10,000 USD of capex: 73 % a year, over the 30 % hurdle; half of
        // 10 would join, but the cohort may only reach 12.
        assert_eq!(joiners(rule, cohort, 10, 200.0, 24.0), 2);
        assert_eq!(joiners(rule, cohort, 2, 40.0, 24.0), 1);
        assert_eq!(joiners(rule, cohort, 12, 240.0, 24.0), 0);
    }

    #[test]
    fn a_cohort_below_its_hurdle_or_empty_gets_no_one() {
        let sc = scenario();
        let (cohort, rule) = (&sc.cohorts[0], sc.cohorts[0].entry_exit.as_ref().unwrap());
        // 5 USD a day: 18 % a year.
        assert_eq!(joiners(rule, cohort, 10, 50.0, 24.0), 0);
        assert_eq!(joiners(rule, cohort, 0, 0.0, 24.0), 0);
    }

    #[test]
    fn losing_epochs_count_up_and_reset_on_a_profit() {
        let sc = scenario();
        assert_eq!(
            sc.cohorts[0].entry_exit.as_ref().unwrap().exit_after_epochs,
            2
        );
        let mut ps = vec![sc.provider_joining(0, 0, 0)];
        let day = crate::base::time::DAY;
        // No income, 24 h of hosting at 0.1 USD.
        record_epoch_margins(&mut ps, 0, day);
        assert!((ps[0].last_epoch_margin_usd + 2.4).abs() < 1e-9);
        record_epoch_margins(&mut ps, day, 2 * day);
        assert_eq!(ps[0].losing_epochs, 2);
        ps[0].epoch.revenue_usd = 10.0;
        record_epoch_margins(&mut ps, 2 * day, 3 * day);
        assert!((ps[0].last_epoch_margin_usd - 7.6).abs() < 1e-9);
        assert_eq!(ps[0].losing_epochs, 0);
    }

    #[test]
    fn a_provider_retired_before_the_epoch_is_left_alone() {
        let sc = scenario();
        let mut ps = vec![sc.provider_joining(0, 0, 0)];
        ps[0].retire(crate::base::time::DAY / 2);
        record_epoch_margins(&mut ps, 0, crate::base::time::DAY);
        // Present half the epoch: 12 h of hosting.
        assert!((ps[0].last_epoch_margin_usd + 1.2).abs() < 1e-9);
        record_epoch_margins(&mut ps, crate::base::time::DAY, 2 * crate::base::time::DAY);
        assert_eq!(ps[0].losing_epochs, 1);
    }
}
