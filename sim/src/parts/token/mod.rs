//! The token economy as composable parts: an emission schedule, a burn rule, a price
//! model, staking with slashing, and providers' selling of their rewards. The ledger
//! drives it once per epoch.

pub mod allocations;
pub mod bme;
pub mod burn;
pub mod cosmos_inflation;
pub mod emission;
pub mod incentives;
pub mod price;
#[cfg(test)]
pub(crate) mod test_scenarios;

pub use bme::BurnMint;
pub use burn::{BurnRule, PaymentSplit};
pub use emission::{Emission, EmissionSchedule};
pub use incentives::UsdTarget;
pub use price::{Price, PriceModel};

use crate::base::rng::StreamRng;

/// How emissions to providers are shared among them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RewardBasis {
    /// In proportion to GPU-hours online (availability rewards).
    Online,
    /// In proportion to GPU-hours sold (work rewards).
    Sold,
    /// Two pools (Aethir): `delivery_share` of the emission by GPU-hours sold (proof of
    /// delivery), the rest by GPU-hours online (proof of capacity) [fraction].
    Split {
        /// Share of the delivery pool [fraction].
        delivery_share: f64,
    },
}

impl RewardBasis {
    /// What rewards are shared by, in words.
    pub fn describe(self) -> String {
        match self {
            RewardBasis::Online => "GPU-hours online (availability)".to_string(),
            RewardBasis::Sold => "GPU-hours sold (work)".to_string(),
            RewardBasis::Split { delivery_share } => format!(
                "two pools: {:.0} % by GPU-hours online (proof of capacity), {:.0} % by GPU-hours sold (proof of delivery)",
                (1.0 - delivery_share) * 100.0,
                delivery_share * 100.0
            ),
        }
    }
}

/// What providers are paid in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderPayment {
    /// USD (or a stablecoin): the provider's share of each payment is income as is.
    Usd,
    /// The network's token: prices are set in USD, the provider's share buys tokens at
    /// the epoch's close (a buy on the price model: the pool moves), the provider gets
    /// them and sells `provider_sell_fraction` like rewards (Aethir: fees "denominated in
    /// fiat, settled in ATH"; Theta: TFUEL; Golem: GLM).
    Token,
}

/// A token economy's parameters and state.
#[derive(Debug, Clone)]
pub struct TokenEconomy {
    /// Ticker.
    pub symbol: String,
    /// Emission schedule.
    pub emission: Emission,
    /// The date the schedule's life began (`genesis`); `None`: the run's start.
    pub emission_genesis: Option<crate::base::calendar::Instant>,
    /// Hours from the schedule's genesis to the run's start, added to the run's hours
    /// to read the schedule (0 without a genesis; negative for a genesis after the
    /// start) [h].
    pub emission_offset_h: f64,
    /// Fraction of emissions paid to providers; the rest goes to other holders
    /// [fraction]. Unused by allocation tables, whose rows set the providers' part.
    pub emission_to_providers: f64,
    /// How provider emissions are shared.
    pub reward_basis: RewardBasis,
    /// Fraction of an epoch a provider must be up to earn rewards (Render: 0.5) [fraction].
    pub reward_min_uptime: f64,
    /// Unbroken uptime needed at the epoch's end to earn rewards (io.net: 5 h) [µs].
    pub reward_min_streak: crate::base::time::SimTime,
    /// Burn rule applied to payments.
    pub burn: BurnRule,
    /// Price model.
    pub price: Price,
    /// Fraction of their token rewards providers sell each epoch [fraction].
    pub provider_sell_fraction: f64,
    /// What providers are paid in.
    pub provider_payment: ProviderPayment,
    /// USD owed to providers this epoch, to be paid in tokens at the close [USD].
    pub payment_usd_pending: f64,
    /// USD spent buying tokens to pay providers so far [USD].
    pub payment_usd_total: f64,
    /// Tokens bought and paid to providers so far [tokens].
    pub payment_tokens_total: f64,
    /// Tokens staked per GPU [tokens].
    pub stake_per_gpu: f64,
    /// Fraction of a provider's stake slashed per interrupted lease [fraction].
    pub slash_fraction: f64,
    /// Fraction of the real network the run's providers stand for (`[scenario]
    /// fleet_fraction`, times `--scale`): the emission schedule is read for the whole
    /// network and this part of it minted, and the supply, an AMM pool and the
    /// incentive engine's reward vault were multiplied by it at the start
    /// ([`TokenEconomy::sample_of_network`]) [fraction].
    pub fleet_fraction: f64,
    /// Supply, of the sample the run models (the network's times `fleet_fraction`) [tokens].
    pub supply: f64,
    /// Minted so far [tokens].
    pub minted: f64,
    /// Burned so far, by purchases and slashing [tokens].
    pub burned: f64,
    /// Staked now [tokens].
    pub staked: f64,
    /// Slashed so far [tokens].
    pub slashed: f64,
    /// USD collected for burning, not yet spent [USD].
    pub burn_usd_pending: f64,
    /// USD spent on burn purchases so far [USD].
    pub burn_usd_total: f64,
    /// Akash burn-mint equilibrium, when the network runs one (replaces `burn`).
    pub bme: Option<BurnMint>,
    /// ACT minted by tenants this epoch (BME) [ACT].
    pub act_minted_pending: f64,
    /// Provider emissions that no provider was eligible for, so never minted: they stay
    /// in the schedule's unreleased reserve (io.net pays each hourly block to the
    /// workers that qualified in it; with none, the block pays no one) [tokens].
    pub unclaimed: f64,
    /// Tokens paid to providers so far: their share of emissions, BME remints and
    /// incentive payments [tokens].
    pub provider_rewards_total: f64,
    /// io.net's 2026 incentive engine (a USD target per GPU-hour paid from vaults) [U];
    /// `None`: off.
    pub incentives: Option<UsdTarget>,
    /// Network fees kept this epoch, for the incentive engine's fee vault [USD].
    pub fees_usd_pending: f64,
    /// Eligible GPU-hours of the reward basis this epoch, set by the ledger before the
    /// close, for the incentive engine's target [GPU-hours].
    pub reward_gpu_hours_pending: f64,
    /// USD providers got for the tokens they sold so far [USD].
    pub provider_sales_usd_total: f64,
}

/// What one epoch did to the token.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EpochTokens {
    /// Minted [tokens].
    pub minted: f64,
    /// Burned by purchases and slashing [tokens].
    pub burned: f64,
    /// Emitted to providers [tokens].
    pub provider_rewards: f64,
    /// Tokens bought with the epoch's provider payments and paid to them [tokens].
    pub payment_tokens: f64,
    /// Sold by providers (rewards and payments) [tokens].
    pub provider_sold: f64,
    /// USD providers got for them [USD].
    pub provider_sales_usd: f64,
    /// Spent on burn purchases [USD].
    pub burn_usd: f64,
    /// Slashed [tokens].
    pub slashed: f64,
    /// BME: tokens reminted to providers for their ACT [tokens].
    pub reminted: f64,
    /// BME: collateral ratio this epoch [ratio]; NaN without BME or with nothing outstanding.
    pub collateral_ratio: f64,
    /// Provider emissions not minted because no provider was eligible [tokens].
    pub unclaimed: f64,
}

impl TokenEconomy {
    /// A network without a token: nothing minted, burned, staked or priced. Scenarios
    /// and tests start from it and set the parts they use.
    pub fn inactive() -> TokenEconomy {
        TokenEconomy {
            symbol: "-".into(),
            emission: Emission::None,
            emission_genesis: None,
            emission_offset_h: 0.0,
            emission_to_providers: 0.0,
            reward_basis: RewardBasis::Sold,
            reward_min_uptime: 0.0,
            reward_min_streak: 0,
            burn: BurnRule::None,
            price: Price::Constant { usd: 0.0 },
            provider_sell_fraction: 1.0,
            provider_payment: ProviderPayment::Usd,
            payment_usd_pending: 0.0,
            payment_usd_total: 0.0,
            payment_tokens_total: 0.0,
            stake_per_gpu: 0.0,
            slash_fraction: 0.0,
            fleet_fraction: 1.0,
            supply: 0.0,
            minted: 0.0,
            burned: 0.0,
            staked: 0.0,
            slashed: 0.0,
            burn_usd_pending: 0.0,
            burn_usd_total: 0.0,
            bme: None,
            act_minted_pending: 0.0,
            unclaimed: 0.0,
            provider_rewards_total: 0.0,
            incentives: None,
            fees_usd_pending: 0.0,
            reward_gpu_hours_pending: 0.0,
            provider_sales_usd_total: 0.0,
        }
    }

    /// Makes the economy stand for `k` times as much of the network: multiplies its
    /// network-wide amounts (supply, an AMM pool's reserves, the incentive engine's
    /// vaults) and `fleet_fraction` by `k`, so that each modelled GPU meets the same
    /// emission per GPU and the same price impact per token whatever the sample's size.
    /// Per-GPU and per-token parameters (stake per GPU, prices, fractions) are unchanged.
    pub fn sample_of_network(&mut self, k: f64) {
        if k == 1.0 {
            return;
        }
        self.fleet_fraction *= k;
        self.supply *= k;
        self.staked *= k;
        self.price.scale_depth(k);
        if let Some(engine) = &mut self.incentives {
            engine.reward_vault_tokens *= k;
            engine.fee_vault_usd *= k;
        }
    }

    /// Takes `new`'s parameters (a `[[timeline]]` change) and keeps every state: supply,
    /// totals, stake, the price model and its state (an AMM pool). A BME already running
    /// keeps its vault and takes the new spreads; a switch to BME from a burn rule starts
    /// it fresh. Switching BME off is refused when the timeline is validated (providers'
    /// outstanding credit would never settle), so a BME running stays.
    pub fn change_parameters(&mut self, new: &TokenEconomy) {
        let mut emission = new.emission.clone();
        // A chain minter whose parameters change (a governance vote moving its band)
        // keeps its state: the rate reached and the blocks stepped.
        if let (Emission::CosmosInflation(old), Emission::CosmosInflation(next)) =
            (&self.emission, &mut emission)
        {
            next.inflation = old.inflation;
            next.block = old.block;
        }
        self.emission = emission;
        // The segment was validated with the same start, so its genesis offset is right.
        self.emission_genesis = new.emission_genesis;
        self.emission_offset_h = new.emission_offset_h;
        // The incentive engine keeps its vaults and totals once running; switched on, it
        // starts with the new segment's vault.
        self.incentives = match (self.incentives.take(), &new.incentives) {
            (Some(mut running), Some(n)) => {
                running.target_usd_per_gpu_hour = n.target_usd_per_gpu_hour;
                running.surplus_burn_fraction = n.surplus_burn_fraction;
                Some(running)
            }
            (None, Some(n)) => Some(n.clone()),
            (_, None) => None,
        };
        self.emission_to_providers = new.emission_to_providers;
        self.reward_basis = new.reward_basis;
        self.reward_min_uptime = new.reward_min_uptime;
        self.reward_min_streak = new.reward_min_streak;
        self.burn = new.burn;
        self.provider_sell_fraction = new.provider_sell_fraction;
        self.provider_payment = new.provider_payment;
        self.slash_fraction = new.slash_fraction;
        match (&mut self.bme, &new.bme) {
            (Some(running), Some(n)) => {
                running.mint_spread = n.mint_spread;
                running.settle_spread = n.settle_spread;
                running.warn_ratio = n.warn_ratio;
                running.halt_ratio = n.halt_ratio;
            }
            (None, Some(n)) => self.bme = Some(n.clone()),
            (_, None) => {}
        }
    }

    /// The economy in words, one line per part (emission and rewards, burn, price,
    /// selling, staking), as the report prints it; empty for a network without a token.
    pub fn describe(&self) -> Vec<String> {
        if self.symbol == "-" {
            return Vec::new();
        }
        let sym = &self.symbol;
        let genesis = match self.emission_genesis {
            Some(g) => format!(
                " (the schedule's life began {g}, {:.1} days {} the run's start)",
                self.emission_offset_h.abs() / 24.0,
                if self.emission_offset_h >= 0.0 {
                    "before"
                } else {
                    "after"
                }
            ),
            None => String::new(),
        };
        let share = match self.emission {
            Emission::Allocations(_) => "the rows' part to providers".to_string(),
            _ => format!("{:.0} % to providers", self.emission_to_providers * 100.0),
        };
        let mut lines = vec![format!(
            "Emission: {}{genesis}; {share}, shared by {}{}.",
            self.emission.describe(sym),
            self.reward_basis.describe(),
            self.eligibility()
        )];
        lines.push(match &self.bme {
            Some(bme) => bme.describe(sym),
            None => self.burn.describe(sym),
        });
        lines.push(self.price.describe(sym));
        if let Some(engine) = &self.incentives {
            lines.push(engine.describe(sym));
        }
        lines.push(format!(
            "Providers sell {:.0} % of their rewards each epoch.",
            self.provider_sell_fraction * 100.0
        ));
        if self.stake_per_gpu > 0.0 {
            lines.push(format!(
                "Staking: {} {sym} per GPU (times the cohort's multiplier); {:.1} % of the stake behind a lease is slashed when it is interrupted.",
                self.stake_per_gpu,
                self.slash_fraction * 100.0
            ));
        }
        lines
    }

    /// Who may earn rewards, in words: "" when every provider may.
    fn eligibility(&self) -> String {
        let mut out = String::new();
        if self.reward_min_uptime > 0.0 {
            out += &format!(
                ", only for providers up at least {:.0} % of an epoch",
                self.reward_min_uptime * 100.0
            );
        }
        if self.reward_min_streak > 0 {
            out += &format!(
                ", only after {:.1} h of unbroken uptime",
                crate::base::time::to_hours(self.reward_min_streak)
            );
        }
        out
    }

    /// Slashes the stake behind one interrupted lease of `stake_gpus` GPUs (GPU count x the
    /// host's stake multiplier); returns tokens slashed.
    pub fn slash(&mut self, stake_gpus: f64) -> f64 {
        self.slash_with(stake_gpus, self.slash_fraction, 1.0).1
    }

    /// Slashes `fraction` of the stake behind `stake_gpus` GPUs, burning `burn_share` of
    /// it (the rest is paid out, e.g. to a whistleblower). Returns (slashed, burned) [tokens].
    pub fn slash_with(&mut self, stake_gpus: f64, fraction: f64, burn_share: f64) -> (f64, f64) {
        let amount = (self.stake_per_gpu * stake_gpus * fraction).min(self.staked);
        let burned = amount * burn_share;
        self.staked -= amount;
        self.slashed += amount;
        self.burned += burned;
        self.supply -= burned;
        (amount, burned)
    }

    /// Closes the epoch [t0_h, t1_h): mints, buys and burns with the pending USD, lets
    /// providers sell their share of the emission, then moves the exogenous price.
    /// `slashed` is what [`TokenEconomy::slash`] took during the epoch. `claimable` is
    /// the fraction of the providers' emission that has an eligible provider to go to
    /// (1 when some provider qualifies for every reward pool, 0 when none qualifies for
    /// any) [fraction]: the rest is not minted ([`TokenEconomy::unclaimed`]).
    pub fn close_epoch(
        &mut self,
        t0_h: f64,
        t1_h: f64,
        slashed: f64,
        claimable: f64,
        rng: &mut StreamRng,
    ) -> EpochTokens {
        let off = self.emission_offset_h;
        // The schedule is the whole network's (a supply-based rate reads the network's
        // supply); the run mints its sample's part of it.
        let f = self.fleet_fraction;
        let mint = self
            .emission
            .advance(t0_h + off, t1_h + off, self.supply / f);
        let scheduled = mint.total * f;
        let to_providers = mint
            .providers
            .map(|p| p * f)
            .unwrap_or(scheduled * self.emission_to_providers);
        let unclaimed = to_providers * (1.0 - claimable.clamp(0.0, 1.0));
        let mut minted = scheduled - unclaimed;
        self.unclaimed += unclaimed;
        self.supply += minted;
        self.minted += minted;
        let burn_usd = std::mem::take(&mut self.burn_usd_pending);
        let (bought, reminted, collateral_ratio) = match &mut self.bme {
            Some(bme) => {
                let act = std::mem::take(&mut self.act_minted_pending);
                let e = bme.close_epoch(burn_usd, act, &mut self.price);
                (e.burned, e.reminted, e.collateral_ratio)
            }
            None => (self.price.buy_if_positive(burn_usd), 0.0, f64::NAN),
        };
        self.supply -= bought;
        self.burned += bought;
        self.burn_usd_total += burn_usd;
        // Provider payments in tokens: bought on the market, not minted.
        let payment_usd = std::mem::take(&mut self.payment_usd_pending);
        let payment_tokens = self.price.buy_if_positive(payment_usd);
        self.payment_usd_total += payment_usd;
        self.payment_tokens_total += payment_tokens;
        let (incentive_tokens, incentive_burned, incentive_burn_usd) = self.settle_incentives();
        // Reminted AKT re-enters supply (from credits or new): it counts as minted.
        self.supply += reminted;
        self.minted += reminted;
        minted += reminted;
        // Of what was minted, the providers' part: their share of the schedule, less what
        // none of them could claim (already left unminted), plus the remints.
        let provider_rewards = (to_providers - unclaimed).max(0.0) + reminted + incentive_tokens;
        self.provider_rewards_total += provider_rewards;
        let provider_sold = (provider_rewards + payment_tokens) * self.provider_sell_fraction;
        let provider_sales_usd = self.price.sell_if_positive(provider_sold);
        self.provider_sales_usd_total += provider_sales_usd;
        self.price
            .step(t1_h, (t1_h - t0_h) / emission::HOURS_PER_YEAR, rng);
        EpochTokens {
            minted,
            burned: bought + slashed + incentive_burned,
            provider_rewards,
            payment_tokens,
            provider_sold,
            provider_sales_usd,
            burn_usd: burn_usd + incentive_burn_usd,
            slashed,
            reminted,
            collateral_ratio,
            unclaimed,
        }
    }
}

impl TokenEconomy {
    /// The incentive engine's epoch, when it is on: the fee vault takes the epoch's
    /// fees, the providers' USD target is paid from the reward vault (tokens at the
    /// price) then the fee vault (buying tokens through the price model), and the
    /// surplus share buys and burns tokens. Returns (tokens to providers, tokens burned,
    /// USD spent on the burn); the pending fees and GPU-hours are used up either way.
    fn settle_incentives(&mut self) -> (f64, f64, f64) {
        let fees = std::mem::take(&mut self.fees_usd_pending);
        let gpu_hours = std::mem::take(&mut self.reward_gpu_hours_pending);
        let Some(engine) = &mut self.incentives else {
            return (0.0, 0.0, 0.0);
        };
        let pay = engine.settle(fees, gpu_hours, self.price.price());
        let bought = self.price.buy_if_positive(pay.fee_usd);
        let burned = self.price.buy_if_positive(pay.burn_usd);
        self.supply -= burned;
        self.burned += burned;
        (pay.vault_tokens + bought, burned, pay.burn_usd)
    }
}

#[cfg(test)]
mod tests;
