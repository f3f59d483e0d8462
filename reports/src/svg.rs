//! Hand-written SVG charts (lines or stacked areas) with axes, tick labels, a legend and a
//! title. No fonts are embedded and no scripts used: the SVG is inlined in report.html.
//!
//! [`Chart`] is the data; `draw` turns it into SVG text; `scale` picks ticks and thins
//! long series.

use flopmarket_sim::base::calendar::Instant;

mod draw;
mod scale;

pub use scale::{nice_ticks, thin};

/// Most points drawn per series; longer series are averaged in equal chunks.
pub const MAX_POINTS: usize = 800;

/// One named line or area; points are (x, y), NaN y leaves a gap (lines) or counts as 0
/// (stacked areas).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend text.
    pub name: String,
    /// Data points, in increasing x.
    pub points: Vec<(f64, f64)>,
    /// Drawn dashed (reference lines).
    pub dashed: bool,
    /// Index into the palette of 8 colours (taken modulo 8).
    pub color: usize,
}

/// How series are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// One polyline per series.
    Lines,
    /// Series stacked on each other as filled areas; they must share their x values.
    StackedArea,
}

/// A chart ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// Title, drawn on top.
    pub title: String,
    /// X axis label (with unit).
    pub x_label: String,
    /// Y axis label (with unit).
    pub y_label: String,
    /// Lines or stacked areas.
    pub kind: ChartKind,
    /// The data.
    pub series: Vec<Series>,
    /// When set, x is days since this date and the x axis is labelled with calendar
    /// months (or years) instead of numbers.
    pub x_dates: Option<Instant>,
}

/// Escapes text for XML and HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
