//! Tests of the token economy: the burn-mint equilibrium price, parameter changes that
//! keep the state, slashing.

use super::*;
use crate::base::rng::{StreamId, StreamKind, stream_rng};

fn economy(price: Price, emission_per_epoch: f64) -> TokenEconomy {
    TokenEconomy {
        symbol: "T".into(),
        emission: Emission::PerEpoch {
            epoch_h: 168.0,
            amounts: vec![emission_per_epoch; 100_000],
        },
        emission_to_providers: 1.0,
        burn: BurnRule::PaymentFraction(1.0),
        price,
        supply: 1e9,
        ..TokenEconomy::inactive()
    }
}

/// Burn-mint equilibrium: constant USD demand D burned per epoch, emission E per epoch
/// sold by providers into a constant-product pool: the price converges to D / E.
/// At the fixed point (x - E)(y + D) = x y, so p = (D / E)(1 - E / x): a bias of
/// E / x = D / y, here 0.2 %, and the gap closes like exp(-2 D / y per epoch), so
/// 4,000 epochs leave nothing of any start price.
#[test]
fn burn_mint_equilibrium_price_is_demand_over_emission() {
    let (d, e): (f64, f64) = (250_000.0, 100_000.0);
    let pool_usd_at_equilibrium = d / 0.002;
    let k = pool_usd_at_equilibrium * pool_usd_at_equilibrium / (d / e);
    for start in [0.5f64, 2.5, 8.0] {
        let mut t = economy(
            Price::Amm {
                tokens: (k / start).sqrt(),
                usd: (k * start).sqrt(),
                outside_usd_per_day: 0.0,
            },
            e,
        );
        let mut rng = stream_rng(1, StreamId::new(StreamKind::TokenPrice, 0));
        for w in 0..4_000 {
            t.burn_usd_pending += d;
            t.close_epoch(w as f64 * 168.0, (w + 1) as f64 * 168.0, 0.0, 1.0, &mut rng);
        }
        let p = t.price.price();
        assert!(
            (p - d / e).abs() / (d / e) < 0.01,
            "start {start}: price {p} vs D/E {}",
            d / e
        );
        assert!((t.supply - (1e9 + t.minted - t.burned)).abs() < 1e-3);
    }
}

/// A change of parameters keeps supply, totals, stake and the pool; BME starts fresh
/// when switched on and keeps its vault when only its spreads change.
#[test]
fn changing_parameters_keeps_the_state() {
    let mut t = economy(
        Price::Amm {
            tokens: 1e6,
            usd: 2e6,
            outside_usd_per_day: 0.0,
        },
        1000.0,
    );
    let mut rng = stream_rng(1, StreamId::new(StreamKind::TokenPrice, 0));
    t.staked = 500.0;
    t.burn_usd_pending = 1e4;
    t.close_epoch(0.0, 168.0, 0.0, 1.0, &mut rng);
    let (supply, minted, burned, price) = (t.supply, t.minted, t.burned, t.price.price());
    let new = TokenEconomy {
        emission: Emission::Inflation {
            inflation_per_year: 0.2,
        },
        emission_to_providers: 0.5,
        burn: BurnRule::None,
        bme: Some(BurnMint::new(0.01, 0.0)),
        supply: 1.0,
        price: Price::Constant { usd: 9.0 },
        ..TokenEconomy::inactive()
    };
    t.change_parameters(&new);
    assert_eq!((t.supply, t.minted, t.burned), (supply, minted, burned));
    assert_eq!((t.staked, t.price.price()), (500.0, price));
    assert_eq!(t.emission, new.emission);
    assert_eq!(t.emission_to_providers, 0.5);
    assert_eq!(t.burn, BurnRule::None);
    assert_eq!(t.bme, new.bme);
    t.bme.as_mut().unwrap().surplus_akt = 42.0;
    let spreads = TokenEconomy {
        bme: Some(BurnMint::new(0.0, 0.002)),
        ..new
    };
    t.change_parameters(&spreads);
    let bme = t.bme.as_ref().unwrap();
    assert_eq!(
        (bme.surplus_akt, bme.mint_spread, bme.settle_spread),
        (42.0, 0.0, 0.002)
    );
}

#[test]
fn slashing_burns_stake() {
    let mut t = economy(Price::Constant { usd: 1.0 }, 0.0);
    t.stake_per_gpu = 200.0;
    t.slash_fraction = 0.1;
    t.staked = 1600.0;
    assert_eq!(t.slash(8.0), 160.0);
    assert_eq!(t.staked, 1440.0);
    assert_eq!(t.supply, 1e9 - 160.0);
}
