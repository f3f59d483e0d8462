//! The report as a small document model, rendered once to Markdown and once to HTML so
//! both files carry the same content.

use crate::svg::Chart;

/// Cell alignment in a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    /// Text.
    Left,
    /// Numbers.
    Right,
}

/// A table of already formatted cells.
#[derive(Debug, Clone, Default)]
pub(crate) struct Table {
    /// Column headers.
    pub headers: Vec<String>,
    /// Alignment per column.
    pub align: Vec<Align>,
    /// Rows of cells, each as long as `headers`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers: the first column left-aligned, the others right.
    pub fn new(headers: &[&str]) -> Table {
        let align = (0..headers.len())
            .map(|i| if i == 0 { Align::Left } else { Align::Right })
            .collect();
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            align,
            rows: Vec::new(),
        }
    }

    /// Appends a row.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// Appends a two-cell (label, value) row.
    pub fn pair(&mut self, label: &str, value: String) {
        self.rows.push(vec![label.to_string(), value]);
    }
}

/// One block of the report.
#[derive(Debug, Clone)]
pub(crate) enum Block {
    /// A section heading (level 2 or 3).
    Heading(u8, String),
    /// A paragraph of plain text.
    Paragraph(String),
    /// A bulleted list of plain text items.
    List(Vec<String>),
    /// A table.
    Table(Table),
    /// A chart (inline SVG in HTML, a pointer to the HTML in Markdown).
    Chart(Chart),
}

/// A titled sequence of blocks.
#[derive(Debug, Clone, Default)]
pub(crate) struct Document {
    /// Title (level-1 heading).
    pub title: String,
    /// Content, in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// Adds a level-2 heading.
    pub fn heading(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Heading(2, text.into()));
    }

    /// Adds a paragraph.
    pub fn paragraph(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    /// Adds a table.
    pub fn table(&mut self, table: Table) {
        self.blocks.push(Block::Table(table));
    }
}
