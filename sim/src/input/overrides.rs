//! `--set dotted.path=value` overrides, applied to the TOML document before it is read,
//! so an override is checked exactly like a value written in the file.
//!
//! Paths index arrays of tables by number: `providers.0.count=50`. Values are TOML
//! (`2.5`, `true`, `"text"`, `{ dist = "fixed", value = "1h" }`); a bare word that is not
//! valid TOML is taken as a string (`market.selection=lowest`).

use toml_edit::{DocumentMut, Item, TableLike, Value};

use crate::input::error::ScenarioError;

/// Applies each `key=value` assignment to `src` and returns the edited text. Values edited
/// in place keep their line, so later errors still point at the right line.
pub fn apply_overrides(src: &str, assignments: &[String]) -> Result<String, ScenarioError> {
    if assignments.is_empty() {
        return Ok(src.to_string());
    }
    let mut doc: DocumentMut =
        src.parse()
            .map_err(|e: toml_edit::TomlError| ScenarioError::Override {
                assignment: assignments[0].clone(),
                message: format!("the scenario itself is not valid TOML: {}", e.message()),
            })?;
    for assignment in assignments {
        apply_one(&mut doc, assignment)?;
    }
    Ok(doc.to_string())
}

fn apply_one(doc: &mut DocumentMut, assignment: &str) -> Result<(), ScenarioError> {
    let err = |message: String| ScenarioError::Override {
        assignment: assignment.to_string(),
        message,
    };
    let (path, raw_value) = assignment
        .split_once('=')
        .ok_or_else(|| err("expected key=value, e.g. --set scenario.duration=30d".into()))?;
    set_path(doc, path.trim(), parse_value(raw_value.trim())).map_err(err)
}

/// Sets dotted `path` of `doc` to `value`, as `--set path=value` does (the `[[timeline]]`
/// uses it too); the message says which part of the path is wrong.
pub fn set_path(doc: &mut DocumentMut, path: &str, value: Value) -> Result<(), String> {
    let keys: Vec<&str> = path.split('.').collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(format!(
            "`{path}` is not a dotted path such as market.take_rate"
        ));
    }
    let (last, parents) = keys.split_last().expect("split yields at least one key");
    let mut cursor = Cursor::Item(doc.as_item_mut());
    for (depth, key) in parents.iter().enumerate() {
        cursor = cursor
            .step(key)
            .map_err(|m| format!("{}: {m}", keys[..=depth].join(".")))?;
    }
    let table = cursor
        .table()
        .ok_or_else(|| format!("{}: is not a table", parents.join(".")))?;
    match table.get_mut(last) {
        Some(item) => {
            let mut new_value = value;
            if let Some(old) = item.as_value() {
                *new_value.decor_mut() = old.decor().clone();
            }
            *item = Item::Value(new_value);
        }
        None => {
            table.insert(last, Item::Value(value));
        }
    }
    Ok(())
}

/// Where the path walk stands: a plain item, a table inside an array of tables, or an
/// inline table inside an inline array (`price_changes = [{ at = .., factor = .. }]`).
enum Cursor<'a> {
    Item(&'a mut Item),
    Table(&'a mut toml_edit::Table),
    Inline(&'a mut toml_edit::InlineTable),
}

impl<'a> Cursor<'a> {
    fn table(self) -> Option<&'a mut dyn TableLike> {
        match self {
            Cursor::Item(item) => item.as_table_like_mut(),
            Cursor::Table(table) => Some(table),
            Cursor::Inline(table) => Some(table),
        }
    }

    /// Moves one path segment down: a key of a table or an index of an array of tables
    /// (or of an inline array of inline tables).
    fn step(self, key: &str) -> Result<Cursor<'a>, String> {
        if let Ok(index) = key.parse::<usize>() {
            let out_of_range = |len: usize| format!("index {index} out of range (there are {len})");
            return match self {
                Cursor::Item(Item::ArrayOfTables(array)) => {
                    let len = array.len();
                    array
                        .get_mut(index)
                        .map(Cursor::Table)
                        .ok_or_else(|| out_of_range(len))
                }
                Cursor::Item(Item::Value(Value::Array(array))) => {
                    let len = array.len();
                    match array.get_mut(index) {
                        Some(Value::InlineTable(t)) => Ok(Cursor::Inline(t)),
                        Some(_) => Err(format!("element {index} is not a table")),
                        None => Err(out_of_range(len)),
                    }
                }
                _ => Err("is not an array of tables".into()),
            };
        }
        let table = self.table().ok_or_else(|| "is not a table".to_string())?;
        table
            .get_mut(key)
            .map(Cursor::Item)
            .ok_or_else(|| format!("no table `{key}` here"))
    }
}

fn parse_value(text: &str) -> Value {
    text.parse::<Value>().unwrap_or_else(|_| Value::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_values_in_place_and_keeps_lines() {
        let src = "[scenario]\nname = \"x\"\nduration = \"1y\"\n\n[[providers]]\ncount = 3\n";
        let out = apply_overrides(
            src,
            &[
                "scenario.duration=\"30d\"".into(),
                "providers.0.count=7".into(),
                "market.x=lowest".into(),
            ],
        );
        // `market` does not exist: a clear error, not a panic.
        assert!(out.unwrap_err().to_string().contains("market"));
        let out = apply_overrides(
            src,
            &["scenario.duration=30d".into(), "providers.0.count=7".into()],
        )
        .unwrap();
        assert!(out.contains("duration = \"30d\""), "{out}");
        assert!(out.lines().nth(5).unwrap().contains("count = 7"), "{out}");
    }

    #[test]
    fn reaches_into_an_inline_array_of_tables() {
        let src =
            "[[venues]]\nname = \"a\"\nprice_changes = [{ at = \"2026-07-01\", factor = 0.7 }]\n";
        let out = apply_overrides(src, &["venues.0.price_changes.0.factor=1.25".into()]).unwrap();
        assert!(out.contains("factor = 1.25"), "{out}");
        let e = apply_overrides(src, &["venues.0.price_changes.1.factor=1".into()]).unwrap_err();
        assert!(e.to_string().contains("out of range"), "{e}");
    }

    #[test]
    fn rejects_bad_assignments() {
        let src = "[scenario]\nname = \"x\"\n";
        for bad in [
            "noequals",
            ".x=1",
            "scenario.name.deeper=1",
            "providers.0.count=1",
        ] {
            assert!(apply_overrides(src, &[bad.to_string()]).is_err(), "{bad}");
        }
    }
}
