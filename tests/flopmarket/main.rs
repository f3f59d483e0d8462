//! Integration tests of the flopmarket CLI, one binary; a file per concern.

mod cli;
mod common;
mod fit;
mod machine;
mod outputs;
mod study;
mod sweep;
