//! Column builders: one `Vec` per record field, in declaration order, so a run's records
//! are stored column-wise as they arrive and become a [`Table`] without a copy of whole
//! records. The record is destructured exhaustively: a field added to a record in the
//! simulator fails to compile here until it gets its column (and its type an
//! [`IntoValues`]).

use flopmarket_sim::data::records::{EpochRecord, JobRecord, ProviderRecord, VenueEpochRecord};

use crate::column::{Column, IntoValues, Table, Values};

/// Declares a column builder for a record type; field names become column names.
macro_rules! columns {
    ($(#[$meta:meta])* $name:ident for $rec:ident { $($field:ident: $ty:ty),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Default, Clone)]
        pub(crate) struct $name {
            rows: usize,
            $($field: Vec<$ty>,)+
        }

        impl $name {
            /// Column names, in record declaration order.
            #[cfg_attr(not(test), allow(dead_code))]
            pub(crate) const NAMES: &'static [&'static str] = &[$(stringify!($field)),+];

            /// Appends one record.
            pub(crate) fn push(&mut self, record: &$rec) {
                let $rec { $($field),+ } = record;
                $(self.$field.push(Clone::clone($field));)+
                self.rows += 1;
            }

            /// Rows pushed so far.
            pub(crate) fn len(&self) -> usize {
                self.rows
            }

            /// The table: one column per field, `Option` fields nullable.
            pub(crate) fn into_table(self) -> Table {
                Table {
                    rows: self.rows,
                    columns: vec![$(Column {
                        name: stringify!($field),
                        values: self.$field.into_values(),
                    }),+],
                }
            }
        }
    };
}

columns! {
    /// Builder of the epochs table (one row per epoch and GPU model, plus "all").
    EpochColumns for EpochRecord {
        epoch: u32,
        t_start_h: f64,
        t_end_h: f64,
        date: Option<i64>,
        gpu_model: String,
        providers_up: u32,
        gpu_hours_online: f64,
        gpu_hours_sold: f64,
        utilization: f64,
        consumer_spend_usd: f64,
        provider_revenue_usd: f64,
        fees_usd: f64,
        burn_usd: f64,
        mean_price_usd_per_gpu_hour: f64,
        leases_started: u64,
        jobs_completed: u64,
        jobs_interrupted: u64,
        jobs_submitted: Option<u64>,
        jobs_failed: Option<u64>,
        jobs_dropped: Option<u64>,
        jobs_to_cloud: Option<u64>,
        jobs_waiting: Option<u64>,
        tokens_minted: Option<f64>,
        tokens_burned: Option<f64>,
        token_supply: Option<f64>,
        token_price_usd: Option<f64>,
        tokens_staked: Option<f64>,
        tokens_slashed: Option<f64>,
        provider_token_rewards: Option<f64>,
        tokens_unclaimed: Option<f64>,
        provider_token_rewards_received: Option<f64>,
        provider_token_income_usd: Option<f64>,
        provider_token_income_per_gpu_hour_online: Option<f64>,
        provider_token_income_usd_per_gpu_hour_online: Option<f64>,
        collateral_ratio: Option<f64>,
        credit_outstanding: Option<f64>,
        timeline_change: Option<String>,
    }
}

columns! {
    /// Builder of the providers table (one row per provider).
    ProviderColumns for ProviderRecord {
        provider_id: u32,
        cohort: String,
        gpu_model: String,
        gpus: u32,
        region: String,
        ask_usd_per_gpu_hour: f64,
        markup: f64,
        uptime: f64,
        utilization: f64,
        gpu_hours_online: f64,
        gpu_hours_sold: f64,
        revenue_usd: f64,
        power_cost_usd: f64,
        hosting_cost_usd: f64,
        capex_usd: f64,
        amortized_capex_usd: f64,
        token_rewards: f64,
        token_income_usd: f64,
        tokens_held: f64,
        profit_usd: f64,
        payback_months: Option<f64>,
        leases: u64,
        jobs_completed: u64,
        jobs_interrupted: u64,
        failures: u64,
    }
}

columns! {
    /// Builder of the jobs table (one row per job, with the jobs log on).
    JobColumns for JobRecord {
        job_id: u64,
        workload: String,
        kind: String,
        gpus: u32,
        size_ref_gpu_h: f64,
        submitted_h: f64,
        first_start_h: Option<f64>,
        end_h: Option<f64>,
        wait_s: Option<f64>,
        waited: bool,
        status: String,
        provider_id: Option<u32>,
        gpu_model: Option<String>,
        price_usd_per_gpu_hour: Option<f64>,
        spend_usd: f64,
        cloud_spend_usd: f64,
        cloud_equivalent_usd: f64,
        restarts: u32,
    }
}

columns! {
    /// Builder of the venues table (one row per venue and epoch, multi-venue worlds only).
    VenueEpochColumns for VenueEpochRecord {
        epoch: u32,
        t_start_h: f64,
        t_end_h: f64,
        date: Option<i64>,
        venue: String,
        kind: String,
        jobs_routed: u64,
        demand_share: f64,
        gpu_hours: f64,
        spend_usd: f64,
        providers: u32,
        gpus: u64,
        providers_in: u32,
        providers_out: u32,
        return_usd_per_gpu_hour: f64,
    }
}

/// The venue of each row of one table, for multi-venue worlds: indices into the sink's
/// venue names, kept only once a row has come with a venue (a single-network run never
/// names one, so its tables get no column and cost nothing here). Rows pushed before the
/// first venue are null.
#[derive(Debug, Default, Clone)]
pub(crate) struct VenueColumn {
    /// Rows pushed before the first venue.
    before: usize,
    /// One entry per row since (and including) the first row with a venue.
    rows: Option<Vec<Option<u32>>>,
}

impl VenueColumn {
    /// Records the venue (index into the names) of one more row.
    pub(crate) fn push(&mut self, venue: Option<u32>) {
        match (&mut self.rows, venue) {
            (Some(rows), v) => rows.push(v),
            (None, None) => self.before += 1,
            (None, Some(v)) => {
                let mut rows = vec![None; self.before];
                rows.push(Some(v));
                self.rows = Some(rows);
            }
        }
    }

    /// Puts a nullable `venue` String column first in `table` when any row had a venue;
    /// leaves it as it is otherwise.
    pub(crate) fn prepend_to(self, table: Table, names: &[String]) -> Table {
        let Some(rows) = self.rows else {
            return table;
        };
        let values: Vec<Option<String>> = rows
            .iter()
            .map(|v| v.map(|i| names[i as usize].clone()))
            .collect();
        let mut columns = vec![Column {
            name: "venue",
            values: Values::OptStr(values),
        }];
        columns.extend(table.columns);
        Table {
            rows: rows.len(),
            columns,
        }
    }
}
