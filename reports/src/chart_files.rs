//! The report's charts as files beside it: `charts/NN-title.svg` and `charts/NN-title.png`
//! for every chart of a [`Document`], numbered in the order they appear. `report.md`
//! embeds the PNGs ([`png_link`]); `report.html` inlines the SVG.

use std::path::{Path, PathBuf};

use crate::atomic::write_bytes_atomic;
use crate::document::{Block, Document};
use crate::error::ReportError;
use crate::svg::Chart;

/// Folder of the chart files, relative to the report.
pub(crate) const CHARTS_DIR: &str = "charts";

/// The charts of `doc`, in order.
pub(crate) fn charts(doc: &Document) -> Vec<&Chart> {
    doc.blocks
        .iter()
        .filter_map(|b| match b {
            Block::Chart(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// File name without extension of the `index`-th chart (from 0): `01-savings-vs-cloud`.
fn stem(index: usize, chart: &Chart) -> String {
    format!("{:02}-{}", index + 1, slug(&chart.title))
}

/// Path of the `index`-th chart's PNG relative to the report, with `/` on every platform.
pub(crate) fn png_link(index: usize, chart: &Chart) -> String {
    format!("{CHARTS_DIR}/{}.png", stem(index, chart))
}

/// Writes every chart of `doc` into `dir/charts/` as SVG and PNG (each atomically);
/// returns the paths written.
pub(crate) fn write_chart_files(dir: &Path, doc: &Document) -> Result<Vec<PathBuf>, ReportError> {
    let charts = charts(doc);
    let folder = dir.join(CHARTS_DIR);
    std::fs::create_dir_all(&folder).map_err(ReportError::io(&folder))?;
    let mut written = Vec::new();
    for (i, chart) in charts.into_iter().enumerate() {
        let svg = folder.join(format!("{}.svg", stem(i, chart)));
        write_bytes_atomic(&svg, chart.to_svg().as_bytes())?;
        let png_path = folder.join(format!("{}.png", stem(i, chart)));
        let png = chart.to_png().map_err(|message| ReportError::Chart {
            path: png_path.clone(),
            message,
        })?;
        write_bytes_atomic(&png_path, &png)?;
        written.extend([svg, png_path]);
    }
    Ok(written)
}

/// A file-name-safe form of a title.
fn slug(title: &str) -> String {
    let mut s: String = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while s.contains("--") {
        s = s.replace("--", "-");
    }
    s.trim_matches('-').chars().take(48).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_lowercase_ascii_with_single_dashes() {
        assert_eq!(
            slug("Savings vs cloud (failures counted) by take_rate"),
            "savings-vs-cloud-failures-counted-by-take-rate"
        );
        assert_eq!(slug("  A / B  "), "a-b");
    }
}
