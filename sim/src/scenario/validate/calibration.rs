//! `[calibration]`: assumed efficiencies per job kind, then measured calibration tables
//! (the committed ones and the scenario's own, relative to the scenario file).

use std::path::Path;

use crate::data::calibration::{self, CalibrationTable};
use crate::data::throughput::{JobKind, Throughput};
use crate::input::check::{Check, Res};
use crate::input::raw::RawCalibration;
use crate::input::spanned::Sp;

/// Effective throughput per GPU model and job kind.
pub(super) fn throughput(c: &Check, raw: Option<&RawCalibration>) -> Res<Throughput> {
    let mut defaults = JobKind::ALL.map(JobKind::default_efficiency);
    if let Some(table) = raw.and_then(|k| k.default_efficiency.as_ref()) {
        for (kind, value) in table.get() {
            let k = JobKind::from_name(kind).ok_or_else(|| {
                c.err(table.span(), format!("unknown job kind `{kind}`; expected inference, training, rendering or batch"))
            })?;
            if !(value.is_finite() && *value > 0.0 && *value <= 1.0) {
                return Err(c.err(
                    table.span(),
                    format!("efficiency for `{kind}` must be in (0, 1], got {value}"),
                ));
            }
            defaults[k as usize] = *value;
        }
    }
    let mut throughput = Throughput::assumed(c.catalog, defaults);
    let mut tables = Vec::new();
    if raw.and_then(|k| k.committed_tables).unwrap_or(true) {
        tables.extend(CalibrationTable::embedded());
    }
    if let Some(list) = raw.and_then(|k| k.tables.as_ref()) {
        tables.extend(scenario_tables(c, list)?);
    }
    calibration::apply(&tables, c.catalog, &mut throughput);
    Ok(throughput)
}

/// The tables `calibration.tables` names, read relative to the scenario file.
fn scenario_tables(c: &Check, list: &Sp<Vec<String>>) -> Res<Vec<CalibrationTable>> {
    let base = Path::new(c.loc.file.split(" (with --set)").next().unwrap_or(""))
        .parent()
        .unwrap_or(Path::new(""));
    list.get()
        .iter()
        .map(|name| {
            let path = base.join(name);
            let text = std::fs::read_to_string(&path).map_err(|e| {
                c.err(
                    list.span(),
                    format!("calibration table {}: {e}", path.display()),
                )
            })?;
            CalibrationTable::parse(&path.display().to_string(), &text)
                .map_err(|m| c.err(list.span(), m))
        })
        .collect()
}
