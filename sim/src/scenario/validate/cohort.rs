//! `[[providers]]`: a cohort of identical providers, its costs, pricing, churn and entry
//! and exit.

use crate::base::time::{HOURS_PER_MONTH, HOURS_PER_YEAR, SimTime, from_secs, to_hours};
use crate::input::check::{Check, Res};
use crate::input::raw::{RawCohort, RawEntryExit, RawInterconnect, RawPricing};
use crate::input::spanned::Sp;
use crate::parts::cohort::{Availability, Cohort, EntryExit, Interconnect, Pricing};
use crate::scenario::validate::market::interconnect_by_name;

/// Write-off period when `amortization` is absent [yr].
pub const DEFAULT_AMORTIZATION_YEARS: f64 = 3.0;
/// Electricity price when absent [USD per kWh].
pub const DEFAULT_ELECTRICITY_USD_PER_KWH: f64 = 0.12;
/// Idle power as a fraction of TDP when absent [fraction].
pub const DEFAULT_IDLE_POWER_FRACTION: f64 = 0.25;
/// Joiners per epoch as a fraction of active providers when absent [fraction].
pub const DEFAULT_ENTRY_PER_EPOCH: f64 = 0.02;
/// Region label when absent.
pub const DEFAULT_REGION: &str = "global";

/// One cohort; `epoch` turns `entry_exit.exit_after` into whole epochs [µs].
pub(super) fn cohort(c: &Check, k: &RawCohort, epoch: SimTime) -> Res<Cohort> {
    let gpu = c.gpu(&k.gpu)?;
    let spec = c.catalog.gpu(gpu);
    let count = c.check(&k.count, |x| x >= 1, "count >= 1 providers")?;
    let gpus_per_provider = c.count_in(&k.gpus_per_provider, 1, 1..=64, "gpus_per_provider")?;
    let street = (spec.street_price_usd_low + spec.street_price_usd_high) / 2.0;
    let amortization_hours = match &k.amortization {
        Some(a) => to_hours(c.duration(a, false, "amortization")?),
        None => DEFAULT_AMORTIZATION_YEARS * HOURS_PER_YEAR,
    };
    let pricing = pricing(c, &k.pricing)?;
    let availability = match &k.availability {
        Some(a) => Some(Availability {
            mtbf: c.dist_secs(&a.mtbf, "availability.mtbf")?,
            mttr: c.dist_secs(&a.mttr, "availability.mttr")?,
            mtbf_scale: 1.0,
        }),
        None => None,
    };
    Ok(Cohort {
        name: k.name.get().clone(),
        count,
        gpu,
        gpus_per_provider: gpus_per_provider as u16,
        region: k.region.clone().unwrap_or_else(|| DEFAULT_REGION.into()),
        capex_usd_per_gpu: c.non_negative(&k.capex_usd_per_gpu, street, "capex_usd_per_gpu")?,
        amortization_hours,
        electricity_usd_per_kwh: c.non_negative(
            &k.electricity_usd_per_kwh,
            DEFAULT_ELECTRICITY_USD_PER_KWH,
            "electricity_usd_per_kwh",
        )?,
        idle_power_fraction: c.fraction(
            &k.idle_power_fraction,
            DEFAULT_IDLE_POWER_FRACTION,
            0.0,
            1.0001,
            "idle_power_fraction",
        )?,
        hosting_usd_per_gpu_hour: c.non_negative(
            &k.hosting_usd_per_gpu_hour,
            0.0,
            "hosting_usd_per_gpu_hour",
        )?,
        stake_multiplier: c.non_negative(&k.stake_multiplier, 1.0, "stake_multiplier")?,
        pricing,
        availability,
        interconnect: match k.interconnect {
            Some(RawInterconnect::Nvlink) => Interconnect::Nvlink,
            Some(RawInterconnect::Pcie) => Interconnect::Pcie,
            Some(RawInterconnect::Ethernet) => Interconnect::Ethernet,
            Some(RawInterconnect::Consumer) => Interconnect::Consumer,
            None => interconnect_by_name(&spec.interconnect).unwrap_or(Interconnect::Ethernet),
        },
        entry_exit: match &k.entry_exit {
            Some(e) => Some(entry_exit(c, e, count, epoch)?),
            None => None,
        },
    })
}

/// A provider's pricing strategy.
fn pricing(c: &Check, p: &Sp<RawPricing>) -> Res<Pricing> {
    Ok(match p.get() {
        RawPricing::CostPlus { markup } => Pricing::CostPlus {
            markup: c.dist_num(markup, p.span(), "pricing.markup")?,
        },
        RawPricing::RandomRange {
            min_usd_per_gpu_hour: lo,
            max_usd_per_gpu_hour: hi,
        } => {
            if !(lo.is_finite() && hi.is_finite() && *lo >= 0.0 && lo <= hi) {
                return Err(c.err(
                    p.span(),
                    "pricing: expected 0 <= min_usd_per_gpu_hour <= max_usd_per_gpu_hour",
                ));
            }
            Pricing::RandomRange { min: *lo, max: *hi }
        }
        RawPricing::PriceList { usd_per_gpu_month } => {
            if !(usd_per_gpu_month.is_finite() && *usd_per_gpu_month > 0.0) {
                return Err(c.err(p.span(), "pricing.usd_per_gpu_month: expected a price > 0"));
            }
            Pricing::PriceList {
                usd_per_gpu_hour: usd_per_gpu_month / HOURS_PER_MONTH,
            }
        }
        RawPricing::Linear {
            start_usd,
            usd_per_gpu_hour,
        } => Pricing::Linear {
            start_usd: c.dist_num(start_usd, p.span(), "pricing.start_usd")?,
            usd_per_gpu_hour: c.dist_num(usd_per_gpu_hour, p.span(), "pricing.usd_per_gpu_hour")?,
        },
    })
}

/// Entry and exit: a finite hurdle, an entry rate in [0, 1], a finite exit delay > 0.
fn entry_exit(c: &Check, e: &Sp<RawEntryExit>, count: u32, epoch: SimTime) -> Res<EntryExit> {
    let r = e.get();
    let entry = r.entry_per_epoch.unwrap_or(DEFAULT_ENTRY_PER_EPOCH);
    let exit_s = r.exit_after.secs();
    if !(r.hurdle_annual_return.is_finite()
        && (0.0..=1.0).contains(&entry)
        && exit_s.is_finite()
        && exit_s > 0.0)
    {
        return Err(c.err(
            e.span(),
            format!("entry_exit: expected a finite hurdle_annual_return, entry_per_epoch in [0, 1] and a finite exit_after > 0 (max_count {} caps entry; the cohort starts with {count})", r.max_count),
        ));
    }
    Ok(EntryExit {
        hurdle_annual_return: r.hurdle_annual_return,
        entry_per_epoch: entry,
        max_count: r.max_count,
        exit_after_epochs: (from_secs(exit_s).div_ceil(epoch)).max(1) as u32,
    })
}
