//! Burns: which part of each payment buys tokens to burn them.

use crate::input::check::{Check, Res};
use crate::input::raw::RawBurn;
use crate::input::spanned::Sp;
use crate::parts::token::BurnMint;

/// How a payment splits between provider, network fee and token burn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BurnRule {
    /// No burn.
    None,
    /// A fraction of every job payment buys and burns tokens (Render BME: 0.95).
    PaymentFraction(f64),
    /// A fraction of the network's fee buys back and burns tokens (io.net revenue burn).
    FeeBuyback(f64),
}

/// One payment, split [USD].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PaymentSplit {
    /// To the provider [USD].
    pub provider_usd: f64,
    /// Kept by the network [USD].
    pub fee_usd: f64,
    /// Spent buying tokens to burn [USD].
    pub burn_usd: f64,
}

/// What `token.burn` sets up under market take rate `take_rate` [fraction]: a burn rule,
/// or Akash's burn-mint equilibrium (which replaces the rule: `BurnRule::None`).
pub(crate) fn from_raw(
    b: &Sp<RawBurn>,
    take_rate: f64,
    c: &Check,
) -> Res<(BurnRule, Option<BurnMint>)> {
    let (rule, fraction) = match b.get() {
        RawBurn::Bme {
            mint_spread,
            settle_spread,
        } => {
            let bme = BurnMint::from_raw(*mint_spread, *settle_spread, take_rate, b.span(), c)?;
            return Ok((BurnRule::None, Some(bme)));
        }
        RawBurn::PaymentFraction { fraction } => (BurnRule::PaymentFraction(*fraction), *fraction),
        RawBurn::FeeBuyback { fraction } => (BurnRule::FeeBuyback(*fraction), *fraction),
    };
    if !(0.0..=1.0).contains(&fraction) {
        return Err(c.err(
            b.span(),
            "token.burn.fraction: expected a fraction in [0, 1]",
        ));
    }
    if let BurnRule::PaymentFraction(f) = rule
        && f + take_rate > 1.0 + 1e-12
    {
        return Err(c.err(b.span(), format!("token.burn.fraction {f} plus market.take_rate {take_rate} exceeds 1: providers would be paid a negative amount")));
    }
    Ok((rule, None))
}

impl BurnRule {
    /// The rule in words, tokens named `symbol`, as the report prints it.
    pub fn describe(self, symbol: &str) -> String {
        match self {
            BurnRule::None => "Burn: none.".to_string(),
            BurnRule::PaymentFraction(f) => format!(
                "Burn: {:.1} % of every job payment buys {symbol} and burns it.",
                f * 100.0
            ),
            BurnRule::FeeBuyback(f) => format!(
                "Burn: {:.1} % of the network fee buys back {symbol} and burns it.",
                f * 100.0
            ),
        }
    }

    /// Splits a payment of `amount` [USD] under take rate `take_rate` [fraction]. The
    /// parts always add up to `amount`.
    pub fn split(self, amount: f64, take_rate: f64) -> PaymentSplit {
        let fee = amount * take_rate;
        match self {
            BurnRule::None => PaymentSplit {
                provider_usd: amount - fee,
                fee_usd: fee,
                burn_usd: 0.0,
            },
            BurnRule::PaymentFraction(f) => {
                let burn = amount * f;
                PaymentSplit {
                    provider_usd: amount - fee - burn,
                    fee_usd: fee,
                    burn_usd: burn,
                }
            }
            BurnRule::FeeBuyback(f) => {
                let burn = fee * f;
                PaymentSplit {
                    provider_usd: amount - fee,
                    fee_usd: fee - burn,
                    burn_usd: burn,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_add_up() {
        for rule in [
            BurnRule::None,
            BurnRule::PaymentFraction(0.95),
            BurnRule::FeeBuyback(0.5),
        ] {
            let s = rule.split(100.0, 0.05);
            assert!(
                (s.provider_usd + s.fee_usd + s.burn_usd - 100.0).abs() < 1e-12,
                "{rule:?}"
            );
            assert!(s.provider_usd >= 0.0 && s.fee_usd >= 0.0 && s.burn_usd >= 0.0);
        }
        assert_eq!(
            BurnRule::PaymentFraction(0.95)
                .split(100.0, 0.05)
                .provider_usd,
            0.0
        );
    }
}
