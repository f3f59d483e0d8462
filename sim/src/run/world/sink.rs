//! What a network venue's records go through: tagged with the venue on their way to
//! the world's sink, with what the world reads of the epoch last closed kept aside.

use std::cell::RefCell;

use crate::data::records::{EpochRecord, JobRecord, ProviderRecord, RecordSink};

/// Passes a network's records to the world's sink, tagged with the venue, and keeps what
/// the world reads of the epoch last closed.
pub(super) struct VenueSink<'a, S> {
    pub(super) venue: &'a str,
    pub(super) inner: &'a RefCell<S>,
    /// Epoch number of the rows kept below.
    pub(super) epoch: u32,
    /// The "all" row's GPU-hours sold and consumer spend [GPU-h, USD].
    pub(super) all: (f64, f64),
    /// Per GPU model row: (model key, GPU-hours sold, mean price [USD per GPU-hour]).
    pub(super) models: Vec<(String, f64, f64)>,
}

impl<S: RecordSink> RecordSink for VenueSink<'_, S> {
    fn epoch(&mut self, record: &EpochRecord) {
        if record.epoch != self.epoch {
            self.epoch = record.epoch;
            self.models.clear();
        }
        if record.gpu_model == "all" {
            self.all = (record.gpu_hours_sold, record.consumer_spend_usd);
        } else {
            self.models.push((
                record.gpu_model.clone(),
                record.gpu_hours_sold,
                record.mean_price_usd_per_gpu_hour,
            ));
        }
        let mut inner = self.inner.borrow_mut();
        inner.set_venue(self.venue);
        inner.epoch(record);
    }
    fn provider(&mut self, record: &ProviderRecord) {
        let mut inner = self.inner.borrow_mut();
        inner.set_venue(self.venue);
        inner.provider(record);
    }
    fn job(&mut self, record: &JobRecord) {
        let mut inner = self.inner.borrow_mut();
        inner.set_venue(self.venue);
        inner.job(record);
    }
}
