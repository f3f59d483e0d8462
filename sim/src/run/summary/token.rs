//! Summary sections of the token: supply and rewards, verification stakes, BME, token payments.

use serde::Serialize;

use crate::network::ledger::Counters;
use crate::parts::provider::Provider;
use crate::parts::token::{PriceModel, TokenEconomy};
use crate::parts::verification::VerificationTally;
use crate::scenario::Scenario;

/// The token: supply, price, stake and what providers were paid in it.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TokenFigures {
    /// Token ticker.
    pub token_symbol: String,
    /// Tokens minted [tokens].
    pub tokens_minted: f64,
    /// Tokens burned [tokens].
    pub tokens_burned: f64,
    /// Supply at the start [tokens].
    pub supply_start: f64,
    /// Supply at the end [tokens].
    pub supply_end: f64,
    /// Token price at the end [USD per token].
    pub token_price_end_usd: f64,
    /// Tokens staked at the end [tokens].
    pub tokens_staked: f64,
    /// Tokens slashed [tokens].
    pub tokens_slashed: f64,
    /// Tokens paid to providers: their share of emissions and BME remints [tokens].
    pub provider_token_rewards: f64,
    /// Tokens providers received as rewards, summed over providers [tokens]; equals
    /// `provider_token_rewards`.
    pub provider_token_rewards_received: f64,
    /// Provider emissions no provider was eligible for, never minted [tokens].
    pub tokens_unclaimed: f64,
    /// USD the pool paid for the tokens providers sold [USD]; equals
    /// `provider_token_income_usd`, what the providers got.
    pub provider_token_sales_usd: f64,
    /// Incentive engine [U]: USD owed to providers by the target [USD]; 0 when off.
    pub incentive_owed_usd: f64,
    /// Incentive engine: tokens paid from the reward vault [tokens].
    pub incentive_vault_tokens_paid: f64,
    /// Incentive engine: network fees the fee vault received [USD].
    pub incentive_fees_in_usd: f64,
    /// Incentive engine: fee-vault USD spent on tokens for providers [USD].
    pub incentive_fee_usd_paid: f64,
    /// Incentive engine: fee-vault USD spent on buyback and burn [USD].
    pub incentive_burn_usd: f64,
    /// Incentive engine: USD left in the fee vault at the end [USD]; fees in = paid +
    /// burned + left.
    pub incentive_fee_vault_end_usd: f64,
}

impl TokenFigures {
    pub(crate) fn of(sc: &Scenario, token: &TokenEconomy, providers: &[Provider]) -> TokenFigures {
        TokenFigures {
            token_symbol: sc.token.symbol.clone(),
            tokens_minted: token.minted,
            tokens_burned: token.burned,
            supply_start: sc.token.supply,
            supply_end: token.supply,
            token_price_end_usd: token.price.price(),
            tokens_staked: token.staked,
            tokens_slashed: token.slashed,
            provider_token_rewards: token.provider_rewards_total,
            provider_token_rewards_received: providers.iter().map(|p| p.tokens.rewards).sum(),
            tokens_unclaimed: token.unclaimed,
            provider_token_sales_usd: token.provider_sales_usd_total,
            ..TokenFigures::default()
        }
        .with_incentives(token)
    }

    /// The incentive engine's totals, when it is on.
    fn with_incentives(mut self, token: &TokenEconomy) -> TokenFigures {
        if let Some(e) = &token.incentives {
            self.incentive_owed_usd = e.owed_usd;
            self.incentive_vault_tokens_paid = e.vault_tokens_paid;
            self.incentive_fees_in_usd = e.fees_in_usd;
            self.incentive_fee_usd_paid = e.fee_usd_paid;
            self.incentive_burn_usd = e.burn_usd;
            self.incentive_fee_vault_end_usd = e.fee_vault_usd;
        }
        self
    }
}

/// What providers earned in tokens per GPU-hour, and the token share of their income: the
/// figure to compare with a network's published reward budget over its published fleet.
/// Token amounts of a world's different tokens cannot be added: there they are NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TokenIncomeFigures {
    /// Tokens providers received (emissions, BME remints, token payments) per GPU-hour
    /// online [tokens per GPU-hour].
    pub provider_token_income_per_gpu_hour_online: f64,
    /// USD from selling them per GPU-hour online [USD per GPU-hour].
    pub provider_token_income_usd_per_gpu_hour_online: f64,
    /// Tokens received per GPU-hour sold [tokens per GPU-hour].
    pub provider_token_income_per_gpu_hour_sold: f64,
    /// USD from selling them per GPU-hour sold [USD per GPU-hour].
    pub provider_token_income_usd_per_gpu_hour_sold: f64,
    /// USD from tokens / (USD from tokens + revenue after fees) [fraction].
    pub provider_token_income_share: f64,
    /// Of the tokens received, the rewards (emissions and incentive-engine payouts; not
    /// BME remints, which settle lease revenue, nor token payments bought on the market)
    /// per GPU-hour online: what a published reward budget over a published fleet
    /// predicts [tokens per GPU-hour].
    pub provider_token_rewards_per_gpu_hour_online: f64,
}

impl TokenIncomeFigures {
    /// From every provider's totals; `online_h` and `sold_h` [GPU-h]; `one_token`: the
    /// providers are paid in one token (false in a world of several networks).
    pub(crate) fn of(providers: &[Provider], online_h: f64, sold_h: f64, one_token: bool) -> Self {
        let (tokens, usd, revenue, rewards) =
            providers
                .iter()
                .fold((0.0, 0.0, 0.0, 0.0), |(t, u, r, w), p| {
                    let received = p.tokens.rewards + p.tokens.payment_tokens;
                    (
                        t + received,
                        u + p.tokens.sales_usd,
                        r + p.totals.revenue_usd,
                        w + p.tokens.emitted,
                    )
                });
        let per = |x: f64, h: f64| if h > 0.0 { x / h } else { f64::NAN };
        let (tokens, rewards) = if one_token {
            (tokens, rewards)
        } else {
            (f64::NAN, f64::NAN)
        };
        TokenIncomeFigures {
            provider_token_income_per_gpu_hour_online: per(tokens, online_h),
            provider_token_income_usd_per_gpu_hour_online: per(usd, online_h),
            provider_token_income_per_gpu_hour_sold: per(tokens, sold_h),
            provider_token_income_usd_per_gpu_hour_sold: per(usd, sold_h),
            provider_token_income_share: per(usd, usd + revenue),
            provider_token_rewards_per_gpu_hour_online: per(rewards, online_h),
        }
    }
}

/// Verified training (Gensyn): cheats, catches and what verification costs.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct VerificationFigures {
    /// Verified training: jobs finished by cheating solvers.
    pub verification_cheats: u64,
    /// Of those, caught by a verifier (and redone).
    pub verification_caught: u64,
    /// caught / cheats [fraction]; NaN without cheats.
    pub verification_detection_rate: f64,
    /// Solvers expelled after being caught.
    pub verification_expelled: u64,
    /// Tokens paid to whistleblowers from slashed stake [tokens].
    pub verification_jackpots: f64,
    /// Part of consumer spend paying for proof-of-learning overhead [USD].
    pub verification_overhead_usd: f64,
    /// What the same work would cost with n-way replication instead [USD].
    pub replication_equivalent_usd: f64,
    /// What the same work would cost with refereed replication instead (Verde: two
    /// replicas on reproducible kernels, a referee on disagreement) [USD].
    pub verde_equivalent_usd: f64,
    /// The share of jobs whose cheating refereed replication would accept (both
    /// replicas cheating alike) [fraction]; 0 without verification.
    pub verde_accepted_cheat_fraction: f64,
}

impl VerificationFigures {
    pub(crate) fn of(
        sc: &Scenario,
        tally: &VerificationTally,
        spend_usd: f64,
    ) -> VerificationFigures {
        VerificationFigures {
            verification_cheats: tally.cheats,
            verification_caught: tally.caught,
            verification_detection_rate: tally.caught as f64 / tally.cheats as f64,
            verification_expelled: tally.expelled,
            verification_jackpots: tally.jackpots,
            verification_overhead_usd: sc
                .verification
                .map_or(0.0, |v| spend_usd * v.overhead / (1.0 + v.overhead)),
            replication_equivalent_usd: sc.verification.map_or(0.0, |v| {
                spend_usd / (1.0 + v.overhead) * v.replication as f64
            }),
            verde_equivalent_usd: sc.verification.map_or(0.0, |v| {
                v.verde_equivalent_usd(spend_usd / (1.0 + v.overhead))
            }),
            verde_accepted_cheat_fraction: sc
                .verification
                .map_or(0.0, |v| v.verde_accepted_cheats()),
        }
    }
}

/// Akash's burn-mint equilibrium: collateral and its breaker.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct BmeFigures {
    /// BME: lowest collateral ratio over the run [ratio]; NaN without BME.
    pub bme_min_collateral_ratio: f64,
    /// BME: epochs that closed below the 95 % warning ratio.
    pub bme_warned_epochs: u64,
    /// BME: epochs with new credit mints halted (ratio below 90 %).
    pub bme_halted_epochs: u64,
    /// BME: tokens reminted to providers beyond the burned credits (net new supply) [tokens].
    pub bme_minted_beyond_credits: f64,
}

impl BmeFigures {
    pub(crate) fn of(token: &TokenEconomy) -> BmeFigures {
        let bme = token.bme.as_ref();
        BmeFigures {
            bme_min_collateral_ratio: bme.map_or(f64::NAN, |b| b.min_ratio),
            bme_warned_epochs: bme.map_or(0, |b| b.warned_epochs),
            bme_halted_epochs: bme.map_or(0, |b| b.halted_epochs),
            bme_minted_beyond_credits: bme.map_or(0.0, |b| b.minted_beyond_credits),
        }
    }
}

/// Providers paid in tokens bought at each epoch's close.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct TokenPaymentFigures {
    /// Providers paid in tokens: their share of payments spent buying the tokens [USD].
    pub token_payments_usd: f64,
    /// Providers paid in tokens: tokens bought and paid to them [tokens].
    pub provider_payment_tokens: f64,
}

impl TokenPaymentFigures {
    pub(crate) fn of(c: &Counters, token: &TokenEconomy) -> TokenPaymentFigures {
        TokenPaymentFigures {
            token_payments_usd: c.money.token_payments_usd,
            provider_payment_tokens: token.payment_tokens_total,
        }
    }
}

/// The four token sections of a summary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenSections {
    /// The token: supply, price, stake and what providers were paid in it.
    pub token: TokenFigures,
    /// Verified training.
    pub verification: VerificationFigures,
    /// Burn-mint equilibrium.
    pub bme: BmeFigures,
    /// Providers paid in tokens.
    pub token_payments: TokenPaymentFigures,
}

impl TokenSections {
    /// A network's token sections: its token economy, providers and verification.
    pub(crate) fn of_network(
        sc: &Scenario,
        token: &TokenEconomy,
        providers: &[Provider],
        tally: &VerificationTally,
        counters: &Counters,
    ) -> TokenSections {
        TokenSections {
            token: TokenFigures::of(sc, token, providers),
            verification: VerificationFigures::of(sc, tally, counters.money.consumer_spend_usd),
            bme: BmeFigures::of(token),
            token_payments: TokenPaymentFigures::of(counters, token),
        }
    }

    /// A world's token sections from its networks' (in venue order): the USD figures
    /// added up; token amounts, supply and price are per token, so they are each
    /// network's alone (its `venues` entry) and here 0 or NaN; verification and BME are
    /// each network's own. Every field is named, so a new one must be decided here.
    pub(crate) fn of_world(networks: &[&TokenSections]) -> TokenSections {
        let sum = |f: fn(&TokenSections) -> f64| networks.iter().fold(0.0, |s, n| s + f(n));
        TokenSections {
            token: TokenFigures {
                token_symbol: "-".into(),
                tokens_minted: 0.0,
                tokens_burned: 0.0,
                supply_start: 0.0,
                supply_end: 0.0,
                token_price_end_usd: f64::NAN,
                tokens_staked: 0.0,
                tokens_slashed: 0.0,
                provider_token_rewards: sum(|n| n.token.provider_token_rewards),
                provider_token_rewards_received: sum(|n| n.token.provider_token_rewards_received),
                tokens_unclaimed: 0.0,
                provider_token_sales_usd: sum(|n| n.token.provider_token_sales_usd),
                incentive_owed_usd: 0.0,
                incentive_vault_tokens_paid: 0.0,
                incentive_fees_in_usd: 0.0,
                incentive_fee_usd_paid: 0.0,
                incentive_burn_usd: 0.0,
                incentive_fee_vault_end_usd: 0.0,
            },
            verification: VerificationFigures {
                verification_cheats: 0,
                verification_caught: 0,
                verification_detection_rate: 0.0,
                verification_expelled: 0,
                verification_jackpots: 0.0,
                verification_overhead_usd: 0.0,
                replication_equivalent_usd: 0.0,
                verde_equivalent_usd: 0.0,
                verde_accepted_cheat_fraction: 0.0,
            },
            bme: BmeFigures {
                bme_min_collateral_ratio: f64::NAN,
                bme_warned_epochs: 0,
                bme_halted_epochs: 0,
                bme_minted_beyond_credits: 0.0,
            },
            token_payments: TokenPaymentFigures {
                token_payments_usd: sum(|n| n.token_payments.token_payments_usd),
                provider_payment_tokens: 0.0,
            },
        }
    }
}
