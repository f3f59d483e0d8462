//! [`TableSink`]: a [`RecordSink`] that stores records column-wise and hands them over as
//! [`RunTables`].

use flopmarket_sim::RecordSink;
use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord, VenueEpochRecord};

use crate::builders::{EpochColumns, JobColumns, ProviderColumns, VenueColumn, VenueEpochColumns};
use crate::column::Table;

/// The tables of one run. Column names are the record field names, in declaration order;
/// `Option` fields are nullable; u64 -> UInt64, u32 -> UInt32, f64 -> Float64,
/// String -> String, bool -> Boolean; every `date` is a `Datetime(ms)` in UTC (null when
/// the scenario names no start). In a multi-venue world ([`RecordSink::set_venue`]
/// called), the epochs, providers and jobs tables start with a nullable `venue` String
/// column; a single-network run's tables have none.
#[derive(Debug, Clone)]
pub struct RunTables {
    /// One row per epoch and GPU model, plus one `gpu_model = "all"` row per epoch (per
    /// venue in a world).
    pub epochs: Table,
    /// One row per provider.
    pub providers: Table,
    /// One row per job; `None` when no job row was received (jobs log off).
    pub jobs: Option<Table>,
    /// One row per venue and epoch ([`VenueEpochRecord`]); `None` when no venue row was
    /// received (every single-network run).
    pub venues: Option<Table>,
}

/// Collects a run's records into one column builder per output table.
#[derive(Debug, Default, Clone)]
pub struct TableSink {
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

impl TableSink {
    /// An empty sink.
    pub fn new() -> TableSink {
        TableSink::default()
    }

    /// Rows received so far: (epochs, providers, jobs).
    pub fn rows(&self) -> (usize, usize, usize) {
        (self.epochs.len(), self.providers.len(), self.jobs.len())
    }

    /// The collected tables.
    pub fn into_tables(self) -> RunTables {
        let names = &self.venue_names;
        let jobs = (self.jobs.len() > 0)
            .then(|| self.job_venues.prepend_to(self.jobs.into_table(), names));
        let venues = (self.venue_epochs.len() > 0)
            .then(|| self.venue_epochs.into_table().dates_as_datetime());
        let epochs = self
            .epoch_venues
            .prepend_to(self.epochs.into_table().dates_as_datetime(), names);
        let providers = self
            .provider_venues
            .prepend_to(self.providers.into_table(), names);
        RunTables {
            epochs,
            providers,
            jobs,
            venues,
        }
    }
}

impl RecordSink for TableSink {
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
    use crate::column::{DType, Values};

    fn venue_row() -> VenueEpochRecord {
        VenueEpochRecord {
            epoch: 0,
            t_start_h: 0.0,
            t_end_h: 24.0,
            date: Some(86_400_000),
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
        }
    }

    #[test]
    fn empty_sink_gives_empty_typed_tables_and_no_jobs() {
        let t = TableSink::new().into_tables();
        assert_eq!(t.epochs.rows, 0);
        assert_eq!(t.epochs.columns.len(), EpochColumns::NAMES.len());
        assert_eq!(t.providers.columns.len(), ProviderColumns::NAMES.len());
        assert_eq!(
            t.epochs.column("date").unwrap().values.dtype(),
            DType::DatetimeMs
        );
        assert!(t.jobs.is_none());
        assert!(t.venues.is_none());
    }

    #[test]
    fn venue_rows_make_a_venues_table_and_set_venue_a_venue_column() {
        let mut sink = TableSink::new();
        sink.venue_epoch(&venue_row());
        let t = sink.into_tables();
        let venues = t.venues.expect("a venues table");
        assert_eq!(venues.names(), VenueEpochColumns::NAMES);
        assert!(matches!(
            &venues.column("date").unwrap().values,
            Values::DateMs(v) if v == &[Some(86_400_000)]
        ));
        // A venue row alone does not add a venue column to the other tables.
        assert_eq!(t.epochs.columns.len(), EpochColumns::NAMES.len());
    }

    #[test]
    fn rows_before_the_first_venue_get_a_null_venue() {
        let mut sink = TableSink::new();
        let row = EpochRecord::default();
        sink.epoch(&row);
        sink.set_venue("akash");
        sink.epoch(&row);
        let providers = sink.into_tables().epochs;
        assert_eq!(providers.names()[0], "venue");
        assert!(matches!(
            &providers.columns[0].values,
            Values::OptStr(v) if v == &[None, Some("akash".to_string())]
        ));
        assert!(providers.columns.iter().all(|c| c.values.len() == 2));
    }

    #[test]
    fn column_names_follow_record_declaration_order() {
        // serde_json::to_string writes struct fields in declaration order.
        let text = serde_json::to_string(&JobRecord {
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
