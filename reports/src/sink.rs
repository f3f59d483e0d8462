//! [`FrameSink`]: a [`RecordSink`] that stores records column-wise
//! ([`flopmarket_tables::TableSink`], the one schema of the tables) and hands them over
//! as Polars frames.

use flopmarket_sim::RecordSink;
use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord, VenueEpochRecord};
use flopmarket_tables::{Table, TableSink, Values};
use polars::prelude::{Column, DataFrame, DataType, PolarsResult, TimeUnit};

use crate::error::ReportError;

/// The tables of one run, as Polars frames: [`flopmarket_tables::RunTables`] column for
/// column. Column names are the record field names, in declaration order; `Option` fields
/// are nullable; u64 -> UInt64, u32 -> UInt32, f64 -> Float64, String -> String,
/// bool -> Boolean; every `date` is a `Datetime(ms)` in UTC (null when the scenario names
/// no start). In a multi-venue world ([`RecordSink::set_venue`] called), the epochs,
/// providers and jobs frames start with a `venue` String column; a single-network run's
/// frames have none.
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
pub struct FrameSink(TableSink);

impl From<TableSink> for FrameSink {
    fn from(sink: TableSink) -> FrameSink {
        FrameSink(sink)
    }
}

impl FrameSink {
    /// An empty sink.
    pub fn new() -> FrameSink {
        FrameSink::default()
    }

    /// Rows received so far: (epochs, providers, jobs).
    pub fn rows(&self) -> (usize, usize, usize) {
        self.0.rows()
    }

    /// The collected tables as frames.
    pub fn into_frames(self) -> Result<RunFrames, ReportError> {
        let t = self.0.into_tables();
        let frame = |table: Table, what: &str| {
            frame(table).map_err(ReportError::polars(format!("building the {what} frame")))
        };
        Ok(RunFrames {
            epochs: frame(t.epochs, "epochs")?,
            providers: frame(t.providers, "providers")?,
            jobs: t.jobs.map(|j| frame(j, "jobs")).transpose()?,
            venues: t.venues.map(|v| frame(v, "venues")).transpose()?,
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

/// A table as a frame: the same columns, names and values, each [`Values`] variant as
/// its Polars dtype ([`flopmarket_tables::DType::polars_name`]).
pub fn frame(table: Table) -> PolarsResult<DataFrame> {
    let columns = table
        .columns
        .into_iter()
        .map(|c| {
            let name = c.name.into();
            Ok(match c.values {
                Values::U32(v) => Column::new(name, v),
                Values::OptU32(v) => Column::new(name, v),
                Values::U64(v) => Column::new(name, v),
                Values::OptU64(v) => Column::new(name, v),
                Values::OptI64(v) => Column::new(name, v),
                Values::F64(v) => Column::new(name, v),
                Values::OptF64(v) => Column::new(name, v),
                Values::Str(v) => Column::new(name, v),
                Values::OptStr(v) => Column::new(name, v),
                Values::Bool(v) => Column::new(name, v),
                Values::DateMs(v) => Column::new(name, v).cast(&date_type())?,
            })
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(table.rows, columns)
}

impl RecordSink for FrameSink {
    fn epoch(&mut self, record: &EpochRecord) {
        self.0.epoch(record);
    }

    fn provider(&mut self, record: &ProviderRecord) {
        self.0.provider(record);
    }

    fn job(&mut self, record: &JobRecord) {
        self.0.job(record);
    }

    fn set_venue(&mut self, venue: &str) {
        self.0.set_venue(venue);
    }

    fn venue_epoch(&mut self, record: &VenueEpochRecord) {
        self.0.venue_epoch(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flopmarket_tables::DType;

    /// Every column of every table, with a venue column, through both schemas: the frame's
    /// names and dtypes are the table's, and its values are too (nulls where `None`).
    #[test]
    fn frames_have_the_tables_names_dtypes_and_nulls() {
        let mut sink = TableSink::new();
        sink.set_venue("akash");
        let epoch = EpochRecord {
            date: Some(86_400_000),
            gpu_model: "H100".into(),
            jobs_submitted: Some(3),
            ..EpochRecord::default()
        };
        sink.epoch(&epoch);
        sink.epoch(&EpochRecord::default());
        let tables = sink.clone().into_tables();
        let frames = FrameSink::from(sink).into_frames().unwrap();
        let t = &tables.epochs;
        let f = &frames.epochs;
        assert_eq!(f.height(), t.rows);
        for (c, s) in t.columns.iter().zip(f.columns()) {
            assert_eq!(s.name().as_str(), c.name);
            assert_eq!(
                format!("{}", s.dtype()).to_lowercase(),
                expected(c.values.dtype()),
                "{}",
                c.name
            );
            let nulls = match &c.values {
                Values::OptU64(v) => v.iter().filter(|x| x.is_none()).count(),
                Values::OptF64(v) => v.iter().filter(|x| x.is_none()).count(),
                Values::OptStr(v) => v.iter().filter(|x| x.is_none()).count(),
                Values::DateMs(v) | Values::OptI64(v) => v.iter().filter(|x| x.is_none()).count(),
                Values::OptU32(v) => v.iter().filter(|x| x.is_none()).count(),
                _ => 0,
            };
            assert_eq!(s.null_count(), nulls, "{}", c.name);
        }
        assert_eq!(
            f.column("venue").unwrap().str().unwrap().get(1),
            Some("akash")
        );
        assert_eq!(
            f.column("jobs_submitted").unwrap().u64().unwrap().get(0),
            Some(3)
        );
    }

    /// Polars' printed dtype of a [`DType`], lower case.
    fn expected(d: DType) -> String {
        match d {
            DType::DatetimeMs => "datetime[ms]".into(),
            DType::UInt32 => "u32".into(),
            DType::UInt64 => "u64".into(),
            DType::Int64 => "i64".into(),
            DType::Float64 => "f64".into(),
            DType::String => "str".into(),
            DType::Boolean => "bool".into(),
        }
    }
}
