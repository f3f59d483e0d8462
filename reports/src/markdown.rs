//! Renders a [`Document`] as GitHub-flavoured Markdown.

use std::fmt::Write;

use crate::chart_files::png_link;
use crate::document::{Align, Block, Document, Table};

/// Makes plain text safe inside a table cell: pipes escaped, line breaks flattened.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "\\<")
        .replace('>', "\\>")
        .replace(['\r', '\n'], " ")
}

/// Makes plain text safe in a paragraph: angle brackets escaped so they are not read as
/// HTML tags.
fn text(s: &str) -> String {
    s.replace('<', "\\<").replace('>', "\\>")
}

/// One table in pipe syntax.
fn table(out: &mut String, t: &Table) {
    let line = |cells: &[String]| {
        format!(
            "| {} |",
            cells
                .iter()
                .map(|c| cell(c))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    out.push_str(&line(&t.headers));
    out.push('\n');
    let rule: Vec<String> = t
        .align
        .iter()
        .map(|a| {
            if *a == Align::Right {
                "---:".to_string()
            } else {
                "---".to_string()
            }
        })
        .collect();
    out.push_str(&format!("|{}|\n", rule.join("|")));
    for row in &t.rows {
        out.push_str(&line(row));
        out.push('\n');
    }
}

/// The whole document as Markdown; charts are images of their PNG files
/// ([`crate::chart_files`]), which the caller writes beside it.
pub(crate) fn render(doc: &Document) -> String {
    let mut out = format!("# {}\n", doc.title);
    let mut charts = 0;
    for block in &doc.blocks {
        out.push('\n');
        match block {
            Block::Heading(level, text_) => {
                let _ = writeln!(out, "{} {}", "#".repeat(usize::from(*level)), text(text_));
            }
            Block::Paragraph(para) => {
                let _ = writeln!(out, "{}", text(para));
            }
            Block::List(items) => {
                for item in items {
                    let _ = writeln!(out, "- {}", text(item).replace('\n', " "));
                }
            }
            Block::Table(t) => table(&mut out, t),
            Block::Chart(chart) => {
                let alt = text(&chart.title).replace(['[', ']'], "");
                let _ = writeln!(out, "![{alt}]({})", png_link(charts, chart));
                charts += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_escape_pipes_and_align_numbers() {
        let mut t = Table::new(&["name", "value"]);
        t.pair("a|b", "1".into());
        let doc = Document {
            title: "T".into(),
            blocks: vec![Block::Table(t)],
        };
        let md = render(&doc);
        assert!(
            md.contains("| name | value |\n|---|---:|\n| a\\|b | 1 |\n"),
            "{md}"
        );
    }
}
