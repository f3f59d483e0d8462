//! Akash burn-mint equilibrium (AEP-76, live 2026-03-23). Tenants pay leases in ACT, a
//! USD-pegged credit: to mint P ACT a tenant buys and burns AKT worth P x (1 + mint
//! spread); the burned AKT becomes the vault's remint credits. Providers are paid in ACT
//! and, one withdrawal period later, burn it for AKT at the oracle price (less the settle
//! spread). Each epoch's ACT is settled from the AKT burned for it (its batch of remint
//! credits); what a rise in price leaves over stays in the vault as a surplus, and what a
//! fall leaves short comes from the surplus, then from new mint. The collateral ratio,
//! vault AKT (outstanding batches + surplus) x price / outstanding ACT, warns below 95 %
//! and halts new ACT mints below 90 % (no new leases start until it recovers).

use std::ops::Range;

use crate::input::check::{Check, Res};
use crate::parts::token::price::PriceModel;

/// Spreads must be below this [fraction].
pub const MAX_SPREAD: f64 = 0.1;
/// Collateral ratio below which a warning is counted (AEP-76) [ratio].
pub const WARN_RATIO: f64 = 0.95;
/// Collateral ratio below which new ACT mints halt (AEP-76) [ratio].
pub const HALT_RATIO: f64 = 0.90;

/// BME parameters and state.
#[derive(Debug, Clone, PartialEq)]
pub struct BurnMint {
    /// Extra AKT burned when minting ACT [fraction] (AEP-76: 0.0025).
    pub mint_spread: f64,
    /// AKT withheld when settling ACT [fraction] (AEP-76: 0).
    pub settle_spread: f64,
    /// Collateral ratio below which a warning is counted [ratio] (0.95).
    pub warn_ratio: f64,
    /// Collateral ratio below which new mints halt [ratio] (0.90).
    pub halt_ratio: f64,
    /// Remint credits of last epoch's ACT batch, settled at this close [AKT].
    pub batch_credits: f64,
    /// Credits left over by settlements at higher prices [AKT].
    pub surplus_akt: f64,
    /// ACT minted and not yet settled [ACT = USD].
    pub outstanding_act: f64,
    /// ACT earned by providers this epoch, settled at the next epoch's close [ACT].
    pub earned_this_epoch: f64,
    /// ACT earned last epoch, settled at this epoch's close [ACT].
    pub earned_last_epoch: f64,
    /// Whether new ACT mints are halted.
    pub halted: bool,
    /// Epochs closed halted.
    pub halted_epochs: u64,
    /// Epochs closed below the warning ratio.
    pub warned_epochs: u64,
    /// Lowest collateral ratio seen [ratio].
    pub min_ratio: f64,
    /// AKT reminted beyond the credits (net inflation from settlement) [AKT].
    pub minted_beyond_credits: f64,
}

/// What one BME epoch did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct BmeEpoch {
    /// AKT tenants burned for ACT [AKT].
    pub burned: f64,
    /// AKT reminted to providers, from credits and new [AKT].
    pub reminted: f64,
    /// Collateral ratio after the tenants' mints, before settlement; NaN with nothing outstanding.
    pub collateral_ratio: f64,
}

impl BurnMint {
    /// The mechanism in words, for the report (what replaces a burn rule under BME).
    pub fn describe(&self, symbol: &str) -> String {
        format!(
            "Burn-mint equilibrium (AEP-76): tenants burn {symbol} for ACT credit at a {:.2} % mint spread; providers settle ACT one epoch later from remint credits, then the surplus, then new mint ({:.2} % settle spread); new leases warn below a {:.0} % collateral ratio and halt below {:.0} %.",
            self.mint_spread * 100.0,
            self.settle_spread * 100.0,
            self.warn_ratio * 100.0,
            self.halt_ratio * 100.0
        )
    }

    /// BME with AEP-76 thresholds and the given spreads.
    pub fn new(mint_spread: f64, settle_spread: f64) -> BurnMint {
        BurnMint {
            mint_spread,
            settle_spread,
            warn_ratio: WARN_RATIO,
            halt_ratio: HALT_RATIO,
            batch_credits: 0.0,
            surplus_akt: 0.0,
            outstanding_act: 0.0,
            earned_this_epoch: 0.0,
            earned_last_epoch: 0.0,
            halted: false,
            halted_epochs: 0,
            warned_epochs: 0,
            min_ratio: f64::INFINITY,
            minted_beyond_credits: 0.0,
        }
    }

    /// BME as `token.burn = { rule = "bme", ... }` (at `span`) sets it up: spreads in
    /// [0, 0.1), and no market take rate (AEP-76 removed it).
    pub(crate) fn from_raw(
        mint_spread: f64,
        settle_spread: f64,
        take_rate: f64,
        span: Range<usize>,
        c: &Check,
    ) -> Res<BurnMint> {
        let spread = |x: f64| (0.0..MAX_SPREAD).contains(&x);
        if !(spread(mint_spread) && spread(settle_spread)) {
            return Err(c.err(span, "token.burn: BME spreads must be in [0, 0.1)"));
        }
        if take_rate > 0.0 {
            return Err(c.err(span, "token.burn: BME replaces the take rate (AEP-76 removed it); set market.take_rate = 0"));
        }
        Ok(BurnMint::new(mint_spread, settle_spread))
    }

    /// USD a tenant spends for a lease payment of `act` ACT [USD].
    pub fn tenant_usd(&self, act: f64) -> f64 {
        act * (1.0 + self.mint_spread)
    }

    /// Closes an epoch: tenants' pending `burn_usd` buys and burns AKT into the vault
    /// (minting `act_minted` ACT), the ratio is measured, then last epoch's ACT is settled.
    /// Returns the epoch's flows; supply changes are the caller's (burned, reminted).
    pub fn close_epoch(
        &mut self,
        burn_usd: f64,
        act_minted: f64,
        price: &mut impl PriceModel,
    ) -> BmeEpoch {
        let burned = price.buy_if_positive(burn_usd);
        self.outstanding_act += act_minted;
        let vault = self.batch_credits + burned + self.surplus_akt;
        let ratio = if self.outstanding_act > 0.0 {
            vault * price.price() / self.outstanding_act
        } else {
            f64::NAN
        };
        if ratio.is_finite() {
            self.min_ratio = self.min_ratio.min(ratio);
            self.warned_epochs += (ratio < self.warn_ratio) as u64;
        }
        self.halted = ratio < self.halt_ratio;
        self.halted_epochs += self.halted as u64;
        // Settle last epoch's batch from its own credits, then the surplus, then new mint.
        let settle = std::mem::replace(
            &mut self.earned_last_epoch,
            std::mem::take(&mut self.earned_this_epoch),
        );
        let settle = settle.min(self.outstanding_act);
        self.outstanding_act -= settle;
        let akt = settle * (1.0 - self.settle_spread) / price.price().max(1e-12);
        let from_batch = akt.min(self.batch_credits);
        self.surplus_akt += self.batch_credits - from_batch;
        let from_surplus = (akt - from_batch).min(self.surplus_akt);
        self.surplus_akt -= from_surplus;
        self.minted_beyond_credits += akt - from_batch - from_surplus;
        self.batch_credits = burned;
        BmeEpoch {
            burned,
            reminted: akt,
            collateral_ratio: ratio,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parts::token::Price;

    #[test]
    fn stable_price_keeps_the_ratio_at_one_plus_spread() {
        let mut bme = BurnMint::new(0.0025, 0.0);
        let mut price = Price::Constant { usd: 2.0 };
        for _ in 0..10 {
            bme.earned_this_epoch += 1000.0;
            let e = bme.close_epoch(bme.tenant_usd(1000.0), 1000.0, &mut price);
            assert!(e.collateral_ratio >= 1.0);
        }
        assert_eq!(bme.halted_epochs, 0);
        assert!(
            bme.minted_beyond_credits.abs() < 1e-9,
            "a stable price remints only credits"
        );
    }

    #[test]
    fn the_breaker_resets_once_the_price_recovers() {
        let mut bme = BurnMint::new(0.0025, 0.0);
        let mut halts = Vec::new();
        for p in [2.0, 1.0, 1.0, 2.0, 2.0] {
            let mut price = Price::Constant { usd: p };
            bme.earned_this_epoch += 1000.0;
            bme.close_epoch(bme.tenant_usd(1000.0), 1000.0, &mut price);
            halts.push(bme.halted);
        }
        assert_eq!(
            halts,
            [false, true, false, false, false],
            "halted only in the epoch of the crash"
        );
        assert!(
            bme.minted_beyond_credits > 0.0,
            "the crash was paid for with new AKT"
        );
    }

    #[test]
    fn a_price_crash_halts_mints() {
        let mut bme = BurnMint::new(0.0025, 0.0);
        let mut price = Price::Path {
            points: vec![(0.0, 2.0)],
            usd: 2.0,
        };
        bme.earned_this_epoch += 1000.0;
        bme.close_epoch(bme.tenant_usd(1000.0), 1000.0, &mut price);
        // AKT halves before the next epoch: the vault backs half the outstanding ACT.
        price = Price::Path {
            points: vec![(0.0, 1.0)],
            usd: 1.0,
        };
        bme.earned_this_epoch += 1000.0;
        let e = bme.close_epoch(bme.tenant_usd(1000.0), 1000.0, &mut price);
        assert!(e.collateral_ratio < 0.90, "{}", e.collateral_ratio);
        assert!(bme.halted && bme.halted_epochs == 1);
        // Settling last epoch's ACT at the lower price needs more AKT than the credits hold.
        assert!(e.reminted > 1000.0 / 2.0);
    }
}
