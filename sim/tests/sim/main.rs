//! Integration tests of the simulator, one file per thing that can go wrong.

mod alternatives;
mod auction_oracle;
mod backtest;
mod bad_input;
mod calibration;
mod clouds;
mod common;
mod conservation;
mod determinism;
mod history;
mod layers;
mod market_keys;
mod networks;
mod observables;
mod properties;
mod queueing;
mod second_price;
mod serving;
mod timeline;
mod traces;
mod world_steps;
mod worlds;
