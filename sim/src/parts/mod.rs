//! Layer 3, the parts a scenario is made of. Each owns its parameter types, their
//! defaults, `from_raw` (validation from [`crate::input`]) and `describe`, and where it
//! needs no running network, its behaviour: provider cohorts and the provider record,
//! the order book, jobs, market mechanisms, token parts, consumers' choice, providers'
//! mobility, claims and observed series. Uses the layers below only.

pub mod book;
pub mod choice;
pub mod claims;
pub mod cloud;
pub mod cohort;
pub mod job;
pub mod logit;
pub mod market;
pub mod mobility;
pub mod observed;
pub mod provider;
pub mod token;
pub mod verification;
