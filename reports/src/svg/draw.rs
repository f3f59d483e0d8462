//! Renders a [`Chart`] as an `<svg>` element: plot area, grid, axes with tick labels,
//! axis labels, title, legend; lines as paths (gaps at NaN), stacked areas as polygons.

use std::fmt::Write;

use super::scale::{date_ticks, nice_ticks, thin, tick_label};
use super::{Chart, ChartKind, MAX_POINTS, escape};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 380.0;
const LEFT: f64 = 76.0;
const RIGHT: f64 = WIDTH - 180.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = HEIGHT - 52.0;
/// Characters of a legend entry that fit right of the plot at the default font size.
const LEGEND_CHARS: usize = 19;
const PALETTE: [&str; 8] = [
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
];

impl Chart {
    /// Stacked totals per series (each the sum of it and the ones below), or the series'
    /// own points for line charts; thinned to [`MAX_POINTS`].
    fn layers(&self) -> Vec<Vec<(f64, f64)>> {
        let thinned: Vec<Vec<(f64, f64)>> = self
            .series
            .iter()
            .map(|s| thin(&s.points, MAX_POINTS))
            .collect();
        if self.kind == ChartKind::Lines {
            return thinned;
        }
        let mut below: Vec<f64> = Vec::new();
        thinned
            .iter()
            .map(|pts| {
                below.resize(pts.len(), 0.0);
                pts.iter()
                    .zip(below.iter_mut())
                    .map(|(&(x, y), b)| {
                        *b += if y.is_finite() { y } else { 0.0 };
                        (x, *b)
                    })
                    .collect()
            })
            .collect()
    }

    /// The chart as a standalone `<svg>` element.
    pub fn to_svg(&self) -> String {
        let layers = self.layers();
        let finite = || {
            layers
                .iter()
                .flatten()
                .filter(|p| p.0.is_finite() && p.1.is_finite())
        };
        let mut out = format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" font-family="sans-serif" font-size="12"><title>{t}</title>"#,
            t = escape(&self.title)
        );
        let _ = write!(
            out,
            r#"<text x="{}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{}</text>"#,
            (LEFT + RIGHT) / 2.0,
            escape(&self.title)
        );
        if finite().next().is_none() {
            let _ = write!(
                out,
                r#"<text x="{}" y="{}" text-anchor="middle">no data</text></svg>"#,
                (LEFT + RIGHT) / 2.0,
                (TOP + BOTTOM) / 2.0
            );
            return out;
        }
        let (x_lo, x_hi) = finite().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.0), b.max(p.0))
        });
        let (y_min, y_max) = finite().fold((0.0f64, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
        let y_ticks = nice_ticks(y_min, y_max, 5);
        let (y_lo, y_hi) = (y_ticks[0], y_ticks[y_ticks.len() - 1]);
        let x_span = if x_hi > x_lo { x_hi - x_lo } else { 1.0 };
        let sx = move |x: f64| LEFT + (x - x_lo) / x_span * (RIGHT - LEFT);
        let sy = move |y: f64| BOTTOM - (y - y_lo) / (y_hi - y_lo) * (BOTTOM - TOP);
        self.axes(&mut out, &y_ticks, sy, x_lo, x_hi, sx);
        for (i, (series, pts)) in self.series.iter().zip(&layers).enumerate() {
            let color = PALETTE[series.color % PALETTE.len()];
            let dash = if series.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            if self.kind == ChartKind::StackedArea {
                let lower: Vec<(f64, f64)> = if i == 0 {
                    pts.iter().map(|p| (p.0, 0.0)).collect()
                } else {
                    layers[i - 1].clone()
                };
                let mut poly: Vec<String> = pts
                    .iter()
                    .map(|p| format!("{:.1},{:.1}", sx(p.0), sy(p.1)))
                    .collect();
                poly.extend(
                    lower
                        .iter()
                        .rev()
                        .map(|p| format!("{:.1},{:.1}", sx(p.0), sy(p.1))),
                );
                let _ = write!(
                    out,
                    r#"<polygon points="{}" fill="{color}" fill-opacity="0.65" stroke="{color}"{dash}/>"#,
                    poly.join(" ")
                );
            } else {
                let _ = write!(
                    out,
                    r#"<path d="{}" fill="none" stroke="{color}" stroke-width="1.6" stroke-linecap="round"{dash}/>"#,
                    path(pts, sx, sy)
                );
            }
        }
        self.legend(&mut out);
        out.push_str("</svg>");
        out
    }

    /// Axes, grid lines, tick labels and axis labels.
    fn axes(
        &self,
        out: &mut String,
        y_ticks: &[f64],
        sy: impl Fn(f64) -> f64,
        x_lo: f64,
        x_hi: f64,
        sx: impl Fn(f64) -> f64,
    ) {
        let y_step = if y_ticks.len() > 1 {
            y_ticks[1] - y_ticks[0]
        } else {
            1.0
        };
        for &t in y_ticks {
            let y = sy(t);
            let _ = write!(
                out,
                r##"<line x1="{LEFT}" y1="{y:.1}" x2="{RIGHT}" y2="{y:.1}" stroke="#e0e0e0"/><text x="{}" y="{:.1}" text-anchor="end">{}</text>"##,
                LEFT - 6.0,
                y + 4.0,
                escape(&tick_label(t, y_step))
            );
        }
        let x_ticks: Vec<(f64, String)> = match self.x_dates {
            Some(origin) => date_ticks(origin, x_lo, x_hi, 8),
            None => {
                let ticks = nice_ticks(x_lo, x_hi, 6);
                let step = if ticks.len() > 1 {
                    ticks[1] - ticks[0]
                } else {
                    1.0
                };
                let tolerance = 1e-9 * step;
                ticks
                    .into_iter()
                    .filter(|t| *t >= x_lo - tolerance && *t <= x_hi + tolerance)
                    .map(|t| (t, tick_label(t, step)))
                    .collect()
            }
        };
        for (t, label) in x_ticks {
            let x = sx(t);
            let _ = write!(
                out,
                r##"<line x1="{x:.1}" y1="{BOTTOM}" x2="{x:.1}" y2="{}" stroke="#333"/><text x="{x:.1}" y="{}" text-anchor="middle">{}</text>"##,
                BOTTOM + 5.0,
                BOTTOM + 18.0,
                escape(&label)
            );
        }
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" y1="{BOTTOM}" x2="{RIGHT}" y2="{BOTTOM}" stroke="#333"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{BOTTOM}" stroke="#333"/>"##
        );
        let _ = write!(
            out,
            r#"<text x="{}" y="{}" text-anchor="middle">{}</text>"#,
            (LEFT + RIGHT) / 2.0,
            HEIGHT - 12.0,
            escape(&self.x_label)
        );
        let (cx, cy) = (18.0, (TOP + BOTTOM) / 2.0);
        let _ = write!(
            out,
            r#"<text x="{cx}" y="{cy}" text-anchor="middle" transform="rotate(-90 {cx} {cy})">{}</text>"#,
            escape(&self.y_label)
        );
    }

    /// One swatch and name per named series, right of the plot; series with an empty name
    /// have no entry. Long names get a smaller font so they fit in the margin.
    fn legend(&self, out: &mut String) {
        let named: Vec<&super::Series> =
            self.series.iter().filter(|s| !s.name.is_empty()).collect();
        let longest = named
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        let size = if longest > LEGEND_CHARS {
            (12.0 * LEGEND_CHARS as f64 / longest as f64).max(8.0)
        } else {
            12.0
        };
        for (i, s) in named.into_iter().enumerate() {
            let y = TOP + 18.0 * i as f64;
            let color = PALETTE[s.color % PALETTE.len()];
            let dash = if s.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let _ = write!(
                out,
                r#"<line x1="{}" y1="{:.1}" x2="{}" y2="{:.1}" stroke="{color}" stroke-width="4"{dash}/><text x="{}" y="{:.1}" font-size="{size:.1}">{}</text>"#,
                RIGHT + 14.0,
                y + 6.0,
                RIGHT + 38.0,
                y + 6.0,
                RIGHT + 44.0,
                y + 10.0,
                escape(&s.name)
            );
        }
    }
}

/// An SVG path through the finite points, starting a new segment after each NaN; a point
/// alone between gaps becomes a zero-length segment, drawn as a dot by the round caps.
fn path(points: &[(f64, f64)], sx: impl Fn(f64) -> f64, sy: impl Fn(f64) -> f64) -> String {
    let mut segments: Vec<Vec<String>> = Vec::new();
    let mut pen_down = false;
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            let xy = format!("{:.1},{:.1}", sx(x), sy(y));
            match segments.last_mut() {
                Some(seg) if pen_down => seg.push(xy),
                _ => segments.push(vec![xy]),
            }
            pen_down = true;
        } else {
            pen_down = false;
        }
    }
    let mut d = String::new();
    for seg in segments {
        let _ = write!(d, "M{} ", seg[0]);
        if seg.len() == 1 {
            d.push_str("l0,0 ");
        }
        for xy in &seg[1..] {
            let _ = write!(d, "L{xy} ");
        }
    }
    d.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::svg::Series;

    fn chart(kind: ChartKind, series: Vec<Series>) -> Chart {
        Chart {
            x_dates: None,
            title: "A <b> & c".into(),
            x_label: "day".into(),
            y_label: "%".into(),
            kind,
            series,
        }
    }

    fn s_points() -> Vec<(f64, f64)> {
        vec![(0.0, 1.0), (1.0, f64::NAN), (2.0, 2.0), (3.0, 3.0)]
    }

    #[test]
    fn nan_breaks_lines_and_titles_are_escaped() {
        let s = Series {
            name: "x<y".into(),
            points: s_points(),
            dashed: false,
            color: 0,
        };
        let svg = chart(ChartKind::Lines, vec![s]).to_svg();
        assert!(svg.contains("A &lt;b&gt; &amp; c") && svg.contains("x&lt;y"));
        assert_eq!(
            path(&s_points(), |x| x, |y| y),
            "M0.0,1.0 l0,0 M2.0,2.0 L3.0,3.0"
        );
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn stacked_areas_draw_one_polygon_per_series() {
        let a = Series {
            name: "a".into(),
            points: vec![(0.0, 1.0), (1.0, 2.0)],
            dashed: false,
            color: 0,
        };
        let b = Series {
            name: "b".into(),
            points: vec![(0.0, 1.0), (1.0, f64::NAN)],
            dashed: false,
            color: 1,
        };
        let svg = chart(ChartKind::StackedArea, vec![a, b]).to_svg();
        assert_eq!(svg.matches("<polygon").count(), 2);
    }

    #[test]
    fn unnamed_series_have_no_legend_entry_and_long_names_a_smaller_font() {
        let series = |name: &str| Series {
            name: name.into(),
            points: s_points(),
            dashed: false,
            color: 0,
        };
        let svg = chart(ChartKind::Lines, vec![series("short"), series("")]).to_svg();
        assert_eq!(svg.matches("stroke-width=\"4\"").count(), 1);
        assert!(svg.contains(r#"font-size="12.0">short<"#));
        let long = "x".repeat(2 * LEGEND_CHARS);
        let svg = chart(ChartKind::Lines, vec![series(&long)]).to_svg();
        assert!(svg.contains(&format!(r#"font-size="8.0">{long}<"#)));
    }

    #[test]
    fn empty_chart_says_no_data_and_long_series_are_thinned() {
        assert!(chart(ChartKind::Lines, vec![]).to_svg().contains("no data"));
        let pts: Vec<(f64, f64)> = (0..10_000).map(|i| (i as f64, 1.0)).collect();
        let t = thin(&pts, MAX_POINTS);
        assert!(t.len() <= MAX_POINTS && t.iter().all(|p| p.1 == 1.0));
    }
}
