//! docs/reference/scenario.md from the scenario's JSON Schema: one table per top-level
//! table of the file (`[scenario]`, `[[providers]]`, ...) with every key under it as a
//! dotted path, then one section per shared type (durations, distributions, tagged
//! choices such as `pricing` or `emission`), each variant with its keys.
//!
//! Descriptions are the raw mirror's doc comments; units are their bracketed groups
//! ("[USD per GPU-hour]"); defaults are the schema's, else the doc comment's "Default
//! ..." phrase; allowed values are the schema's enums and constants.

use std::collections::BTreeSet;
use std::fmt::Write;

use serde_json::{Map, Value};

use super::{cell, escape, rust_docs};

/// The columns of every key table.
const COLUMNS: &str =
    "| key | type | unit | default | allowed values | description |\n|---|---|---|---|---|---|\n";

/// The page.
pub fn page(schema: &Value) -> anyhow::Result<String> {
    let root = schema
        .as_object()
        .ok_or_else(|| anyhow::anyhow!("the scenario schema is not an object"))?;
    let mut w = Walker {
        defs: root
            .get("$defs")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        types: BTreeSet::new(),
    };
    let mut md = super::header(
        "Scenario reference",
        "the scenario file's JSON Schema (`flopmarket schema`, derived from the doc \
         comments of sim's raw scenario types)",
    );
    md.push_str(
        "Every key a scenario file can hold. How to write one, with examples: \
         [Writing a scenario](../guide/scenarios.md). `flopmarket schema` prints the same \
         schema as JSON, for editors.\n\n\
         Keys are dotted paths, as `--set` takes them (`[]` marks an array of tables: \
         `--set providers.0.count=80`). *Type* names a section of [Types](#types) when it \
         is not a plain TOML value. *Unit* is the bracketed unit of the description, where \
         the code states one. *Default* is `required` for a key that must be present, \
         else the default the schema or the description states (blank: none stated; an \
         absent optional key is off or taken from elsewhere, as its description says).\n\n",
    );
    if let Some(d) = root.get("description").and_then(Value::as_str) {
        let _ = writeln!(md, "{}\n", escape(d));
    }
    // The top-level keys, then one section per table of the file.
    md.push_str("## Top level\n\n");
    md.push_str(COLUMNS);
    let mut sections = Vec::new();
    for (key, prop, required) in properties(root) {
        let (target, array) = w.table_of(prop);
        match target {
            Some(name) => {
                let heading = if array {
                    format!("[[{key}]]")
                } else {
                    format!("[{key}]")
                };
                let mut r = w.row(key, prop, required);
                let kind = if array { "array of tables" } else { "table" };
                r.ty = format!("{kind}, [below](#{})", slug(&heading));
                md.push_str(&r.render());
                sections.push((heading, key.to_string(), name, array));
            }
            None => md.push_str(&w.row(key, prop, required).render()),
        }
    }
    md.push('\n');
    for (heading, key, name, array) in sections {
        let def = w.def(&name);
        let _ = writeln!(md, "## {heading}\n");
        if let Some(d) = def.get("description").and_then(Value::as_str) {
            let _ = writeln!(md, "{}\n", escape(d));
        }
        md.push_str(COLUMNS);
        let prefix = if array { format!("{key}[]") } else { key };
        let mut stack = vec![name];
        w.rows(&mut md, &prefix, &def, &mut stack);
        md.push('\n');
    }
    w.types_section(&mut md);
    Ok(md)
}

/// One key's table row.
struct Row {
    key: String,
    ty: String,
    unit: String,
    default: String,
    allowed: String,
    description: String,
}

impl Row {
    fn render(&self) -> String {
        format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            self.key,
            self.ty,
            cell(&self.unit),
            cell(&self.default),
            self.allowed,
            cell(&self.description)
        )
    }
}

/// Walks the schema, remembering the shared types it meets.
struct Walker {
    defs: Map<String, Value>,
    types: BTreeSet<String>,
}

impl Walker {
    /// A definition by name (an empty object if missing).
    fn def(&self, name: &str) -> Map<String, Value> {
        self.defs
            .get(name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    }

    /// The definition a `$ref` names.
    fn ref_name(schema: &Map<String, Value>) -> Option<String> {
        let r = schema.get("$ref")?.as_str()?;
        Some(r.rsplit('/').next()?.to_string())
    }

    /// `schema` without a null alternative (`Option`), resolved through a `$ref` when
    /// the reference is all there is: (the schema, the definition's name).
    fn unwrap(&self, schema: &Value) -> (Map<String, Value>, Option<String>) {
        let mut s = schema.as_object().cloned().unwrap_or_default();
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(alts)) = s.get(key) {
                let non_null: Vec<&Value> = alts.iter().filter(|a| !is_null(a)).collect();
                if non_null.len() == 1 && non_null.len() < alts.len() {
                    let inner = non_null[0].as_object().cloned().unwrap_or_default();
                    s.remove(key);
                    for (k, v) in inner {
                        s.entry(k).or_insert(v);
                    }
                }
            }
        }
        if let Some(Value::Array(types)) = s.get("type") {
            let non_null: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
            if non_null.len() == 1 {
                s.insert("type".into(), non_null[0].clone());
            }
        }
        match Self::ref_name(&s) {
            Some(name) => {
                let mut def = self.def(&name);
                // The property's own description wins over the type's.
                for key in ["description", "default"] {
                    if let Some(v) = s.get(key) {
                        def.insert(key.into(), v.clone());
                    }
                }
                (def, Some(name))
            }
            None => (s, None),
        }
    }

    /// Whether a definition is a plain table of keys (expanded as dotted rows).
    fn is_struct(schema: &Map<String, Value>) -> bool {
        schema.contains_key("properties")
            && !schema.contains_key("oneOf")
            && !schema.contains_key("anyOf")
    }

    /// The table definition a top-level key holds (and whether as an array of tables).
    fn table_of(&self, prop: &Value) -> (Option<String>, bool) {
        let (s, name) = self.unwrap(prop);
        if let (Some(name), true) = (&name, Self::is_struct(&s)) {
            return (Some(name.clone()), false);
        }
        if s.get("type").and_then(Value::as_str) == Some("array")
            && let Some(items) = s.get("items")
        {
            let (item, name) = self.unwrap(items);
            if let (Some(name), true) = (name, Self::is_struct(&item)) {
                return (Some(name), true);
            }
        }
        (None, false)
    }

    /// Rows for every key of a table, nested tables expanded as dotted paths.
    fn rows(
        &mut self,
        md: &mut String,
        prefix: &str,
        table: &Map<String, Value>,
        stack: &mut Vec<String>,
    ) {
        for (key, prop, required) in properties(table) {
            let path = format!("{prefix}.{key}");
            let (s, name) = self.unwrap(prop);
            md.push_str(&self.row(&path, prop, required).render());
            // A nested table, or an array of tables: its keys as dotted rows.
            let (table, path) = match (&name, Self::is_struct(&s)) {
                (Some(name), true) => (Some((name.clone(), s)), path),
                _ => match s
                    .get("items")
                    .filter(|_| s.get("type") == Some(&"array".into()))
                {
                    Some(items) => match self.unwrap(items) {
                        (item, Some(name)) if Self::is_struct(&item) => {
                            (Some((name, item)), format!("{path}[]"))
                        }
                        _ => (None, path),
                    },
                    None => (None, path),
                },
            };
            if let Some((name, table)) = table
                && !stack.contains(&name)
            {
                stack.push(name);
                self.rows(md, &path, &table, stack);
                stack.pop();
            }
        }
    }

    /// The row of one key.
    fn row(&mut self, key: &str, prop: &Value, required: bool) -> Row {
        let (s, name) = self.unwrap(prop);
        let description = s
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let default = if required {
            "required".to_string()
        } else {
            match s.get("default") {
                Some(v) if !v.is_null() => format!("`{}`", toml_value(v)),
                _ => stated_default(&description).unwrap_or_default(),
            }
        };
        Row {
            key: key.to_string(),
            ty: self.type_of(&s, name.as_deref()),
            unit: rust_docs::unit(&description).unwrap_or_default(),
            default,
            allowed: allowed(&s, self),
            description,
        }
    }

    /// A type cell: a TOML type, or a link to a shared type's section.
    fn type_of(&mut self, s: &Map<String, Value>, name: Option<&str>) -> String {
        if let Some(name) = name {
            if Self::is_struct(s) {
                return "table".into();
            }
            if enum_values(s, self).is_some() {
                return "string".into();
            }
            self.types.insert(name.to_string());
            return format!("[{}](#{})", display(name), slug(&display(name)));
        }
        match s.get("type").and_then(Value::as_str) {
            Some("array") => {
                let item = s.get("items").cloned().unwrap_or(Value::Null);
                let (item, name) = self.unwrap(&item);
                format!("array of {}", self.type_of(&item, name.as_deref()))
            }
            Some("object") => match s.get("additionalProperties") {
                Some(v @ Value::Object(_)) => {
                    let (v, name) = self.unwrap(v);
                    format!("table of {} by name", self.type_of(&v, name.as_deref()))
                }
                _ => "table".into(),
            },
            Some(t) => toml_type(t, s),
            None if s.contains_key("oneOf") || s.contains_key("anyOf") => {
                self.alternatives(s).join(" or ")
            }
            None => "any".into(),
        }
    }

    /// The types of an untagged choice's alternatives.
    fn alternatives(&mut self, s: &Map<String, Value>) -> Vec<String> {
        let alts = s
            .get("oneOf")
            .or_else(|| s.get("anyOf"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        alts.iter()
            .filter(|a| !is_null(a))
            .map(|a| {
                let (a, name) = self.unwrap(a);
                self.type_of(&a, name.as_deref())
            })
            .collect()
    }

    /// One section per shared type met, with its variants' keys; types met while
    /// writing a section get theirs too.
    fn types_section(&mut self, md: &mut String) {
        md.push_str("## Types\n\n");
        let mut done = BTreeSet::new();
        while let Some(name) = self.types.iter().find(|t| !done.contains(*t)).cloned() {
            done.insert(name.clone());
            let def = self.def(&name);
            let _ = writeln!(md, "### {}\n", display(&name));
            if let Some(d) = def.get("description").and_then(Value::as_str) {
                let _ = writeln!(md, "{}\n", escape(d));
            }
            let variants = def
                .get("oneOf")
                .or_else(|| def.get("anyOf"))
                .and_then(Value::as_array)
                .cloned();
            match variants {
                Some(variants) => self.variants(md, &variants),
                None => {
                    let ty = self.type_of(&def, None);
                    let _ = writeln!(md, "A {ty}{}.\n", pattern_note(&def));
                }
            }
        }
    }

    /// The variants of a choice: tagged tables by their tag, else each alternative.
    fn variants(&mut self, md: &mut String, variants: &[Value]) {
        for v in variants.iter().filter(|v| !is_null(v)) {
            let (s, name) = self.unwrap(v);
            let description = s.get("description").and_then(Value::as_str).unwrap_or("");
            if Self::is_struct(&s) {
                let tag = tag_of(&s);
                let title = match &tag {
                    Some((k, v)) => format!("`{k} = \"{v}\"`"),
                    None => "A table".to_string(),
                };
                let _ = writeln!(md, "- {title}: {}\n", escape(description));
                let mut table = s.clone();
                if let (Some((k, _)), Some(Value::Object(props))) =
                    (&tag, table.get_mut("properties"))
                {
                    props.remove(k);
                }
                if table
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty())
                {
                    md.push_str("  ");
                    md.push_str(&COLUMNS.replace("\n|", "\n  |"));
                    let mut rows = String::new();
                    let mut stack = name.into_iter().collect();
                    self.rows(&mut rows, "", &table, &mut stack);
                    for line in rows.lines() {
                        let _ = writeln!(md, "  {}", line.replacen("`.", "`", 1));
                    }
                    md.push('\n');
                }
            } else {
                let ty = self.type_of(&s, name.as_deref());
                let values = enum_values(&s, self)
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default();
                let _ = writeln!(md, "- {ty}{values}: {}\n", escape(description));
            }
        }
    }
}

/// `(key, schema, required)` for each property of a table, in the schema's order.
fn properties(table: &Map<String, Value>) -> Vec<(&str, &Value, bool)> {
    let required: Vec<&str> = table
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    table
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .map(|(k, v)| (k.as_str(), v, required.contains(&k.as_str())))
                .collect()
        })
        .unwrap_or_default()
}

/// The tag of a tagged variant: a property whose only value is a constant.
fn tag_of(s: &Map<String, Value>) -> Option<(String, String)> {
    let props = s.get("properties")?.as_object()?;
    props.iter().find_map(|(k, v)| {
        let c = v.get("const").or_else(|| {
            v.get("enum")
                .and_then(Value::as_array)
                .filter(|e| e.len() == 1)
                .and_then(|e| e.first())
        })?;
        Some((k.clone(), c.as_str()?.to_string()))
    })
}

/// The string values an enum allows, joined, when the schema is a plain enum.
fn enum_values(s: &Map<String, Value>, w: &Walker) -> Option<String> {
    if let Some(Value::Array(values)) = s.get("enum") {
        let v: Vec<String> = values
            .iter()
            .map(|v| format!("`{}`", toml_value(v)))
            .collect();
        return Some(v.join(", "));
    }
    let alts = s.get("oneOf").or_else(|| s.get("anyOf"))?.as_array()?;
    let mut values = Vec::new();
    for a in alts.iter().filter(|a| !is_null(a)) {
        let (a, _) = w.unwrap(a);
        if let Some(c) = a.get("const") {
            values.push(format!("`{}`", toml_value(c)));
        } else if let Some(Value::Array(e)) = a.get("enum") {
            values.extend(e.iter().map(|v| format!("`{}`", toml_value(v))));
        } else {
            return None;
        }
    }
    (!values.is_empty()).then(|| values.join(", "))
}

/// The allowed-values cell: enum values, bounds, or a duration's form.
fn allowed(s: &Map<String, Value>, w: &Walker) -> String {
    if let Some(v) = enum_values(s, w) {
        return v;
    }
    let mut parts = Vec::new();
    for (key, op) in [
        ("minimum", ">="),
        ("exclusiveMinimum", ">"),
        ("maximum", "<="),
        ("exclusiveMaximum", "<"),
    ] {
        let unsigned = s
            .get("format")
            .and_then(Value::as_str)
            .is_some_and(|f| f.starts_with("uint"));
        match s.get(key) {
            Some(v) if unsigned && key == "minimum" && v.as_f64() == Some(0.0) => {}
            Some(v) => parts.push(format!("{op} {v}")),
            None => {}
        }
    }
    parts.join(", ")
}

/// A TOML type name for a JSON Schema type.
fn toml_type(t: &str, s: &Map<String, Value>) -> String {
    match t {
        "integer" => "integer".into(),
        "number" => "float".into(),
        "string" => format!("string{}", pattern_note(s).trim_start_matches(',')),
        "boolean" => "boolean".into(),
        other => other.into(),
    }
}

/// A note on a string's pattern (durations, dates).
fn pattern_note(s: &Map<String, Value>) -> String {
    match s.get("format").and_then(Value::as_str) {
        Some(f) => format!(" ({f})"),
        None => String::new(),
    }
}

/// A JSON value as TOML writes it (strings quoted, others as JSON).
fn toml_value(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        other => other.to_string(),
    }
}

/// The default a description states: "Default 20.", "(default \"30s\")", "defaults to 0".
fn stated_default(description: &str) -> Option<String> {
    let lower = description.to_lowercase();
    for marker in ["default:", "defaults to", "default"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(marker).map(|i| i + from) {
            from = at + marker.len();
            // A word of its own: not "defaulted", not "by default," with nothing after.
            let word_start = at == 0 || !lower.as_bytes()[at - 1].is_ascii_alphabetic();
            let rest = &description[from..];
            if !word_start || !rest.starts_with([' ', ':']) {
                continue;
            }
            let rest = rest.trim_start_matches([' ', ':']);
            let end = rest
                .find([')', ';'])
                .or_else(|| rest.find(". "))
                .or_else(|| rest.strip_suffix('.').map(str::len))
                .unwrap_or(rest.len());
            let value = rest[..end].trim().trim_end_matches(',');
            if !value.is_empty() && value.len() <= 60 && !value.starts_with("the ") {
                return Some(value.to_string());
            }
        }
    }
    None
}

/// A schema definition's name for the page: `Raw` taken off.
fn display(name: &str) -> String {
    name.strip_prefix("Raw").unwrap_or(name).to_string()
}

/// GitHub's anchor for a heading: lower case, spaces to dashes, punctuation dropped.
pub fn slug(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn is_null(v: &Value) -> bool {
    v.get("type").and_then(Value::as_str) == Some("null")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_read_from_descriptions() {
        assert_eq!(
            stated_default("Bid window. Default \"30s\".").as_deref(),
            Some("\"30s\"")
        );
        assert_eq!(
            stated_default("Selection (default lowest).").as_deref(),
            Some("lowest")
        );
        assert_eq!(stated_default("A fee. Default 0").as_deref(), Some("0"));
        assert_eq!(stated_default("No stated fallback."), None);
    }

    #[test]
    fn slugs_follow_github() {
        assert_eq!(slug("[[providers]]"), "providers");
        assert_eq!(slug("Dist<Duration>"), "distduration");
    }
}
