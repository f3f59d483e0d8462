//! A burn-mint equilibrium token model, the one the radCAD peer runs: each weekly epoch
//! mints `E` tokens to providers, who sell them all into a constant-product pool, and
//! consumers' demand of `D` USD buys tokens from the pool and burns them. The price tends
//! to D / E (2.5 USD here). Built from the simulator's token parts.

use flopmarket_sim::base::rng::{StreamId, StreamKind, StreamRng, stream_rng};
use flopmarket_sim::parts::token::{BurnRule, Emission, Price, PriceModel, TokenEconomy};

/// Tokens minted per epoch [tokens].
pub const EMISSION_PER_EPOCH: f64 = 100_000.0;
/// Demand burned per epoch [USD].
pub const DEMAND_USD_PER_EPOCH: f64 = 250_000.0;
/// Epoch length [h].
pub const EPOCH_H: f64 = 168.0;

/// The token economy and its demand path.
#[derive(Debug)]
pub struct TokenBench {
    economy: TokenEconomy,
    rng: StreamRng,
    epochs: u64,
}

impl TokenBench {
    /// A pool of 50M USD against 50M tokens (1 USD per token), 1e9 tokens supply,
    /// emissions listed for `epochs` epochs.
    pub fn new(epochs: u64) -> TokenBench {
        let economy = TokenEconomy {
            symbol: "BME".into(),
            emission: Emission::PerEpoch {
                epoch_h: EPOCH_H,
                amounts: vec![EMISSION_PER_EPOCH; epochs as usize],
            },
            emission_to_providers: 1.0,
            burn: BurnRule::PaymentFraction(1.0),
            price: Price::Amm {
                tokens: 50e6,
                usd: 50e6,
                outside_usd_per_day: 0.0,
            },
            supply: 1e9,
            ..TokenEconomy::inactive()
        };
        TokenBench {
            economy,
            rng: stream_rng(1, StreamId::new(StreamKind::TokenPrice, 0)),
            epochs,
        }
    }

    /// Steps every epoch; returns (price at the end [USD per token], supply [tokens]).
    pub fn run(&mut self) -> (f64, f64) {
        for w in 0..self.epochs {
            self.economy.burn_usd_pending += DEMAND_USD_PER_EPOCH;
            let t0 = w as f64 * EPOCH_H;
            self.economy
                .close_epoch(t0, t0 + EPOCH_H, 0.0, 1.0, &mut self.rng);
        }
        (self.economy.price.price(), self.economy.supply)
    }
}
