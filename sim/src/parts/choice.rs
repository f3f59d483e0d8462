//! How a consumer chooses a venue for each job (`[choice]`): the venue with the lowest
//! expected total cost for the job's work, from what each venue quoted over the last
//! epochs.
//!
//! The rule, for a job of `gpus` GPUs and `size` reference-GPU-hours per GPU, at a venue
//! offering GPU models at (price, speed, failure rate):
//!
//! ```text
//! run_h      = size / speed                       hours on one of the offered GPUs
//! lost_h     = min(run_h, checkpoint_h) / 2 + restart_overhead_h    per interruption
//! billed_h   = run_h x (1 + failures_per_h x lost_h)   interruptions redo lost work
//! cost       = gpus x price x billed_h  (the venue's cheapest offer for this job)
//!            + gpus x wait_h x wait_cost x cloud price of the workload's cloud GPU
//! ```
//!
//! A venue whose expected wait exceeds the job's patience, that is sold out, or that is
//! not a cloud while the job needs an SLA (`cloud_only_fraction`), cannot take it. With
//! probability `loyalty` the job goes to its workload's home venue when the home can
//! take it; otherwise to the cheapest venue (the first listed on a tie).

use crate::input::check::{Check, Res};
use crate::input::raw::RawChoice;
use crate::input::spanned::Sp;

/// An optional number in [0, 1], `default` when absent.
pub(crate) fn unit_interval(c: &Check, v: &Option<Sp<f64>>, default: f64, what: &str) -> Res<f64> {
    match v {
        None => Ok(default),
        Some(v) => c.check(
            v,
            |x| (0.0..=1.0).contains(&x),
            &format!("{what} in [0, 1]"),
        ),
    }
}

/// Loyalty when `[choice] loyalty` is absent [fraction].
pub const DEFAULT_LOYALTY: f64 = 0.0;
/// Cost of an hour of expected wait when `wait_cost` is absent, as a fraction of the
/// job's hourly cloud price per GPU [fraction per hour].
pub const DEFAULT_WAIT_COST: f64 = 0.25;
/// Time lost per interruption besides lost work when `restart_overhead` is absent [h].
pub const DEFAULT_RESTART_OVERHEAD_H: f64 = 10.0 / 60.0;
/// Weight of the last epoch in a venue's quotes when `memory` is absent [fraction].
pub const DEFAULT_MEMORY: f64 = 0.5;

/// How consumers choose venues.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    /// Chance that a job goes home when home can take it [fraction].
    pub loyalty: f64,
    /// Each workload's home venue (an index into the world's venues).
    pub home: Vec<Option<u16>>,
    /// Cost of an hour of expected wait, as a fraction of the job's hourly cloud price
    /// per GPU [fraction per hour].
    pub wait_cost: f64,
    /// Time lost per interruption besides the work since the last checkpoint [h].
    pub restart_overhead_h: f64,
    /// Weight of the last epoch in a venue's quoted prices and waits [fraction].
    pub memory: f64,
    /// Discrete choice (`model = "logit"`); `None`: the cheapest venue (`"cheapest"`).
    pub logit: Option<crate::parts::logit::Logit>,
}

impl Choice {
    /// `[choice]` checked: `venue_index` resolves a venue name, `workloads` are the
    /// world's workload names.
    pub fn from_raw(
        c: &Check,
        raw: Option<&Sp<RawChoice>>,
        workloads: &[String],
        venue_index: impl Fn(&str) -> Option<u16>,
    ) -> Res<Choice> {
        let default = RawChoice::default();
        let r = raw.map_or(&default, |r| r.get());
        let mut home = vec![None; workloads.len()];
        if let Some(map) = &r.home {
            for (w, v) in map.get() {
                let Some(i) = workloads.iter().position(|n| n == w) else {
                    return Err(c.err(
                        map.span(),
                        format!("choice.home: no workload `{w}`; expected one of {workloads:?}"),
                    ));
                };
                home[i] = Some(venue_index(v.get()).ok_or_else(|| {
                    c.err(v.span(), format!("choice.home.{w}: no venue `{}`", v.get()))
                })?);
            }
        }
        let restart_overhead_h = match &r.restart_overhead {
            Some(d) => {
                crate::base::time::to_hours(c.duration(d, false, "choice.restart_overhead")?)
            }
            None => DEFAULT_RESTART_OVERHEAD_H,
        };
        let logit = crate::parts::logit::from_raw(c, r, &venue_index)?;
        Ok(Choice {
            logit,
            loyalty: unit_interval(c, &r.loyalty, DEFAULT_LOYALTY, "choice.loyalty")?,
            home,
            wait_cost: c.non_negative(&r.wait_cost, DEFAULT_WAIT_COST, "choice.wait_cost")?,
            restart_overhead_h,
            memory: unit_interval(c, &r.memory, DEFAULT_MEMORY, "choice.memory")?,
        })
    }

    /// The expected total cost of `job` at a venue quoting `q` [USD]; `None` when the
    /// venue cannot take it (closed, sold out, no offer, an SLA job at a network, or
    /// an expected wait beyond the job's patience).
    pub fn expected_cost(&self, job: &JobTerms, q: &Quote) -> Option<f64> {
        if !q.open || (job.sla && !q.cloud) || q.wait_h > job.patience_h {
            return None;
        }
        let gpus = job.gpus as f64;
        let run_cost = q
            .offers
            .iter()
            .map(|o| {
                let run_h = job.size_ref_h / o.speed;
                let lost_h = run_h.min(job.checkpoint_h) / 2.0 + self.restart_overhead_h;
                gpus * o.usd_per_gpu_hour * run_h * (1.0 + o.failures_per_hour * lost_h)
            })
            .filter(|c| c.is_finite())
            .min_by(f64::total_cmp)?;
        Some(run_cost + gpus * q.wait_h * self.wait_cost * job.cloud_usd_per_gpu_hour)
    }

    /// The venue a job of `kind` goes to: home with probability `loyalty` (`draws.0`
    /// uniform in [0, 1)) when home can take it, else by the model: the cheapest venue
    /// ([`Choice::choose`]) or, with logit, a venue drawn by `draws.1` from the logit
    /// probabilities ([`crate::parts::logit`]); `None` when no venue can take it.
    pub fn choose_by_model(
        &self,
        job: &JobTerms,
        kind: crate::data::throughput::JobKind,
        quotes: &[Quote],
        home: Option<u16>,
        draws: (f64, f64),
    ) -> Option<usize> {
        let Some(logit) = &self.logit else {
            return self.choose(job, quotes, home, draws.0);
        };
        if let Some(h) = self.loyal_home(job, quotes, home, draws.0) {
            return Some(h);
        }
        // On the stack for a world of up to 16 venues (every arrival draws one).
        const ON_STACK: usize = 16;
        let n = quotes.len();
        let (mut costs, mut p) = ([None; ON_STACK], [0.0; ON_STACK]);
        let (mut costs_heap, mut p_heap) = (Vec::new(), Vec::new());
        let (costs, p) = if n <= ON_STACK {
            (&mut costs[..n], &mut p[..n])
        } else {
            costs_heap.resize(n, None);
            p_heap.resize(n, 0.0);
            (&mut costs_heap[..], &mut p_heap[..])
        };
        for (c, q) in costs.iter_mut().zip(quotes) {
            *c = self.expected_cost(job, q);
        }
        crate::parts::logit::probabilities_into(
            costs,
            logit.coefficient(kind),
            &logit.venue_constant,
            p,
        );
        crate::parts::logit::draw(p, draws.1)
    }

    /// The home venue when the job stays loyal (`loyal_draw` uniform in [0, 1) below
    /// `loyalty`) and home can take it; `None` otherwise.
    fn loyal_home(
        &self,
        job: &JobTerms,
        quotes: &[Quote],
        home: Option<u16>,
        loyal_draw: f64,
    ) -> Option<usize> {
        let h = home? as usize;
        (loyal_draw < self.loyalty && self.expected_cost(job, &quotes[h]).is_some()).then_some(h)
    }

    /// The venue `job` goes to: home (with probability `loyalty`: `loyal_draw` uniform in
    /// [0, 1)) when home can take it, else the cheapest venue by [`Choice::expected_cost`]
    /// (the first on a tie); `None` when no venue can take it.
    pub fn choose(
        &self,
        job: &JobTerms,
        quotes: &[Quote],
        home: Option<u16>,
        loyal_draw: f64,
    ) -> Option<usize> {
        if let Some(h) = self.loyal_home(job, quotes, home, loyal_draw) {
            return Some(h);
        }
        let mut best: Option<(usize, f64)> = None;
        for (i, q) in quotes.iter().enumerate() {
            if let Some(c) = self.expected_cost(job, q)
                && best.is_none_or(|(_, b)| c < b)
            {
                best = Some((i, c));
            }
        }
        best.map(|(i, _)| i)
    }
}

/// One GPU model a venue offers a workload.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Offer {
    /// Expected price [USD per GPU-hour].
    pub usd_per_gpu_hour: f64,
    /// Speed on the workload's jobs relative to the reference GPU [ratio].
    pub speed: f64,
    /// Interruptions per hour a lease expects (host failures) [1/h].
    pub failures_per_hour: f64,
}

/// What a venue offers one workload's jobs, as consumers estimate it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Quote {
    /// Whether the venue takes jobs now (a bounded cloud that is full does not).
    pub open: bool,
    /// A cloud (with an SLA) rather than a network.
    pub cloud: bool,
    /// Expected wait before the first lease [h].
    pub wait_h: f64,
    /// The GPU models it offers the workload (within the consumer's cap).
    pub offers: Vec<Offer>,
}

/// What a consumer knows of one job when choosing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobTerms {
    /// Work per GPU on the reference GPU [h].
    pub size_ref_h: f64,
    /// GPUs.
    pub gpus: u16,
    /// Checkpoint interval [h]; infinite without checkpoints.
    pub checkpoint_h: f64,
    /// Longest wait the consumer accepts [h]; infinite for none.
    pub patience_h: f64,
    /// The cloud price of the workload's cloud GPU, what waiting is valued against
    /// [USD per GPU-hour].
    pub cloud_usd_per_gpu_hour: f64,
    /// Needs an SLA: clouds only.
    pub sla: bool,
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};

    use super::*;

    fn choice(loyalty: f64) -> Choice {
        Choice {
            loyalty,
            home: Vec::new(),
            wait_cost: 0.25,
            restart_overhead_h: 0.1,
            memory: 0.5,
            logit: None,
        }
    }

    fn job(size_ref_h: f64) -> JobTerms {
        JobTerms {
            size_ref_h,
            gpus: 2,
            checkpoint_h: f64::INFINITY,
            patience_h: f64::INFINITY,
            cloud_usd_per_gpu_hour: 4.0,
            sla: false,
        }
    }

    fn offer(price: f64, speed: f64, failures: f64) -> Offer {
        Offer {
            usd_per_gpu_hour: price,
            speed,
            failures_per_hour: failures,
        }
    }

    fn network(wait_h: f64, offers: Vec<Offer>) -> Quote {
        Quote {
            open: true,
            cloud: false,
            wait_h,
            offers,
        }
    }

    fn cloud(price: f64) -> Quote {
        Quote {
            open: true,
            cloud: true,
            wait_h: 0.0,
            offers: vec![offer(price, 1.0, 0.0)],
        }
    }

    #[test]
    fn the_cost_follows_the_documented_rule() {
        let ch = choice(0.0);
        // 10 h of work on a GPU twice as fast: 5 h; 0.02 failures/h, no checkpoints:
        // each loses 2.5 h + 0.1 h; billed 5 x (1 + 0.02 x 2.6) = 5.26 h on 2 GPUs at
        // 1.5; an hour of wait at 0.25 x 4.0 per GPU.
        let q = network(1.0, vec![offer(1.5, 2.0, 0.02)]);
        let cost = ch.expected_cost(&job(10.0), &q).unwrap();
        assert!((cost - (2.0 * 1.5 * 5.26 + 2.0 * 1.0 * 0.25 * 4.0)).abs() < 1e-9);
    }

    #[test]
    fn unreliable_cheap_venues_win_short_jobs_and_lose_long_ones() {
        let ch = choice(0.0);
        let quotes = [network(0.0, vec![offer(1.0, 1.0, 0.05)]), cloud(1.5)];
        // 1 h: billed 1 x (1 + 0.05 x 0.6) = 1.03 at 1.0 < 1.5.
        assert_eq!(ch.choose(&job(1.0), &quotes, None, 0.5), Some(0));
        // 100 h without checkpoints: 1 + 0.05 x 50.1 = 3.5 times the work: the cloud.
        assert_eq!(ch.choose(&job(100.0), &quotes, None, 0.5), Some(1));
        // Hourly checkpoints: 1 + 0.05 x 0.6 again; the network.
        let checkpointed = JobTerms {
            checkpoint_h: 1.0,
            ..job(100.0)
        };
        assert_eq!(ch.choose(&checkpointed, &quotes, None, 0.5), Some(0));
    }

    #[test]
    fn patience_sla_and_loyalty_restrict_the_choice() {
        let quotes = [network(3.0, vec![offer(0.5, 1.0, 0.0)]), cloud(2.0)];
        let impatient = JobTerms {
            patience_h: 2.0,
            ..job(1.0)
        };
        assert_eq!(choice(0.0).choose(&impatient, &quotes, None, 0.5), Some(1));
        let sla = JobTerms {
            sla: true,
            ..job(1.0)
        };
        assert_eq!(choice(0.0).choose(&sla, &quotes, None, 0.5), Some(1));
        // Loyal to the dearer cloud: home wins on a draw under the loyalty only.
        let prompt = [network(0.0, vec![offer(0.5, 1.0, 0.0)]), cloud(2.0)];
        assert_eq!(
            choice(0.3).choose(&job(1.0), &prompt, Some(1), 0.2),
            Some(1)
        );
        assert_eq!(
            choice(0.3).choose(&job(1.0), &prompt, Some(1), 0.4),
            Some(0)
        );
        // A home that cannot take the job is skipped.
        assert_eq!(
            choice(1.0).choose(&impatient, &quotes, Some(0), 0.0),
            Some(1)
        );
        // Nothing open: no venue.
        let closed = [Quote::default()];
        assert_eq!(choice(0.0).choose(&job(1.0), &closed, None, 0.5), None);
    }

    /// The brute-force oracle: every (venue, offer) pair priced from first principles,
    /// the cheapest pair's venue (the first on a tie) among the venues that can take it.
    fn oracle(ch: &Choice, job: &JobTerms, quotes: &[Quote]) -> Option<(usize, f64)> {
        let mut pairs = Vec::new();
        for (v, q) in quotes.iter().enumerate() {
            let can = q.open && (q.cloud || !job.sla) && q.wait_h <= job.patience_h;
            if !can {
                continue;
            }
            for o in &q.offers {
                let hours_on_gpu = job.size_ref_h / o.speed;
                let expected_interruptions = o.failures_per_hour * hours_on_gpu;
                let since_checkpoint = if job.checkpoint_h < hours_on_gpu {
                    job.checkpoint_h / 2.0
                } else {
                    hours_on_gpu / 2.0
                };
                let redo = expected_interruptions * (since_checkpoint + ch.restart_overhead_h);
                let compute = job.gpus as f64 * o.usd_per_gpu_hour * (hours_on_gpu + redo);
                let waiting =
                    job.gpus as f64 * q.wait_h * ch.wait_cost * job.cloud_usd_per_gpu_hour;
                pairs.push((v, compute + waiting));
            }
        }
        let mut best: Option<(usize, f64)> = None;
        for (v, c) in pairs {
            match best {
                Some((bv, bc)) if c > bc || (c == bc && v >= bv) => {}
                _ => best = Some((v, c)),
            }
        }
        best
    }

    #[test]
    fn choices_match_the_brute_force_oracle() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(16);
        let mut disagreements = 0;
        let mut picked = [0usize; 6];
        for _ in 0..20_000 {
            let ch = Choice {
                wait_cost: rng.random_range(0.0..1.0),
                restart_overhead_h: rng.random_range(0.0..1.0),
                ..choice(0.0)
            };
            let venues = rng.random_range(1..=6);
            let quotes: Vec<Quote> = (0..venues)
                .map(|_| Quote {
                    open: rng.random::<f64>() < 0.9,
                    cloud: rng.random::<f64>() < 0.4,
                    wait_h: if rng.random::<f64>() < 0.5 {
                        0.0
                    } else {
                        rng.random_range(0.0..24.0)
                    },
                    offers: (0..rng.random_range(0..4))
                        .map(|_| {
                            // Prices on a coarse grid so that ties happen.
                            offer(
                                rng.random_range(1..8) as f64 * 0.5,
                                rng.random_range(1..4) as f64 * 0.5,
                                if rng.random::<f64>() < 0.5 {
                                    0.0
                                } else {
                                    rng.random_range(0.0..0.1)
                                },
                            )
                        })
                        .collect(),
                })
                .collect();
            let terms = JobTerms {
                size_ref_h: rng.random_range(0.1..200.0),
                gpus: rng.random_range(1..9),
                checkpoint_h: if rng.random::<f64>() < 0.5 {
                    f64::INFINITY
                } else {
                    rng.random_range(0.1..10.0)
                },
                patience_h: if rng.random::<f64>() < 0.5 {
                    f64::INFINITY
                } else {
                    rng.random_range(0.0..12.0)
                },
                cloud_usd_per_gpu_hour: rng.random_range(0.5..10.0),
                sla: rng.random::<f64>() < 0.2,
            };
            let got = ch.choose(&terms, &quotes, None, 0.5);
            let want = oracle(&ch, &terms, &quotes);
            if got != want.map(|(v, _)| v) {
                // Only a near-tie of two venues may differ by rounding.
                let (v, c) = want.expect("the oracle found a venue");
                let other = got.and_then(|g| ch.expected_cost(&terms, &quotes[g]));
                assert!(
                    other.is_some_and(|o| (o - c).abs() <= 1e-9 * c.abs()),
                    "choice {got:?} vs oracle {v} ({c}) for {terms:?} {quotes:?}"
                );
                disagreements += 1;
            }
            if let Some(g) = got {
                picked[g] += 1;
            }
        }
        assert!(
            disagreements < 20,
            "{disagreements} near-ties resolved differently"
        );
        // Every position wins sometimes: the oracle is not trivially agreeing.
        assert!(picked.iter().all(|&n| n > 100), "{picked:?}");
    }
}
