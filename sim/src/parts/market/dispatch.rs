//! The mechanisms a network can run, as one enum ([`Market`]): dispatch on the hot path
//! is a `match`, not a virtual call; [`MechanismKind`] names them in outputs.

use super::kind::MechanismKind;
use super::mechanism::{Match, Mechanism};
use super::offer_selection::OfferSelection;
use super::posted_price::{PostedPrice, Tier};
use super::reverse_auction::ReverseAuction;
use super::second_price::SecondPrice;
use crate::base::rng::StreamRng;
use crate::data::catalog::GpuId;
use crate::input::check::{Check, Res};
use crate::input::raw::{RawMarket, RawMechanism};
use crate::input::spanned::Sp;
use crate::parts::book::{Bid, OrderSpec, ProviderBook};
use crate::parts::provider::Provider;

/// The mechanisms the world can run.
#[derive(Debug, Clone)]
pub enum Market {
    /// Akash reverse auction.
    ReverseAuction(ReverseAuction),
    /// Sealed-bid second-price (Vickrey) reverse auction.
    SecondPrice(SecondPrice),
    /// Posted price, first come first served.
    PostedPrice(PostedPrice),
    /// Golem: linear-price offers, chosen by expected cost.
    OfferSelection(OfferSelection),
}

impl MechanismKind {
    /// The `[market]` keys that belong to this mechanism.
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            MechanismKind::ReverseAuction => ReverseAuction::KEYS,
            MechanismKind::SecondPrice => SecondPrice::KEYS,
            MechanismKind::PostedPrice => PostedPrice::KEYS,
            MechanismKind::OfferSelection => OfferSelection::KEYS,
        }
    }

    fn of_raw(raw: RawMechanism) -> MechanismKind {
        match raw {
            RawMechanism::ReverseAuction => MechanismKind::ReverseAuction,
            RawMechanism::SecondPrice => MechanismKind::SecondPrice,
            RawMechanism::PostedPrice => MechanismKind::PostedPrice,
            RawMechanism::OfferSelection => MechanismKind::OfferSelection,
        }
    }
}

impl Default for Market {
    /// The market of a scenario without `[market]`: Akash's reverse auction.
    fn default() -> Self {
        Market::ReverseAuction(ReverseAuction::default())
    }
}

impl Market {
    /// The mechanism `[market]` names, with its parameters validated. A key that belongs
    /// to another mechanism is an error at its value.
    pub(crate) fn from_raw(sp: &Sp<RawMarket>, c: &Check) -> Res<Market> {
        let m = sp.get();
        let kind = MechanismKind::of_raw(m.mechanism);
        for (key, span) in m.mechanism_keys() {
            if !kind.keys().contains(&key) {
                let owner = MechanismKind::ALL
                    .into_iter()
                    .find(|k| k.keys().contains(&key))
                    .map_or("another", MechanismKind::name);
                return Err(c.err(
                    span,
                    format!(
                        "market.{key} is a parameter of the {owner} mechanism, not of {}",
                        kind.name()
                    ),
                ));
            }
        }
        Ok(match kind {
            MechanismKind::SecondPrice => Market::SecondPrice(SecondPrice::from_raw(m, c)?),
            MechanismKind::ReverseAuction => {
                Market::ReverseAuction(ReverseAuction::from_raw(m, c)?)
            }
            MechanismKind::PostedPrice => {
                Market::PostedPrice(PostedPrice::from_raw(m, sp.span(), c)?)
            }
            MechanismKind::OfferSelection => {
                Market::OfferSelection(OfferSelection::from_raw(m, c)?)
            }
        })
    }

    /// Takes `new`'s parameters (a `[[timeline]]` change, same mechanism) and keeps the
    /// market's state: the start fees offer selection has listed. A different mechanism
    /// is refused when the timeline is validated; here it would be ignored.
    pub fn change_parameters(&mut self, new: &Market) {
        match (self, new) {
            (Market::OfferSelection(m), Market::OfferSelection(n)) => {
                let start_usd = std::mem::take(&mut m.start_usd);
                *m = OfferSelection {
                    start_usd,
                    ..n.clone()
                };
            }
            (Market::ReverseAuction(m), Market::ReverseAuction(n)) => *m = n.clone(),
            (Market::SecondPrice(m), Market::SecondPrice(n)) => *m = n.clone(),
            (Market::PostedPrice(m), Market::PostedPrice(n)) => *m = n.clone(),
            // A different mechanism: refused when the timeline is validated. Every
            // variant is named, so a new mechanism does not compile without its arm above.
            (
                Market::ReverseAuction(_)
                | Market::SecondPrice(_)
                | Market::PostedPrice(_)
                | Market::OfferSelection(_),
                _,
            ) => {}
        }
    }

    /// Which mechanism this is.
    pub fn kind(&self) -> MechanismKind {
        match self {
            Market::ReverseAuction(_) => MechanismKind::ReverseAuction,
            Market::SecondPrice(_) => MechanismKind::SecondPrice,
            Market::PostedPrice(_) => MechanismKind::PostedPrice,
            Market::OfferSelection(_) => MechanismKind::OfferSelection,
        }
    }

    /// The service tiers of a posted-price market; empty for other mechanisms.
    pub fn tiers(&self) -> &[Tier] {
        match self {
            Market::PostedPrice(m) => &m.tiers,
            _ => &[],
        }
    }

    /// The posted price of model `gpu` [USD per GPU-hour], in a posted-price market.
    pub fn posted_price(&self, gpu: GpuId) -> Option<f64> {
        match self {
            Market::PostedPrice(m) => m.prices.get(gpu as usize).copied().flatten(),
            _ => None,
        }
    }

    /// Tells the mechanism each provider's start fee [USD], and unlists providers whose
    /// fee is over the requestors' cap: no order could take their offers, and leaving
    /// them in the book would let them crowd the cheapest-per-hour offers an order sees.
    /// Returns how many were unlisted.
    pub fn list_start_fees(&mut self, providers: &mut [Provider]) -> u64 {
        providers.iter_mut().map(|p| self.list(p) as u64).sum()
    }

    /// Lists the next provider (ids in order): records its start fee and unlists it if
    /// the fee is over the requestors' cap; returns whether it was unlisted.
    pub fn list(&mut self, p: &mut Provider) -> bool {
        let Market::OfferSelection(m) = self else {
            return false;
        };
        m.start_usd.push(p.start_usd);
        if p.start_usd > m.max_start_usd {
            p.listed = false;
        }
        !p.listed
    }
}

impl Mechanism for Market {
    #[inline]
    fn clear(
        &self,
        order: OrderSpec,
        book: &ProviderBook,
        rng: &mut StreamRng,
        scratch: &mut Vec<Bid>,
    ) -> Option<Match> {
        match self {
            Market::ReverseAuction(m) => m.clear(order, book, rng, scratch),
            Market::SecondPrice(m) => m.clear(order, book, rng, scratch),
            Market::PostedPrice(m) => m.clear(order, book, rng, scratch),
            Market::OfferSelection(m) => m.clear(order, book, rng, scratch),
        }
    }

    fn book_cap(&self, gpu: GpuId, consumer_cap: f64) -> Option<f64> {
        match self {
            Market::ReverseAuction(m) => m.book_cap(gpu, consumer_cap),
            Market::SecondPrice(m) => m.book_cap(gpu, consumer_cap),
            Market::PostedPrice(m) => m.book_cap(gpu, consumer_cap),
            Market::OfferSelection(m) => m.book_cap(gpu, consumer_cap),
        }
    }

    fn name(&self) -> &'static str {
        self.kind().name()
    }
}
