//! The market model: providers, workloads, mechanisms and the world that ties them.

pub mod catalog;
pub mod dist;
pub mod throughput;
