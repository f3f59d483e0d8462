//! Market mechanisms: one trait, one file per mechanism. The world holds them in an enum
//! so dispatch on the hot path is a `match`, not a virtual call.
//!
//! Each mechanism's file holds its parameters (the struct), their defaults (named
//! constants), the `[market]` keys it owns (`KEYS`) and its `from_raw`, which validates
//! them. Adding one: its file, a variant and its arms here, its keys in `scenario/raw/market.rs`.

mod dispatch;
mod kind;
mod mechanism;
mod offer_selection;
mod posted_price;
mod reverse_auction;
mod second_price;
mod spec;

pub use dispatch::Market;
pub use kind::MechanismKind;
pub use mechanism::{Match, Mechanism};
pub use offer_selection::OfferSelection;
pub use posted_price::{PostedPrice, Tier};
pub use reverse_auction::{ReverseAuction, Selection};
pub use second_price::SecondPrice;
pub use spec::{ClusterSpec, MarketSpec};
