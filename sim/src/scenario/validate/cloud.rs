//! `[cloud]`: the cloud baseline, a (cloud, offering) pair of cloud_prices.csv.

use super::super::CloudSpec;
use super::super::raw::RawCloud;
use super::{Check, Res};

/// Cloud when `cloud.name` is absent.
pub const DEFAULT_CLOUD: &str = "aws";
/// Offering when `cloud.offering` is absent.
pub const DEFAULT_OFFERING: &str = "on_demand";

/// The cloud and its price for every GPU model of the catalog.
pub(super) fn cloud(c: &Check, raw: Option<&RawCloud>) -> Res<CloudSpec> {
    let name = raw.and_then(|k| k.name.as_ref());
    let offering = raw.and_then(|k| k.offering.as_ref());
    let name_s = name.map_or(DEFAULT_CLOUD.to_string(), |n| n.get().clone());
    let offering_s = offering.map_or(DEFAULT_OFFERING.to_string(), |o| o.get().clone());
    let prices = &c.catalog.cloud_prices;
    if !prices.iter().any(|p| p.cloud == name_s) {
        let span = name.map_or(0..0, |n| n.span());
        return Err(c.err(
            span,
            format!("unknown cloud `{name_s}`; expected aws, gcp or azure"),
        ));
    }
    if !prices
        .iter()
        .any(|p| p.cloud == name_s && p.offering == offering_s)
    {
        let span = offering.map_or(0..0, |o| o.span());
        return Err(c.err(
            span,
            format!("cloud `{name_s}` has no offering `{offering_s}` in cloud_prices.csv"),
        ));
    }
    let usd_per_gpu_hour = c
        .catalog
        .gpus
        .iter()
        .map(|g| c.catalog.cloud_price(&name_s, &offering_s, &g.gpu))
        .collect();
    Ok(CloudSpec {
        name: name_s,
        offering: offering_s,
        usd_per_gpu_hour,
    })
}
