//! [`FrameSink`]: a [`RecordSink`] that stores records column-wise and hands them over as
//! Polars frames.

use flopmarket_sim::RecordSink;
use flopmarket_sim::output::{EpochRecord, JobRecord, ProviderRecord};
use polars::prelude::{DataFrame, DataType, PolarsResult, TimeUnit};

use crate::columns::{EpochColumns, JobColumns, ProviderColumns};
use crate::error::ReportError;

/// The tables of one run, as Polars frames. Column names are the record field names, in
/// declaration order; `Option` fields are nullable; u64 -> UInt64, u32 -> UInt32,
/// f64 -> Float64, String -> String, bool -> Boolean; the epochs' `date` is a
/// `Datetime(ms)` in UTC (null when the scenario names no start).
#[derive(Debug, Clone)]
pub struct RunFrames {
    /// One row per epoch and GPU model, plus one `gpu_model = "all"` row per epoch.
    pub epochs: DataFrame,
    /// One row per provider.
    pub providers: DataFrame,
    /// One row per job; `None` when no job row was received (jobs log off).
    pub jobs: Option<DataFrame>,
}

/// Collects a run's records into one column builder per output table.
#[derive(Debug, Default, Clone)]
pub struct FrameSink {
    epochs: EpochColumns,
    providers: ProviderColumns,
    jobs: JobColumns,
}

impl FrameSink {
    /// An empty sink.
    pub fn new() -> FrameSink {
        FrameSink::default()
    }

    /// Rows received so far: (epochs, providers, jobs).
    pub fn rows(&self) -> (usize, usize, usize) {
        (self.epochs.len(), self.providers.len(), self.jobs.len())
    }

    /// The collected tables as frames.
    pub fn into_frames(self) -> Result<RunFrames, ReportError> {
        let jobs = if self.jobs.len() == 0 {
            None
        } else {
            Some(
                self.jobs
                    .into_frame()
                    .map_err(ReportError::polars("building the jobs frame"))?,
            )
        };
        let mut epochs = self
            .epochs
            .into_frame()
            .map_err(ReportError::polars("building the epochs frame"))?;
        dates_as_datetime(&mut epochs)
            .map_err(ReportError::polars("typing the epochs' date column"))?;
        Ok(RunFrames {
            epochs,
            providers: self
                .providers
                .into_frame()
                .map_err(ReportError::polars("building the providers frame"))?,
            jobs,
        })
    }
}

/// The type of every date column in the tables (the epochs' `date`, observed.parquet's
/// `date`): `Datetime(ms)` from ms since 1970, so Polars, pandas and DuckDB read dates,
/// not integers. No time-zone tag (Polars' time zones need its `timezones` feature and
/// the tz database): the values are UTC, as every date in flopmarket is.
pub(crate) fn date_type() -> DataType {
    DataType::Datetime(TimeUnit::Milliseconds, None)
}

/// The epochs' `date` column ([`EpochRecord::date`]) typed as [`date_type`].
fn dates_as_datetime(epochs: &mut DataFrame) -> PolarsResult<()> {
    let date = epochs.column("date")?.cast(&date_type())?;
    epochs.with_column(date)?;
    Ok(())
}

impl RecordSink for FrameSink {
    fn epoch(&mut self, record: &EpochRecord) {
        self.epochs.push(record);
    }

    fn provider(&mut self, record: &ProviderRecord) {
        self.providers.push(record);
    }

    fn job(&mut self, record: &JobRecord) {
        self.jobs.push(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_sink_gives_empty_typed_frames_and_no_jobs() {
        let frames = FrameSink::new().into_frames().unwrap();
        assert_eq!(frames.epochs.height(), 0);
        assert_eq!(frames.epochs.width(), EpochColumns::NAMES.len());
        assert_eq!(frames.providers.width(), ProviderColumns::NAMES.len());
        assert!(frames.jobs.is_none());
    }

    #[test]
    fn column_names_follow_record_declaration_order() {
        // serde_json::to_string writes struct fields in declaration order.
        let text = serde_json::to_string(&flopmarket_sim::output::JobRecord {
            job_id: 0,
            workload: String::new(),
            kind: String::new(),
            gpus: 0,
            size_ref_gpu_h: 0.0,
            submitted_h: 0.0,
            first_start_h: None,
            end_h: None,
            wait_s: None,
            waited: false,
            status: String::new(),
            provider_id: None,
            gpu_model: None,
            price_usd_per_gpu_hour: None,
            spend_usd: 0.0,
            cloud_spend_usd: 0.0,
            cloud_equivalent_usd: 0.0,
            restarts: 0,
        })
        .unwrap();
        let positions: Vec<usize> = JobColumns::NAMES
            .iter()
            .map(|n| text.find(&format!("\"{n}\":")).expect(n))
            .collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
    }
}
