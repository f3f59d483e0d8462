//! How providers move between a world's networks (`[mobility]`). At each epoch's close
//! every network's return per GPU-hour is measured by GPU model (USD income + token
//! rewards at the token's price - power - hosting - the stake's cost of capital at
//! `stake_cost_annual`, over the GPUs present) and smoothed
//! over the epochs (`memory`: the last epoch's weight), so that one epoch's noise does
//! not send providers back and forth; a provider
//! whose GPU model earns more elsewhere moves when the gain repays the switching cost
//! within `payback`, unless inertia keeps it this epoch, and at most
//! `max_share_per_epoch` of a network's providers leave it at one close. A mover takes
//! no new work where it was, leaves when its last job ends, and joins its new network
//! at once as one of that network's cohort of its GPU model (its costs, ask rule and
//! reliability are that cohort's).

use crate::input::check::{Check, Res};
use crate::input::raw::RawMobility;
use crate::input::spanned::Sp;
use crate::parts::choice::unit_interval;

/// Switching cost when absent [USD per GPU].
pub const DEFAULT_SWITCHING_COST_USD_PER_GPU: f64 = 150.0;
/// Payback when absent [h].
pub const DEFAULT_PAYBACK_H: f64 = 30.0 * 24.0;
/// Inertia when absent [fraction].
pub const DEFAULT_INERTIA: f64 = 0.8;
/// Most of a network's providers leaving at one close when absent [fraction].
pub const DEFAULT_MAX_SHARE_PER_EPOCH: f64 = 0.05;
/// Weight of the last epoch in a network's smoothed return when absent [fraction].
pub const DEFAULT_MEMORY: f64 = 0.2;
/// Yearly cost of capital of staked tokens when absent [fraction per year].
pub const DEFAULT_STAKE_COST_ANNUAL: f64 = 0.10;

/// How providers move between networks.
#[derive(Debug, Clone, PartialEq)]
pub struct Mobility {
    /// What moving costs [USD per GPU].
    pub switching_cost_usd_per_gpu: f64,
    /// Time within which the gain must repay the switching cost [h].
    pub payback_h: f64,
    /// Chance that a provider for whom moving pays stays put this epoch [fraction].
    pub inertia: f64,
    /// Most of a network's providers that may leave it at one close [fraction].
    pub max_share_per_epoch: f64,
    /// Weight of the last epoch in a network's smoothed return [fraction].
    pub memory: f64,
    /// What holding a stake costs a year, as a fraction of its value (the return the
    /// tokens would earn elsewhere) [fraction per year].
    pub stake_cost_annual: f64,
}

impl Mobility {
    /// `[mobility]` checked.
    pub fn from_raw(c: &Check, raw: Option<&Sp<RawMobility>>) -> Res<Mobility> {
        let default = RawMobility::default();
        let r = raw.map_or(&default, |r| r.get());
        let payback_h = match &r.payback {
            Some(d) => crate::base::time::to_hours(c.duration(d, false, "mobility.payback")?),
            None => DEFAULT_PAYBACK_H,
        };
        Ok(Mobility {
            switching_cost_usd_per_gpu: c.non_negative(
                &r.switching_cost_usd_per_gpu,
                DEFAULT_SWITCHING_COST_USD_PER_GPU,
                "mobility.switching_cost_usd_per_gpu",
            )?,
            payback_h,
            inertia: unit_interval(c, &r.inertia, DEFAULT_INERTIA, "mobility.inertia")?,
            max_share_per_epoch: unit_interval(
                c,
                &r.max_share_per_epoch,
                DEFAULT_MAX_SHARE_PER_EPOCH,
                "mobility.max_share_per_epoch",
            )?,
            memory: unit_interval(c, &r.memory, DEFAULT_MEMORY, "mobility.memory")?,
            stake_cost_annual: c.non_negative(
                &r.stake_cost_annual,
                DEFAULT_STAKE_COST_ANNUAL,
                "mobility.stake_cost_annual",
            )?,
        })
    }

    /// Whether a gain of `gain` [USD per GPU-hour] repays the switching cost within the
    /// payback time.
    pub fn pays(&self, gain: f64) -> bool {
        gain * self.payback_h > self.switching_cost_usd_per_gpu
    }

    /// Where a provider at network `from` should move, given each network's return for
    /// its GPU model [USD per GPU-hour] (`None`: that network has no cohort of the model,
    /// or measured nothing yet): the network with the best return (the first on a tie)
    /// when the gain over `from` pays; else `None`.
    pub fn destination(&self, returns: &[Option<f64>], from: usize) -> Option<usize> {
        let here = returns[from]?;
        let (best, r) = returns
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != from)
            .filter_map(|(i, r)| r.map(|r| (i, r)))
            .fold(None, |acc: Option<(usize, f64)>, (i, r)| match acc {
                Some((_, b)) if b >= r => acc,
                _ => Some((i, r)),
            })?;
        self.pays(r - here).then_some(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mobility() -> Mobility {
        Mobility {
            switching_cost_usd_per_gpu: 150.0,
            payback_h: 720.0,
            inertia: 0.8,
            max_share_per_epoch: 0.05,
            memory: 0.2,
            stake_cost_annual: 0.1,
        }
    }

    #[test]
    fn providers_move_only_when_the_gain_repays_the_switch() {
        let m = mobility();
        // 150 USD over 720 h: a gain above 0.2083 USD per GPU-hour pays.
        assert!(!m.pays(0.20));
        assert!(m.pays(0.21));
        assert_eq!(
            m.destination(&[Some(1.0), Some(1.3), Some(1.1)], 0),
            Some(1)
        );
        assert_eq!(m.destination(&[Some(1.0), Some(1.2), Some(1.1)], 0), None);
        // Equal returns: nobody moves.
        assert_eq!(m.destination(&[Some(1.0), Some(1.0)], 1), None);
        // Already at the best: nobody moves.
        assert_eq!(m.destination(&[Some(2.0), Some(1.0)], 0), None);
        // No cohort of the model, or no measure here: no move.
        assert_eq!(m.destination(&[Some(1.0), None], 0), None);
        assert_eq!(m.destination(&[None, Some(5.0)], 0), None);
        // A tie between two better networks goes to the first.
        assert_eq!(
            m.destination(&[Some(0.0), Some(1.0), Some(1.0)], 0),
            Some(1)
        );
    }
}
