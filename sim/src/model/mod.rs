//! The market model: providers, workloads, mechanisms and the world that ties them.

pub mod book;
pub mod calibration;
pub mod catalog;
pub mod churn;
pub mod cluster;
pub mod dist;
pub mod entry_exit;
pub mod job;
pub mod ledger;
pub mod market;
pub mod provider;
pub mod serving;
pub mod throughput;
pub mod tiers;
pub mod trace;
pub mod verification;
pub mod workload;
pub mod world;
