//! The write-up of a study: found from the study file's directory up, and only its
//! generated block rewritten; the prose around it is written by hand.

use std::path::{Path, PathBuf};

use super::StudyError;
use crate::atomic::write_bytes_atomic;

/// Opens the generated block of a write-up.
pub const BEGIN: &str = "<!-- study:figures:begin -->";
/// Closes it.
pub const END: &str = "<!-- study:figures:end -->";

/// `doc` from the study file's directory, else from its nearest parent where it exists
/// (`docs/studies/x.md` from `scenarios/studies/x.toml` is the repository's).
pub fn find_doc(study_file: &Path, doc: &str, study: &str) -> Result<PathBuf, StudyError> {
    let dir = study_file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let start = dir.canonicalize().map_err(StudyError::io(dir))?;
    start
        .ancestors()
        .map(|d| d.join(doc))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            StudyError::Input(format!(
                "study `{study}`: its write-up `{doc}` (doc in [study]) is not in {} nor any directory above it",
                start.display()
            ))
        })
}

/// `text` with the block between [`BEGIN`] and [`END`] replaced by `block` (the markers
/// stay, each on its own line around it). Exactly one of each, in that order, or the
/// error says what is wrong.
pub fn rewrite_block(text: &str, block: &str) -> Result<String, String> {
    let (begins, ends) = (text.matches(BEGIN).count(), text.matches(END).count());
    if begins != 1 || ends != 1 {
        return Err(format!(
            "expected one `{BEGIN}` line and one `{END}` line around the generated figures, found {begins} and {ends}"
        ));
    }
    let open = text.find(BEGIN).expect("counted") + BEGIN.len();
    let close = text.find(END).expect("counted");
    if close < open {
        return Err(format!("`{END}` comes before `{BEGIN}`"));
    }
    let block = block.trim_matches('\n');
    Ok(format!("{}\n{block}\n{}", &text[..open], &text[close..]))
}

/// Replaces the generated block of the write-up at `path` with `block`; writes only when
/// it changes. Returns whether it changed.
pub fn update_doc(path: &Path, block: &str) -> Result<bool, StudyError> {
    let text = std::fs::read_to_string(path).map_err(StudyError::io(path))?;
    let new = rewrite_block(&text, block)
        .map_err(|why| StudyError::Input(format!("{}: {why}", path.display())))?;
    if new == text {
        return Ok(false);
    }
    write_bytes_atomic(path, new.as_bytes()).map_err(|e| StudyError::Input(e.to_string()))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# Study\n\nProse: 42 % [40, 44].\n\n<!-- study:figures:begin -->\nold table\n<!-- study:figures:end -->\n\n## Caveats\nMore prose.\n";

    #[test]
    fn only_the_block_changes_and_rewriting_is_idempotent() {
        let once = rewrite_block(DOC, "| a |\n|---|\n| 1 |\n").unwrap();
        assert_eq!(
            once,
            DOC.replace("old table", "| a |\n|---|\n| 1 |"),
            "everything outside the markers is kept byte for byte"
        );
        assert_eq!(rewrite_block(&once, "| a |\n|---|\n| 1 |").unwrap(), once);
        let empty = rewrite_block(
            "x <!-- study:figures:begin --><!-- study:figures:end --> y",
            "t",
        )
        .unwrap();
        assert_eq!(
            empty,
            "x <!-- study:figures:begin -->\nt\n<!-- study:figures:end --> y"
        );
    }

    #[test]
    fn missing_doubled_or_swapped_markers_are_errors() {
        let no_end = DOC.replace(END, "");
        assert!(
            rewrite_block(&no_end, "t")
                .unwrap_err()
                .contains("found 1 and 0")
        );
        assert!(
            rewrite_block("no markers", "t")
                .unwrap_err()
                .contains("found 0 and 0")
        );
        let twice = format!("{DOC}{BEGIN}\n");
        assert!(
            rewrite_block(&twice, "t")
                .unwrap_err()
                .contains("found 2 and 1")
        );
        let swapped = format!("{END}\n{BEGIN}\n");
        assert!(
            rewrite_block(&swapped, "t")
                .unwrap_err()
                .contains("comes before")
        );
    }

    #[test]
    fn update_doc_writes_only_on_change_and_finds_the_doc_upwards() {
        let tmp = tempfile::tempdir().unwrap();
        let docs = tmp.path().join("docs");
        let studies = tmp.path().join("scenarios/studies");
        std::fs::create_dir_all(&docs).unwrap();
        std::fs::create_dir_all(&studies).unwrap();
        let doc = docs.join("s.md");
        std::fs::write(&doc, DOC).unwrap();
        let found = find_doc(&studies.join("s.toml"), "docs/s.md", "s").unwrap();
        assert_eq!(found, doc.canonicalize().unwrap());
        assert!(update_doc(&doc, "new").unwrap());
        assert!(!update_doc(&doc, "new").unwrap());
        assert_eq!(
            std::fs::read_to_string(&doc).unwrap(),
            DOC.replace("old table", "new")
        );
        let e = find_doc(&studies.join("s.toml"), "docs/none.md", "s").unwrap_err();
        assert!(
            e.to_string()
                .contains("study `s`: its write-up `docs/none.md`"),
            "{e}"
        );
        std::fs::write(&doc, "no markers\n").unwrap();
        let e = update_doc(&doc, "new").unwrap_err().to_string();
        assert!(e.contains("s.md: expected one"), "{e}");
    }
}
