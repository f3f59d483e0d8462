//! `[cloud]`: the cloud baseline, a (cloud, offering) pair of cloud_prices.csv.

use crate::input::check::{Check, Res};
use crate::input::raw::RawCloud;
use crate::parts::cloud::CloudSpec;

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
            format!(
                "unknown cloud `{name_s}`; expected one of the clouds of cloud_prices.csv ({})",
                offerings(c)
            ),
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
    let mut alternatives = vec![priced(c, &name_s, &offering_s)];
    match raw.and_then(|k| k.alternatives.as_ref()) {
        Some(list) => {
            for entry in list {
                let (cloud, offering) = entry
                    .get()
                    .split_once(':')
                    .unwrap_or((entry.get().as_str(), DEFAULT_OFFERING));
                if !prices
                    .iter()
                    .any(|p| p.cloud == cloud && p.offering == offering)
                {
                    return Err(c.err(
                        entry.span(),
                        format!(
                            "no cloud `{cloud}` with offering `{offering}` in cloud_prices.csv; expected \"cloud\" or \"cloud:offering\", one of {}",
                            offerings(c)
                        ),
                    ));
                }
                push_new(&mut alternatives, priced(c, cloud, offering));
            }
        }
        None => {
            for p in prices.iter().filter(|p| p.offering == DEFAULT_OFFERING) {
                push_new(&mut alternatives, priced(c, &p.cloud, DEFAULT_OFFERING));
            }
        }
    }
    let mut spec = priced(c, &name_s, &offering_s);
    spec.alternatives = alternatives;
    Ok(spec)
}

/// `cloud`'s `offering` priced for every GPU model of the catalog.
pub(super) fn priced(c: &Check, cloud: &str, offering: &str) -> CloudSpec {
    CloudSpec {
        name: cloud.to_string(),
        offering: offering.to_string(),
        usd_per_gpu_hour: c
            .catalog
            .gpus
            .iter()
            .map(|g| c.catalog.cloud_price(cloud, offering, &g.gpu))
            .collect(),
        alternatives: Vec::new(),
    }
}

/// Appends `spec` unless the same (cloud, offering) is listed already.
fn push_new(list: &mut Vec<CloudSpec>, spec: CloudSpec) {
    if !list
        .iter()
        .any(|s| s.name == spec.name && s.offering == spec.offering)
    {
        list.push(spec);
    }
}

/// Every `cloud:offering` pair of cloud_prices.csv, for error messages.
fn offerings(c: &Check) -> String {
    let mut pairs: Vec<String> = Vec::new();
    for p in &c.catalog.cloud_prices {
        let pair = format!("{}:{}", p.cloud, p.offering);
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    pairs.join(", ")
}
