//! One module per subcommand.

pub mod calibrate;
pub mod run;
pub mod schema;
pub mod validate;
