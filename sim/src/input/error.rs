//! Errors from reading and validating a scenario, located by file, line and column.

use std::ops::Range;

/// Why a scenario could not be loaded. Every variant says where and what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{path}: cannot read scenario: {error}")]
    Io {
        /// The path as given.
        path: String,
        /// The underlying error, in the message (not a `source()`, so that printing the
        /// error's chain does not say it twice).
        error: std::io::Error,
    },
    /// The scenario text is malformed or a value is out of range.
    #[error("{file}:{line}:{col}: {message}")]
    Invalid {
        /// File name as given (or `<override>`/`<string>`).
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        col: usize,
        /// What is wrong and what was expected.
        message: String,
    },
    /// A `--set key=value` override could not be applied.
    #[error("--set {assignment}: {message}")]
    Override {
        /// The override as given.
        assignment: String,
        /// What is wrong.
        message: String,
    },
}

/// Turns byte offsets in one source text into file:line:col errors.
#[derive(Debug, Clone, Copy)]
pub struct Locator<'a> {
    /// File name used in messages.
    pub file: &'a str,
    /// The source text the spans point into.
    pub src: &'a str,
}

impl Locator<'_> {
    /// 1-based (line, column) of byte offset `at`.
    pub fn line_col(&self, at: usize) -> (usize, usize) {
        let at = at.min(self.src.len());
        let before = &self.src[..floor_char_boundary(self.src, at)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = before[line_start..].chars().count() + 1;
        (line, col)
    }

    /// An error at the start of `span` saying `message`.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> ScenarioError {
        let (line, col) = self.line_col(span.start);
        ScenarioError::Invalid {
            file: self.file.to_string(),
            line,
            col,
            message: message.into(),
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_lines_and_columns() {
        let loc = Locator {
            file: "f.toml",
            src: "a = 1\nbé = 2\n",
        };
        assert_eq!(loc.line_col(0), (1, 1));
        assert_eq!(loc.line_col(6), (2, 1));
        assert_eq!(loc.line_col(10), (2, 4));
        let msg = loc.error(6..7, "bad").to_string();
        assert_eq!(msg, "f.toml:2:1: bad");
    }
}
