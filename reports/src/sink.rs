//! [`FrameSink`]: a [`RecordSink`] that stores records column-wise and hands them over as
//! Polars frames.

use flopmarket_sim::RecordSink;
use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord, VenueEpochRecord};
use polars::prelude::{DataFrame, DataType, PolarsResult, TimeUnit};

use crate::columns::{EpochColumns, JobColumns, ProviderColumns, VenueColumn, VenueEpochColumns};
use crate::error::ReportError;

/// The tables of one run, as Polars frames. Column names are the record field names, in
/// declaration order; `Option` fields are nullable; u64 -> UInt64, u32 -> UInt32,
/// f64 -> Float64, String -> String, bool -> Boolean; every `date` is a `Datetime(ms)`
/// in UTC (null when the scenario names no start). In a multi-venue world
/// ([`RecordSink::set_venue`] called), the epochs, providers and jobs frames start with a
/// `venue` String column; a single-network run's frames have none.
#[derive(Debug, Clone)]
pub struct RunFrames {
    /// One row per epoch and GPU model, plus one `gpu_model = "all"` row per epoch (per
    /// venue in a world).
    pub epochs: DataFrame,
    /// One row per provider.
    pub providers: DataFrame,
    /// One row per job; `None` when no job row was received (jobs log off).
    pub jobs: Option<DataFrame>,
    /// One row per venue and epoch ([`VenueEpochRecord`]); `None` when no venue row was
    /// received (every single-network run).
    pub venues: Option<DataFrame>,
}

/// Collects a run's records into one column builder per output table.
#[derive(Debug, Default, Clone)]
pub struct FrameSink {
    epochs: EpochColumns,
    providers: ProviderColumns,
    jobs: JobColumns,
    venue_epochs: VenueEpochColumns,
    /// Venue names seen, in order of first [`RecordSink::set_venue`].
    venue_names: Vec<String>,
    /// Index into `venue_names` of the venue the next rows belong to.
    venue: Option<u32>,
    epoch_venues: VenueColumn,
    provider_venues: VenueColumn,
    job_venues: VenueColumn,
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
        let names = &self.venue_names;
        let jobs = if self.jobs.len() == 0 {
            None
        } else {
            let frame = self
                .jobs
                .into_frame()
                .and_then(|f| self.job_venues.prepend_to(f, names))
                .map_err(ReportError::polars("building the jobs frame"))?;
            Some(frame)
        };
        let venues = if self.venue_epochs.len() == 0 {
            None
        } else {
            let mut frame = self
                .venue_epochs
                .into_frame()
                .map_err(ReportError::polars("building the venues frame"))?;
            dates_as_datetime(&mut frame)
                .map_err(ReportError::polars("typing the venues' date column"))?;
            Some(frame)
        };
        let mut epochs = self
            .epochs
            .into_frame()
            .map_err(ReportError::polars("building the epochs frame"))?;
        dates_as_datetime(&mut epochs)
            .map_err(ReportError::polars("typing the epochs' date column"))?;
        let epochs = self
            .epoch_venues
            .prepend_to(epochs, names)
            .map_err(ReportError::polars("adding the epochs' venue column"))?;
        let providers = self
            .providers
            .into_frame()
            .and_then(|f| self.provider_venues.prepend_to(f, names))
            .map_err(ReportError::polars("building the providers frame"))?;
        Ok(RunFrames {
            epochs,
            providers,
            jobs,
            venues,
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

/// The `date` column of the epochs or venues frame ([`EpochRecord::date`],
/// [`VenueEpochRecord::date`]) typed as [`date_type`].
fn dates_as_datetime(frame: &mut DataFrame) -> PolarsResult<()> {
    let date = frame.column("date")?.cast(&date_type())?;
    frame.with_column(date)?;
    Ok(())
}

impl RecordSink for FrameSink {
    fn epoch(&mut self, record: &EpochRecord) {
        self.epochs.push(record);
        self.epoch_venues.push(self.venue);
    }

    fn provider(&mut self, record: &ProviderRecord) {
        self.providers.push(record);
        self.provider_venues.push(self.venue);
    }

    fn job(&mut self, record: &JobRecord) {
        self.jobs.push(record);
        self.job_venues.push(self.venue);
    }

    fn set_venue(&mut self, venue: &str) {
        let index = match self.venue_names.iter().position(|v| v == venue) {
            Some(i) => i,
            None => {
                self.venue_names.push(venue.to_string());
                self.venue_names.len() - 1
            }
        };
        self.venue = Some(index as u32);
    }

    fn venue_epoch(&mut self, record: &VenueEpochRecord) {
        self.venue_epochs.push(record);
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
        assert!(frames.venues.is_none());
    }

    #[test]
    fn venue_rows_make_a_venues_frame_and_set_venue_a_venue_column() {
        let mut sink = FrameSink::new();
        sink.venue_epoch(&VenueEpochRecord {
            epoch: 0,
            t_start_h: 0.0,
            t_end_h: 24.0,
            date: None,
            venue: "aws".into(),
            kind: "cloud".into(),
            jobs_routed: 1,
            demand_share: 1.0,
            gpu_hours: 2.0,
            spend_usd: 3.0,
            providers: 0,
            gpus: 0,
            providers_in: 0,
            providers_out: 0,
            return_usd_per_gpu_hour: f64::NAN,
        });
        let frames = sink.into_frames().unwrap();
        let venues = frames.venues.expect("a venues frame");
        let names: Vec<&str> = venues
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(names, VenueEpochColumns::NAMES);
        assert_eq!(venues.column("date").unwrap().dtype(), &date_type());
        // A venue row alone does not add a venue column to the other tables.
        assert_eq!(frames.epochs.width(), EpochColumns::NAMES.len());
    }

    #[test]
    fn column_names_follow_record_declaration_order() {
        // serde_json::to_string writes struct fields in declaration order.
        let text = serde_json::to_string(&flopmarket_sim::data::records::JobRecord {
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
