//! Building [`CalibrationRow`]s: the device columns once, then one row per figure.

use crate::table::{CalibrationRow, DeviceKind, Dtype, KernelKind, Unit};
use crate::timestamp::now_rfc3339_utc;

/// The columns that describe the device, shared by all its rows.
#[derive(Debug, Clone)]
pub(crate) struct RowBase {
    pub device: String,
    pub device_kind: DeviceKind,
    pub gpu_model: String,
    pub driver_version: String,
    pub runtime_version: String,
}

impl RowBase {
    /// A row with the measured `value`; the peak, roofline and notes are added with the
    /// `with_*` methods.
    pub fn row(
        &self,
        kernel: KernelKind,
        dtype: Dtype,
        shape: impl Into<String>,
        batch: usize,
        value: f64,
        unit: Unit,
    ) -> CalibrationRow {
        CalibrationRow {
            device: self.device.clone(),
            device_kind: self.device_kind,
            gpu_model: self.gpu_model.clone(),
            driver_version: self.driver_version.clone(),
            runtime_version: self.runtime_version.clone(),
            kernel,
            dtype,
            shape: shape.into(),
            batch: u32::try_from(batch).unwrap_or(u32::MAX),
            value: sig4(value),
            unit,
            spec_peak: None,
            efficiency: None,
            roofline_fraction: None,
            timestamp: now_rfc3339_utc(),
            notes: String::new(),
        }
    }
}

impl CalibrationRow {
    /// Sets `spec_peak` (in the row's unit) and `efficiency = value / spec_peak`.
    pub(crate) fn with_peak(mut self, spec_peak: Option<f64>) -> Self {
        self.spec_peak = spec_peak.filter(|p| *p > 0.0 && p.is_finite()).map(sig4);
        self.efficiency = self.spec_peak.map(|p| sig4(self.value / p));
        self
    }

    /// Sets `roofline_fraction` (dimensionless).
    pub(crate) fn with_roofline(mut self, fraction: f64) -> Self {
        self.roofline_fraction = fraction.is_finite().then(|| sig4(fraction));
        self
    }

    /// Sets `notes`.
    pub(crate) fn with_notes(mut self, notes: impl Into<String>) -> Self {
        self.notes = notes.into();
        self
    }
}

/// `x` rounded to 4 significant digits (the precision timing noise allows).
pub(crate) fn sig4(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let scale = 10f64.powi(3 - x.abs().log10().floor() as i32);
    (x * scale).round() / scale
}

#[cfg(test)]
mod tests {
    use super::sig4;

    #[test]
    fn sig4_keeps_four_significant_digits() {
        assert_eq!(sig4(123.456), 123.5);
        assert_eq!(sig4(0.000123456), 0.0001235);
        assert_eq!(sig4(98765.0), 98770.0);
        assert_eq!(sig4(0.0), 0.0);
    }
}
