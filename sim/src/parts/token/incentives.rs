//! io.net's 2026 incentive engine [U]: providers are owed a USD target per GPU-hour,
//! paid first in tokens from a reward vault, then from a vault of the network's fees;
//! a share of any fee surplus buys back and burns tokens.
//!
//! Source [U] (secondary, unconfirmed): crypto-media summaries of a research report
//! io.net commissioned, live about 2026-06-11 (/work/shared/reference/market-data.md,
//! "2026 update"): "suppliers paid toward a USD target, first from a reward vault, then
//! from a fee vault; at least 50 % of any surplus buys back and burns IO". The target,
//! the vault's size and the basis of the target are not published: every parameter is
//! the modeller's.
//!
//! The model's reading, each epoch, in order:
//! 1. the fee vault receives the epoch's network fees (the fees the ledger keeps) [USD];
//! 2. owed = `target_usd_per_gpu_hour` x the eligible GPU-hours of the token's reward
//!    basis (online, sold, or Aethir-style pools weighted by their shares) [USD];
//! 3. the reward vault pays what it can in tokens at the epoch's price (tokens already
//!    in the supply, held in reserve: moving them mints nothing) [tokens];
//! 4. the rest is paid from the fee vault, whose USD buys tokens through the price
//!    model (the pool moves) that go to the providers [USD];
//! 5. surplus = the epoch's fees - owed, when positive; `surplus_burn_fraction` of it
//!    (at most what the fee vault holds) buys back and burns tokens [USD].
//!
//! The providers get the tokens like emissions: shared by the reward basis, sold at
//! `provider_sell_fraction`. What the fee vault keeps stays there (a treasury).

/// The engine's parameters and state.
#[derive(Debug, Clone, PartialEq)]
pub struct UsdTarget {
    /// What providers are owed per eligible GPU-hour [USD per GPU-hour] [U].
    pub target_usd_per_gpu_hour: f64,
    /// Share of a fee surplus bought back and burned [fraction] [U: "at least 50 %"].
    pub surplus_burn_fraction: f64,
    /// State: tokens left in the reward vault [tokens] [U: size unpublished].
    pub reward_vault_tokens: f64,
    /// State: USD in the fee vault [USD].
    pub fee_vault_usd: f64,
    /// Total: fees the fee vault received [USD].
    pub fees_in_usd: f64,
    /// Total: USD owed to providers [USD].
    pub owed_usd: f64,
    /// Total: tokens paid from the reward vault [tokens].
    pub vault_tokens_paid: f64,
    /// Total: USD paid from the fee vault (spent on tokens for providers) [USD].
    pub fee_usd_paid: f64,
    /// Total: USD of fee surplus spent on buyback and burn [USD].
    pub burn_usd: f64,
}

/// What one epoch's settlement asks of the token market.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct IncentivePayment {
    /// Tokens from the reward vault to providers [tokens].
    pub vault_tokens: f64,
    /// USD from the fee vault to buy tokens for providers [USD].
    pub fee_usd: f64,
    /// USD of surplus to buy back and burn tokens [USD].
    pub burn_usd: f64,
}

impl UsdTarget {
    /// A new engine with a full reward vault and an empty fee vault.
    pub fn new(
        target_usd_per_gpu_hour: f64,
        reward_vault_tokens: f64,
        surplus_burn_fraction: f64,
    ) -> UsdTarget {
        UsdTarget {
            target_usd_per_gpu_hour,
            surplus_burn_fraction,
            reward_vault_tokens,
            fee_vault_usd: 0.0,
            fees_in_usd: 0.0,
            owed_usd: 0.0,
            vault_tokens_paid: 0.0,
            fee_usd_paid: 0.0,
            burn_usd: 0.0,
        }
    }

    /// Settles one epoch: `fees_usd` collected [USD], `gpu_hours` eligible [GPU-hours],
    /// at `price` [USD per token]. Steps 1-5 of the module's description; the caller
    /// buys the tokens (`fee_usd`) and burns (`burn_usd`) through the price model.
    pub fn settle(&mut self, fees_usd: f64, gpu_hours: f64, price: f64) -> IncentivePayment {
        self.fee_vault_usd += fees_usd;
        self.fees_in_usd += fees_usd;
        let owed = self.target_usd_per_gpu_hour * gpu_hours;
        self.owed_usd += owed;
        let vault_tokens = if price > 0.0 {
            (owed / price).min(self.reward_vault_tokens)
        } else {
            0.0
        };
        self.reward_vault_tokens -= vault_tokens;
        let rest = (owed - vault_tokens * price).max(0.0);
        let fee_usd = rest.min(self.fee_vault_usd);
        self.fee_vault_usd -= fee_usd;
        let surplus = (fees_usd - owed).max(0.0);
        let burn_usd = (self.surplus_burn_fraction * surplus).min(self.fee_vault_usd);
        self.fee_vault_usd -= burn_usd;
        self.vault_tokens_paid += vault_tokens;
        self.fee_usd_paid += fee_usd;
        self.burn_usd += burn_usd;
        IncentivePayment {
            vault_tokens,
            fee_usd,
            burn_usd,
        }
    }

    /// The engine in words, as the report prints it.
    pub fn describe(&self, symbol: &str) -> String {
        format!(
            "Incentives [U: secondary sources]: providers owed {} USD per eligible GPU-hour, paid in {symbol} from a reward vault ({} {symbol} left), then from the fee vault (fees buy {symbol} for them); {:.0} % of any fee surplus buys back and burns {symbol}.",
            self.target_usd_per_gpu_hour,
            self.reward_vault_tokens,
            self.surplus_burn_fraction * 100.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The vault pays until empty, then the fees; a surplus is half burned; every fee
    /// USD is paid, burned or kept.
    #[test]
    fn vault_first_then_fees_then_surplus_burn() {
        let mut e = UsdTarget::new(0.5, 300.0, 0.5);
        // Owed 100 h x 0.5 = 50 USD at 0.25 USD/token: 200 tokens from the vault.
        let p = e.settle(10.0, 100.0, 0.25);
        assert_eq!((p.vault_tokens, p.fee_usd, p.burn_usd), (200.0, 0.0, 0.0));
        // Owed 50 USD: the vault's last 100 tokens pay 25 USD, the fee vault (20) pays 20.
        let p = e.settle(10.0, 100.0, 0.25);
        assert_eq!((p.vault_tokens, p.fee_usd, p.burn_usd), (100.0, 20.0, 0.0));
        // Owed 10 USD, fees 50: fees pay 10, half the 40 surplus burns.
        let p = e.settle(50.0, 20.0, 0.25);
        assert_eq!((p.vault_tokens, p.fee_usd, p.burn_usd), (0.0, 10.0, 20.0));
        assert_eq!(e.fee_vault_usd, 20.0);
        let accounted = e.fee_usd_paid + e.burn_usd + e.fee_vault_usd;
        assert!((accounted - e.fees_in_usd).abs() < 1e-12);
    }

    /// A scenario with the engine on (price 1 USD, rewards by GPU-hours online, a 25 %
    /// fee): each epoch the providers get the target on their GPU-hours while the vault
    /// lasts, then what the fees cover; half of each epoch's fee surplus burns; tokens and
    /// USD are conserved (the run's own checks) and describe() says where the rule is from.
    #[test]
    fn a_scenario_pays_the_target_from_the_vaults_and_burns_half_the_surplus() {
        let text = r#"
[scenario]
name = "incentives"
duration = "10d"
epoch = "1d"
[market]
mechanism = "posted_price"
posted_prices = { "A100-80G" = 1.2 }
take_rate = 0.25
[token]
symbol = "IO"
supply_start = 1e6
price = { model = "constant", usd = 1.0 }
reward_basis = "online"
provider_sell_fraction = 0.5
incentives = { engine = "usd_target", target_usd_per_gpu_hour = 0.05, reward_vault_tokens = 20.0 }
[[providers]]
name = "p"
count = 4
gpu = "A100-80G"
pricing = { strategy = "price_list", usd_per_gpu_month = 700.0 }
[[workloads]]
name = "w"
kind = "inference"
arrivals = { rate_per_hour = 6.0 }
size = { dist = "exponential", mean = "1h" }
max_price = { usd_per_gpu_hour = 3.0 }
"#;
        let sc = crate::Scenario::parse(text, "incentives.toml", &[]).unwrap();
        let lines = sc.token.describe();
        assert!(
            lines.iter().any(|l| l.starts_with("Incentives [U")),
            "{lines:?}"
        );
        let run = crate::run(&sc, crate::VecSink::default(), Default::default(), |_| {});
        let s = &run.summary;
        assert!(
            s.invariant_violations().is_empty(),
            "{:?}",
            s.invariant_violations()
        );
        let t = &s.token;
        let epochs: Vec<_> = run
            .sink
            .epochs
            .iter()
            .filter(|r| r.gpu_model == "all")
            .collect();
        // Day 1: 4 GPUs x 24 h x 0.05 = 4.8 USD = 4.8 tokens, all from the vault.
        let first = epochs[0].provider_token_rewards.unwrap();
        assert!(
            (first - 0.05 * epochs[0].gpu_hours_online).abs() < 1e-9,
            "{first}"
        );
        let online: f64 = epochs.iter().map(|r| r.gpu_hours_online).sum();
        assert!((t.incentive_owed_usd - 0.05 * online).abs() < 1e-9);
        assert_eq!(t.incentive_vault_tokens_paid, 20.0, "the vault ran dry");
        // At 1 USD a token: providers got the vault's tokens and the fees' USD worth.
        let paid = t.incentive_vault_tokens_paid + t.incentive_fee_usd_paid;
        assert!((t.provider_token_rewards - paid).abs() < 1e-9, "{t:?}");
        assert!(
            t.incentive_fee_usd_paid > 0.0 && t.incentive_burn_usd > 0.0,
            "{t:?}"
        );
        assert!((t.tokens_burned - t.incentive_burn_usd).abs() < 1e-9);
        assert!((t.supply_end - (1e6 - t.tokens_burned)).abs() < 1e-6);
        assert!((t.incentive_fees_in_usd - s.money.fees_usd).abs() < 1e-6 * s.money.fees_usd);
    }
}
