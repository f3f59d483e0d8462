//! Reading a scenario file: its bytes as UTF-8 text, or an error naming the file (and,
//! for bytes that are not UTF-8, the position where they stop being text).

use std::path::Path;

use crate::input::error::{Locator, ScenarioError};

/// The text of the scenario file at `path`.
pub fn read_scenario_text(path: &Path) -> Result<String, ScenarioError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| ScenarioError::Io {
        path: file.clone(),
        error,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let prefix = std::str::from_utf8(valid).expect("valid_up_to marks valid UTF-8");
        let loc = Locator {
            file: &file,
            src: prefix,
        };
        loc.error(
            prefix.len()..prefix.len(),
            "file is not valid UTF-8 text (a TOML scenario was expected)",
        )
    })
}
