//! `[market]`: the fee, the mechanism (which validates its own keys) and aggregator
//! clusters.

use crate::input::check::{Check, Res};
use crate::input::raw::{RawClusters, RawMarket};
use crate::input::spanned::Sp;
use crate::parts::cohort::Interconnect;
use crate::parts::market::Market;
use crate::parts::market::{ClusterSpec, MarketSpec};

/// Network fee when `market.take_rate` is absent [fraction].
pub const DEFAULT_TAKE_RATE: f64 = 0.0;
/// Cluster throughput factor for mixed interconnect classes when absent [ratio].
pub const DEFAULT_MIXED_INTERCONNECT_EFFICIENCY: f64 = 1.0;

/// The market: Akash's reverse auction with its defaults when `[market]` is absent.
pub(super) fn market(c: &Check, raw: Option<&Sp<RawMarket>>) -> Res<MarketSpec> {
    let Some(sp) = raw else {
        return Ok(MarketSpec {
            mechanism: Market::default(),
            take_rate: DEFAULT_TAKE_RATE,
            clusters: None,
        });
    };
    let m = sp.get();
    let take_rate = c.fraction(
        &m.take_rate,
        DEFAULT_TAKE_RATE,
        0.0,
        1.0,
        "market.take_rate",
    )?;
    let mechanism = Market::from_raw(sp, c)?;
    let clusters = match &m.clusters {
        Some(k) => Some(clusters(c, k)?),
        None => None,
    };
    Ok(MarketSpec {
        mechanism,
        take_rate,
        clusters,
    })
}

/// Interconnect classes in index order.
pub(super) const INTERCONNECTS: [Interconnect; 4] = [
    Interconnect::Nvlink,
    Interconnect::Pcie,
    Interconnect::Ethernet,
    Interconnect::Consumer,
];

/// The class named `name` (scenario keys and gpus.csv's `interconnect` column).
pub(super) fn interconnect_by_name(name: &str) -> Option<Interconnect> {
    INTERCONNECTS.into_iter().find(|c| c.name() == name)
}

/// Clusters: 2-64 hosts, an efficiency in (0, 1] for every interconnect class.
fn clusters(c: &Check, k: &Sp<RawClusters>) -> Res<ClusterSpec> {
    let raw = k.get();
    let max_hosts = c.check(
        &raw.max_hosts,
        |x| (2..=64).contains(&x),
        "max_hosts in 2..=64",
    )?;
    let table = &raw.cross_host_efficiency;
    let mut eff = [f64::NAN; 4];
    for (key, v) in table.get() {
        let Some(class) = interconnect_by_name(key) else {
            return Err(c.err(
                table.span(),
                format!("cross_host_efficiency: unknown interconnect class `{key}`; expected nvlink, pcie, ethernet or consumer"),
            ));
        };
        if !(v.is_finite() && *v > 0.0 && *v <= 1.0) {
            return Err(c.err(
                table.span(),
                format!("cross_host_efficiency.{key}: expected a ratio in (0, 1], got {v}"),
            ));
        }
        eff[class as usize] = *v;
    }
    if let Some(missing) = eff.iter().position(|v| v.is_nan()) {
        return Err(c.err(
            table.span(),
            format!(
                "cross_host_efficiency: expected a value for each of nvlink, pcie, ethernet, consumer (missing `{}`)",
                INTERCONNECTS[missing].name()
            ),
        ));
    }
    let mixed = match &raw.mixed_interconnect_efficiency {
        Some(v) => c.check(
            v,
            |x| x.is_finite() && x > 0.0 && x <= 1.0,
            "mixed_interconnect_efficiency in (0, 1]",
        )?,
        None => DEFAULT_MIXED_INTERCONNECT_EFFICIENCY,
    };
    Ok(ClusterSpec {
        max_hosts: max_hosts as u16,
        cross_host_efficiency: eff,
        mixed_interconnect_efficiency: mixed,
    })
}
