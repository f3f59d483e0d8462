//! Plain CSV tables (such as calibration tables) converted to Parquet.

use std::path::Path;

use polars::prelude::{CsvReadOptions, SerReader};

use crate::atomic::write_atomic;
use crate::error::ReportError;
use crate::write::write_parquet;

/// Reads the CSV table at `csv` (header row, types inferred) and writes it to `parquet`
/// atomically, with the same deterministic settings as the run tables.
pub fn csv_to_parquet(csv: &Path, parquet: &Path) -> Result<(), ReportError> {
    let mut frame = CsvReadOptions::default()
        .with_has_header(true)
        .with_infer_schema_length(None)
        .try_into_reader_with_file_path(Some(csv.to_path_buf()))
        .and_then(|r| r.finish())
        .map_err(ReportError::polars(format!("reading {}", csv.display())))?;
    write_atomic(parquet, |w| write_parquet(w, &mut frame, parquet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let (csv, pq) = (dir.path().join("t.csv"), dir.path().join("t.parquet"));
        std::fs::write(&csv, "kernel,value,notes\ngemm,1.5,a\ndecode,,b\n").unwrap();
        csv_to_parquet(&csv, &pq).unwrap();
        let df = polars::prelude::ParquetReader::new(std::fs::File::open(&pq).unwrap())
            .finish()
            .unwrap();
        assert_eq!(df.shape(), (2, 3));
        assert_eq!(df.column("value").unwrap().null_count(), 1);
    }
}
