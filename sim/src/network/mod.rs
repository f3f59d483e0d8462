//! Layer 5, the running network built from a [`crate::scenario::Scenario`]: the
//! [`world::World`] model (events and the job life cycle), its ledger, service tiers,
//! churn, entry and exit, clusters, arrivals, verification at run time and multi-homed
//! listings. Uses the layers below only.

pub mod churn;
pub mod cluster;
pub mod entry_exit;
pub mod ledger;
pub mod listing;
pub mod tiers;
pub mod verification;
pub mod workload;
pub mod world;
