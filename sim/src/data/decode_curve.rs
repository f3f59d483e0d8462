//! A measured decode curve: LLM decode throughput by batch on one GPU, from a calibration
//! table (`flopmarket calibrate`), read by the throughput table and the serving model.

/// A GPU's measured decode curve from a calibration table.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredCurve {
    /// (batch, tokens/s summed over the batch), ascending in batch.
    pub points: Vec<(u32, f64)>,
    /// Context the rows were measured at [tokens] (0 when the table does not say).
    pub context_tokens: u32,
    /// Table and device, for provenance.
    pub source: String,
}

impl MeasuredCurve {
    /// Tokens/s at `batch`: linear in log2(batch) between measured batches; below the
    /// first, proportional to the batch (memory-bound); above the last, the last value
    /// (no extrapolation upward) [tokens/s].
    pub fn at(&self, batch: u32) -> f64 {
        let b = f64::from(batch.max(1));
        let (b0, t0) = self.points[0];
        if batch <= b0 {
            return t0 * b / f64::from(b0);
        }
        for w in self.points.windows(2) {
            let ((lo, tlo), (hi, thi)) = (w[0], w[1]);
            if batch <= hi {
                let f = (b.log2() - f64::from(lo).log2())
                    / (f64::from(hi).log2() - f64::from(lo).log2());
                return tlo + f * (thi - tlo);
            }
        }
        self.points[self.points.len() - 1].1
    }
}
