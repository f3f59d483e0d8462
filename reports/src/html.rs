//! Renders a [`Document`] as one self-contained HTML page: inline CSS, inline SVG charts,
//! no scripts, fonts or external resources.

use std::fmt::Write;

use crate::document::{Align, Block, Document, Table};
use crate::svg::escape;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;line-height:1.45}\
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}\
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #d0d0d0;padding:.25rem .6rem}\
th{background:#f3f3f3}td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}td.l,th.l{text-align:left}\
figure{margin:1rem 0}svg{max-width:100%;height:auto}";

/// One table with escaped cells and aligned columns.
fn table(out: &mut String, t: &Table) {
    let class = |i: usize| {
        if t.align.get(i) == Some(&Align::Right) {
            "r"
        } else {
            "l"
        }
    };
    out.push_str("<table>\n<thead><tr>");
    for (i, h) in t.headers.iter().enumerate() {
        let _ = write!(out, r#"<th class="{}">{}</th>"#, class(i), escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            let _ = write!(out, r#"<td class="{}">{}</td>"#, class(i), escape(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The whole document as an HTML page.
pub(crate) fn render(doc: &Document) -> String {
    let title = escape(&doc.title);
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n"
    );
    for block in &doc.blocks {
        match block {
            Block::Heading(level, text) => {
                let _ = writeln!(out, "<h{level}>{}</h{level}>", escape(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::List(items) => {
                out.push_str("<ul>\n");
                for item in items {
                    let _ = writeln!(out, "<li>{}</li>", escape(item));
                }
                out.push_str("</ul>\n");
            }
            Block::Table(t) => table(&mut out, t),
            Block::Chart(chart) => {
                let _ = writeln!(out, "<figure>\n{}\n</figure>", chart.to_svg());
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_cells_are_escaped() {
        let mut t = Table::new(&["a<b", "v"]);
        t.pair("x & y", "1".into());
        let doc = Document {
            title: "<script>".into(),
            blocks: vec![Block::Paragraph("\"q\"".into()), Block::Table(t)],
        };
        let html = render(&doc);
        assert!(!html.contains("<script>"));
        assert!(
            html.contains("&lt;script&gt;")
                && html.contains("x &amp; y")
                && html.contains("&quot;q&quot;")
        );
        assert!(html.contains(r#"<th class="l">a&lt;b</th><th class="r">v</th>"#));
    }
}
