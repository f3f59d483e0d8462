//! Layer 2, input: the scenario TOML as written ([`raw`], a serde mirror with byte
//! spans, [`spanned`]), the checks every part's `from_raw` uses with file:line:col errors
//! ([`check`], [`error`]) and `--set` overrides applied to the text ([`overrides`]).
//! Uses [`crate::base`] and [`crate::data`].

pub mod check;
pub mod error;
pub mod file;
pub mod overrides;
pub mod raw;
pub mod spanned;
