//! Golem's market: providers publish offers with a linear price (a start fee plus a price
//! per GPU-hour; Golem's `linear` pricing model, in GLM); the requestor collects offers
//! for `offer_window`, drops those above its caps (`maxStartPrice`, the per-hour cap),
//! and takes the offer with the lowest expected cost for its task:
//! start + per-hour x GPUs x (work on the reference GPU / speed of the offered GPU).
//! The lease is paid as it runs (pay-as-you-go debit notes, settled per epoch), the
//! start fee with the first payment.

use super::mechanism::{Match, Mechanism};
use crate::base::rng::StreamRng;
use crate::base::time::{SECOND, SimTime};
use crate::input::check::{Check, Res};
use crate::input::raw::RawMarket;
use crate::parts::book::{Bid, OrderSpec, ProviderBook};

/// Offers a requestor collects when the scenario does not say.
pub const DEFAULT_MAX_OFFERS: u32 = 20;
/// Time spent collecting offers when the scenario does not say [µs].
pub const DEFAULT_OFFER_WINDOW: SimTime = 30 * SECOND;
/// Highest start fee accepted when the scenario does not say: no cap [USD].
pub const DEFAULT_MAX_START_USD: f64 = f64::INFINITY;

/// Offer selection parameters.
#[derive(Debug, Clone)]
pub struct OfferSelection {
    /// Most offers the requestor collects (the cheapest per hour reach it first).
    pub max_offers: usize,
    /// Time spent collecting offers and negotiating the agreement [µs].
    pub offer_window: SimTime,
    /// Highest start fee the requestor accepts [USD].
    pub max_start_usd: f64,
    /// Start fee of each provider, by provider id [USD]; set once the providers exist.
    pub start_usd: Vec<f64>,
}

impl OfferSelection {
    /// Keys of `[market]` that belong to this mechanism.
    pub const KEYS: &[&str] = &["max_offers", "offer_window", "max_start_usd"];

    /// The mechanism a scenario's `[market]` describes (no start fees listed yet).
    pub(crate) fn from_raw(m: &RawMarket, c: &Check) -> Res<Self> {
        Ok(OfferSelection {
            max_offers: c.count_in(&m.max_offers, DEFAULT_MAX_OFFERS, 1..=1000, "max_offers")?
                as usize,
            offer_window: c.delay(
                &m.offer_window,
                DEFAULT_OFFER_WINDOW,
                false,
                "market.offer_window",
            )?,
            max_start_usd: c.non_negative(
                &m.max_start_usd,
                DEFAULT_MAX_START_USD,
                "market.max_start_usd",
            )?,
            start_usd: Vec::new(),
        })
    }

    /// Expected cost of `offer` for `order` [USD]; `None` if its start fee is over the cap.
    pub fn expected_cost(&self, order: &OrderSpec, offer: &Bid) -> Option<f64> {
        let start = self.start_usd.get(offer.provider as usize).copied()?;
        (start <= self.max_start_usd).then(|| {
            start
                + offer.usd_per_gpu_hour * order.gpus as f64 * order.work_ref_h
                    / order.speed(offer.gpu)
        })
    }
}

impl Mechanism for OfferSelection {
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        _rng: &mut StreamRng,
        offers: &mut Vec<Bid>,
    ) -> Option<Match> {
        book.cheapest(order, self.max_offers, offers);
        // Lowest expected cost; ties go to the earlier offer (cheaper per hour, lower id).
        let mut best: Option<(f64, Bid)> = None;
        for offer in offers.iter() {
            if let Some(cost) = self.expected_cost(&order, offer)
                && best.is_none_or(|(c, _)| cost < c)
            {
                best = Some((cost, *offer));
            }
        }
        let (_, bid) = best?;
        Some(Match {
            bid,
            usd_per_gpu_hour: bid.usd_per_gpu_hour,
            start_usd: self.start_usd[bid.provider as usize],
            start_delay: self.offer_window,
            bids: offers.len() as u32,
            expired: false,
        })
    }

    fn name(&self) -> &'static str {
        super::kind::MechanismKind::OfferSelection.name()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::{StreamId, StreamKind, stream_rng};
    use crate::data::catalog::Catalog;
    use crate::parts::cohort::{Cohort, Interconnect, Pricing};
    use crate::parts::provider::Provider;

    fn host(catalog: &Catalog, hourly: f64) -> Provider {
        let cohort = Cohort {
            name: "h".into(),
            count: 1,
            gpu: catalog.gpu_id("RTX-4090").unwrap(),
            gpus_per_provider: 1,
            region: "global".into(),
            capex_usd_per_gpu: 1000.0,
            amortization_hours: 26_298.0,
            electricity_usd_per_kwh: 0.1,
            idle_power_fraction: 0.25,
            hosting_usd_per_gpu_hour: 0.0,
            stake_multiplier: 1.0,
            pricing: Pricing::PriceList {
                usd_per_gpu_hour: hourly,
            },
            availability: None,
            interconnect: Interconnect::Consumer,
            entry_exit: None,
        };
        Provider::new(1, 0, 0, &cohort, catalog)
    }

    /// A cheap hourly price with a large start fee loses a short task and wins a long
    /// one: the break-even is where start fees and hourly savings cancel.
    #[test]
    fn picks_the_lowest_expected_cost_not_the_lowest_hourly_price() {
        let catalog = Catalog::embedded();
        let hosts = [host(catalog, 0.30), host(catalog, 0.40)];
        let mut book = ProviderBook::new(catalog.gpus.len(), 1);
        for (i, h) in hosts.iter().enumerate() {
            book.insert(i as u32, h);
        }
        let market = OfferSelection {
            max_offers: 10,
            offer_window: 0,
            max_start_usd: 10.0,
            // Host 0: cheap per hour, 2 USD to start; host 1: no start fee.
            start_usd: vec![2.0, 0.0],
        };
        let caps = [(hosts[0].gpu, 1.0)];
        let mut rng = stream_rng(1, StreamId::new(StreamKind::Market, 0));
        let mut scratch = Vec::new();
        let pick = |work_ref_h: f64, rng: &mut StreamRng, scratch: &mut Vec<Bid>| {
            let order = OrderSpec {
                work_ref_h,
                ..OrderSpec::new(1, &caps)
            };
            market.clear(order, &book, rng, scratch).unwrap()
        };
        // Break-even: 2 + 0.30 h = 0.40 h at h = 20 (speed 1 when unknown).
        let short = pick(10.0, &mut rng, &mut scratch);
        assert_eq!(short.bid.provider, 1);
        assert_eq!(short.start_usd, 0.0);
        let long = pick(30.0, &mut rng, &mut scratch);
        assert_eq!(long.bid.provider, 0);
        assert_eq!(long.start_usd, 2.0);
        assert_eq!(long.bids, 2);
        // A start fee over the requestor's cap rules the offer out whatever the task.
        let strict = OfferSelection {
            max_start_usd: 1.0,
            ..market.clone()
        };
        let order = OrderSpec {
            work_ref_h: 1000.0,
            ..OrderSpec::new(1, &caps)
        };
        let m = strict.clear(order, &book, &mut rng, &mut scratch).unwrap();
        assert_eq!(m.bid.provider, 1);
    }
}
