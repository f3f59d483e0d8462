//! Loading a scenario: a file or a built-in by name, `--set` overrides applied to the text,
//! then validated (`validate/`); observed series the simulator cannot read itself
//! (Parquet) resolved through a reader the caller hands in.

use std::path::Path;

use super::builtin::builtin;
use super::validate;
use super::{Scenario, ScenarioError};
use crate::input::file::read_scenario_text;

impl Scenario {
    /// Reads, overrides and validates the scenario at `path`.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let file = path.display().to_string();
        let text = read_scenario_text(path)?;
        Scenario::parse(&text, &file, overrides)
    }

    /// Overrides and validates scenario `text`; `file` names it in errors.
    pub fn parse(text: &str, file: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        validate::parse_with(text, file, overrides)
    }
}

impl Scenario {
    /// Reads the observed series the simulator cannot read itself (Parquet) through
    /// `load`, which gets the file and its date and value columns and returns the rows'
    /// cells as text (see [`crate::parts::observed::points_from_rows`]). Errors name the file,
    /// row and column.
    pub fn resolve_observed(
        &mut self,
        mut load: impl FnMut(
            &Path,
            &str,
            &str,
        ) -> Result<
            Vec<crate::data::series::Row>,
            crate::parts::observed::SeriesError,
        >,
    ) -> Result<(), ScenarioError> {
        for o in &mut self.observed {
            let crate::parts::observed::ObservedData::File {
                path,
                date_column,
                value_column,
            } = &o.data
            else {
                continue;
            };
            let shown = path.display().to_string();
            let at = |line, col, message: String| ScenarioError::Invalid {
                file: shown.clone(),
                line,
                col,
                message: format!("observed series `{}`: {message}", o.name),
            };
            let points = load(path, date_column, value_column)
                .and_then(|rows| crate::parts::observed::points_from_rows(rows, o.period))
                .map_err(|e| match e {
                    crate::parts::observed::SeriesError::MissingColumn { column, found } => at(
                        1,
                        1,
                        format!("no column `{column}`; its columns are {found:?}"),
                    ),
                    crate::parts::observed::SeriesError::At { line, col, message } => {
                        at(line, col, message)
                    }
                })?;
            o.data = crate::parts::observed::ObservedData::Points(points);
        }
        Ok(())
    }

    /// Loads `name_or_path`: a file if one exists there, else a built-in scenario by name
    /// (a folder of that name does not hide the built-in).
    pub fn load_named(name_or_path: &str, overrides: &[String]) -> Result<Scenario, ScenarioError> {
        let path = Path::new(name_or_path);
        if !path.is_file()
            && let Some((name, text)) = builtin(name_or_path)
        {
            return Scenario::parse(text, &format!("<built-in {name}>"), overrides);
        }
        Scenario::load(path, overrides)
    }
}
