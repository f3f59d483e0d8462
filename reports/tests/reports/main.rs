//! Integration tests of flopmarket-reports, one binary; a file per concern.

mod fixtures;
mod frames;
mod golden;
mod sweep_files;
mod write;
