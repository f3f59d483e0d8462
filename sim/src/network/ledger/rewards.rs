//! Provider rewards of an epoch: who may claim the emission pools, and each provider's
//! share of the emission, of BME settlements and of token payments.

use crate::base::time::SimTime;
use crate::network::ledger::Ledger;
use crate::parts::provider::Provider;
use crate::parts::token::{EpochTokens, RewardBasis};

impl Ledger {
    /// Each provider's claim on the epoch's emission pools: (capacity weight, delivery
    /// weight) = (GPU-µs online, GPU-µs sold) of an eligible provider, (0, 0) of one
    /// that is not. Eligible: at least `reward_min_uptime` of the epoch up (Render:
    /// 50 %), and up without a break for `reward_min_streak` at the epoch's end (io.net:
    /// 5 h). `claimable` is the share of the emission whose pool has some weight.
    pub(super) fn reward_weights(
        &self,
        providers: &[Provider],
        epoch_len: SimTime,
        now: SimTime,
    ) -> RewardWeights {
        let (min_uptime, min_streak) = (self.token.reward_min_uptime, self.token.reward_min_streak);
        let delivery_share = match self.token.reward_basis {
            RewardBasis::Online => 0.0,
            RewardBasis::Sold => 1.0,
            RewardBasis::Split { delivery_share } => delivery_share,
        };
        let by_provider: Vec<(f64, f64)> = providers
            .iter()
            .map(|p| {
                let eligible = p.epoch.up_us as f64 >= min_uptime * epoch_len as f64
                    && (min_streak == 0 || (p.is_up() && now - p.up_since >= min_streak));
                if eligible {
                    (p.epoch.online_gpu_us as f64, p.epoch.leased_gpu_us as f64)
                } else {
                    (0.0, 0.0)
                }
            })
            .collect();
        let (online_total, sold_total) = by_provider
            .iter()
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        let has = |total: f64| if total > 0.0 { 1.0 } else { 0.0 };
        RewardWeights {
            claimable: (1.0 - delivery_share) * has(online_total)
                + delivery_share * has(sold_total),
            delivery_share,
            online_total,
            sold_total,
            by_provider,
        }
    }

    /// Shares the epoch's provider emissions (and the USD from selling part of them) by
    /// the [`RewardWeights`] of [`Ledger::reward_weights`], BME settlements by credit
    /// earned, and token payments by USD earned. What the token economy counted as paid
    /// to providers is exactly what they receive: emissions no one could claim were not
    /// minted.
    /// Returns the rewards credited to providers, summed [tokens].
    pub(super) fn share_rewards(
        &self,
        providers: &mut [Provider],
        tokens: &EpochTokens,
        w: &RewardWeights,
    ) -> f64 {
        let received_total = tokens.provider_rewards + tokens.payment_tokens;
        if received_total <= 0.0 {
            return 0.0;
        }
        let mut credited = 0.0;
        let emitted = tokens.provider_rewards - tokens.reminted;
        let act_total: f64 = providers.iter().map(|p| p.tokens.act_last_epoch).sum();
        let pay_total: f64 = providers
            .iter()
            .map(|p| p.tokens.payment_usd_this_epoch)
            .sum();
        let part = |x: f64, total: f64| if total > 0.0 { x / total } else { 0.0 };
        // Each pool's tokens per unit of weight; a pool no one can claim was not minted,
        // so the minted emission is spread over the claimable pools.
        let (capacity_pool, delivery_pool) = (
            (1.0 - w.delivery_share) * part(emitted, w.claimable),
            w.delivery_share * part(emitted, w.claimable),
        );
        for (p, &(online, sold)) in providers.iter_mut().zip(&w.by_provider) {
            let from_emission = capacity_pool * part(online, w.online_total)
                + delivery_pool * part(sold, w.sold_total);
            let from_credit = tokens.reminted * part(p.tokens.act_last_epoch, act_total);
            let from_payment =
                tokens.payment_tokens * part(p.tokens.payment_usd_this_epoch, pay_total);
            let received = from_emission + from_credit + from_payment;
            let share = received / received_total;
            p.tokens.rewards += from_emission + from_credit;
            p.tokens.emitted += from_emission;
            credited += from_emission + from_credit;
            p.tokens.payment_tokens += from_payment;
            p.tokens.held += (received_total - tokens.provider_sold) * share;
            p.tokens.sales_usd += tokens.provider_sales_usd * share;
        }
        credited
    }
}

impl RewardWeights {
    /// Eligible GPU-hours of the reward basis: online, sold, or each pool's share of
    /// its own (the incentive engine's target is owed on them) [GPU-hours].
    pub(super) fn gpu_hours(&self) -> f64 {
        ((1.0 - self.delivery_share) * self.online_total + self.delivery_share * self.sold_total)
            / 3.6e9
    }
}

/// Each provider's claim on an epoch's emission pools ([`Ledger::reward_weights`]).
pub(super) struct RewardWeights {
    /// Share of the providers' emission whose pool some provider can claim [fraction].
    pub(super) claimable: f64,
    /// Share of the emission paid by delivery (GPU-hours sold) [fraction].
    delivery_share: f64,
    /// Eligible GPU-µs online, summed [GPU-µs].
    online_total: f64,
    /// Eligible GPU-µs sold, summed [GPU-µs].
    sold_total: f64,
    /// (online, sold) weight of each provider, in provider order [GPU-µs].
    by_provider: Vec<(f64, f64)>,
}
