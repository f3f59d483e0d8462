//! `[token]`: supply and the economy's settings; the price model, emission schedule and
//! burn rule (or BME) each validate their own parameters.

use crate::base::calendar::Instant;
use crate::input::check::{Check, Res};
use crate::input::raw::{
    RawBurn, RawIncentives, RawProviderPayment, RawRewardBasis, RawRewardSplit, RawToken,
};
use crate::input::spanned::Sp;
use crate::parts::token::{
    Emission, Price, PriceModel, ProviderPayment, RewardBasis, TokenEconomy, UsdTarget, burn,
};

/// Upper bound (exclusive) of the fractions in [0, 1] of `[token]`: a little over 1 so
/// that 1 itself passes the half-open check [fraction].
const FRACTION_MAX: f64 = 1.0001;
/// Fraction of rewards providers sell when `token.provider_sell_fraction` is absent.
pub const DEFAULT_PROVIDER_SELL_FRACTION: f64 = 1.0;

/// The token economy; [`TokenEconomy::inactive`] when `[token]` is absent.
pub(super) fn token(
    c: &Check,
    raw: Option<&RawToken>,
    take_rate: f64,
    start: Option<Instant>,
) -> Res<TokenEconomy> {
    let mut economy = TokenEconomy::inactive();
    let Some(t) = raw else { return Ok(economy) };
    economy.symbol = t.symbol.clone();
    economy.supply = c.check(
        &t.supply_start,
        |x| x.is_finite() && x >= 0.0,
        "token.supply_start >= 0",
    )?;
    economy.price = Price::from_raw(&t.price, start, c)?;
    if let Some(e) = &t.emission {
        let (emission, genesis) = Emission::from_raw(e, start, c)?;
        economy.emission = emission;
        economy.emission_genesis = genesis;
        if let (Some(g), Some(s)) = (genesis, start) {
            economy.emission_offset_h = s.hours_since(g);
        }
        if let (Emission::Allocations(_), Some(share)) =
            (&economy.emission, &t.emission_to_providers)
        {
            return Err(c.err(
                share.span(),
                "token.emission_to_providers does not combine with allocations: each row's to_providers sets the providers' part",
            ));
        }
    }
    economy.emission_to_providers = c.fraction(
        &t.emission_to_providers,
        0.0,
        0.0,
        FRACTION_MAX,
        "token.emission_to_providers",
    )?;
    economy.reward_basis = reward_basis(c, t.reward_split.as_ref(), t.reward_basis)?;
    if t.provider_payment == Some(RawProviderPayment::Token) {
        economy.provider_payment = token_payment(c, t, &economy.price)?;
    }
    if let Some(b) = &t.burn {
        (economy.burn, economy.bme) = burn::from_raw(b, take_rate, c)?;
    }
    rewards_and_stake(c, t, &mut economy)?;
    if let Some(i) = &t.incentives {
        economy.incentives = Some(incentives(c, i, economy.supply)?);
    }
    Ok(economy)
}

/// Who earns rewards and what they sell; staking and slashing.
fn rewards_and_stake(c: &Check, t: &RawToken, economy: &mut TokenEconomy) -> Res<()> {
    economy.reward_min_uptime = c.fraction(
        &t.reward_min_uptime,
        0.0,
        0.0,
        FRACTION_MAX,
        "token.reward_min_uptime",
    )?;
    economy.reward_min_streak = match &t.reward_min_streak {
        Some(d) => c.duration(d, false, "token.reward_min_streak")?,
        None => 0,
    };
    economy.provider_sell_fraction = c.fraction(
        &t.provider_sell_fraction,
        DEFAULT_PROVIDER_SELL_FRACTION,
        0.0,
        FRACTION_MAX,
        "token.provider_sell_fraction",
    )?;
    economy.stake_per_gpu = c.non_negative(&t.stake_per_gpu, 0.0, "token.stake_per_gpu")?;
    economy.slash_fraction = c.fraction(
        &t.slash_fraction,
        0.0,
        0.0,
        FRACTION_MAX,
        "token.slash_fraction",
    )?;
    Ok(())
}

/// The incentive engine, checked: a target >= 0, a vault within the starting supply, a
/// burn share in [0, 1].
fn incentives(c: &Check, i: &Sp<RawIncentives>, supply: f64) -> Res<UsdTarget> {
    let RawIncentives::UsdTarget {
        target_usd_per_gpu_hour,
        reward_vault_tokens,
        surplus_burn_fraction,
    } = i.get();
    let ok = target_usd_per_gpu_hour.is_finite()
        && *target_usd_per_gpu_hour >= 0.0
        && reward_vault_tokens.is_finite()
        && (0.0..=supply).contains(reward_vault_tokens)
        && (0.0..=1.0).contains(surplus_burn_fraction);
    if !ok {
        return Err(c.err(
            i.span(),
            "token.incentives: expected target_usd_per_gpu_hour >= 0, 0 <= reward_vault_tokens <= token.supply_start (the vault holds issued tokens) and surplus_burn_fraction in [0, 1]",
        ));
    }
    Ok(UsdTarget::new(
        *target_usd_per_gpu_hour,
        *reward_vault_tokens,
        *surplus_burn_fraction,
    ))
}

/// Providers paid in tokens: needs a price, and does not combine with BME.
fn token_payment(c: &Check, t: &RawToken, price: &Price) -> Res<ProviderPayment> {
    if price.price() <= 0.0 {
        return Err(c.err(
            t.price.span(),
            "token.provider_payment = \"token\" needs a token price > 0",
        ));
    }
    if t.burn
        .as_ref()
        .is_some_and(|b| matches!(b.get(), RawBurn::Bme { .. }))
    {
        return Err(c.err(
            t.price.span(),
            "token.provider_payment = \"token\" does not combine with the BME burn (providers are paid in credit there)",
        ));
    }
    Ok(ProviderPayment::Token)
}

/// One basis, or two pools whose shares sum to 1; not both.
fn reward_basis(
    c: &Check,
    split: Option<&Sp<RawRewardSplit>>,
    basis: Option<RawRewardBasis>,
) -> Res<RewardBasis> {
    match (split, basis) {
        (Some(split), None) => {
            let r = split.get();
            let ok = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
            if !(ok(r.capacity) && ok(r.delivery) && (r.capacity + r.delivery - 1.0).abs() < 1e-9) {
                return Err(c.err(
                    split.span(),
                    "token.reward_split: expected capacity and delivery shares in [0, 1] that sum to 1",
                ));
            }
            Ok(RewardBasis::Split {
                delivery_share: r.delivery,
            })
        }
        (Some(split), Some(_)) => Err(c.err(
            split.span(),
            "token.reward_split replaces token.reward_basis: set one of them",
        )),
        (None, basis) => Ok(match basis.unwrap_or(RawRewardBasis::Sold) {
            RawRewardBasis::Online => RewardBasis::Online,
            RawRewardBasis::Sold => RewardBasis::Sold,
        }),
    }
}
