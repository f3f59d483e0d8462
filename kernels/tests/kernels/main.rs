//! Integration tests of flopmarket-kernels, one file per concern.

mod csv_table;
mod cuda;
mod quick_run;
