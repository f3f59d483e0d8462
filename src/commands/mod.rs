//! One module per subcommand.

pub mod calibrate;
pub mod fit;
pub mod list;
pub mod reference;
pub mod report;
pub mod run;
pub mod schema;
pub mod study;
pub mod sweep;
pub mod validate;
