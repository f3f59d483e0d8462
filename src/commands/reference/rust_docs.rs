//! Struct fields and their doc comments, read from the simulator's source: the output
//! records and summary.json's sections carry their descriptions and units ("[USD]") only
//! there. Structs are found by name anywhere under the source folder, so moving a file
//! does not break the reference.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};

/// One field of a struct, as serde writes it.
#[derive(Debug, Clone)]
pub struct Field {
    /// Field name (the JSON key or column name).
    pub name: String,
    /// The Rust type as written, e.g. `Option<f64>`.
    pub ty: String,
    /// The doc comment, lines joined by spaces.
    pub doc: String,
    /// `#[serde(flatten)]`: its struct's fields appear in place of this one.
    pub flatten: bool,
    /// `#[serde(skip_serializing_if = ...)]`: left out of the JSON when empty.
    pub optional: bool,
}

/// A struct's doc comment and its serialized fields, in declaration order.
#[derive(Debug, Clone)]
pub struct Struct {
    /// The struct's doc comment.
    pub doc: String,
    /// Its fields (`#[serde(skip)]` ones left out).
    pub fields: Vec<Field>,
}

/// Every named-field struct under `root` (recursively, `.rs` files), by name. A name
/// defined twice maps to `None` (ambiguous), so a lookup fails loudly rather than
/// documenting the wrong struct.
pub fn structs(root: &Path) -> anyhow::Result<BTreeMap<String, Option<Struct>>> {
    let mut files = Vec::new();
    collect_rs(root, &mut files)?;
    files.sort();
    let mut found: BTreeMap<String, Option<Struct>> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        for (name, item) in parse(&text) {
            found
                .entry(name)
                .and_modify(|e| *e = None)
                .or_insert(Some(item));
        }
    }
    Ok(found)
}

/// The struct named `name`, or an error naming what is wrong.
pub fn get<'a>(
    structs: &'a BTreeMap<String, Option<Struct>>,
    name: &str,
) -> anyhow::Result<&'a Struct> {
    match structs.get(name) {
        Some(Some(s)) => Ok(s),
        Some(None) => bail!("struct {name} is defined more than once in the source"),
        None => bail!("struct {name} not found in the source"),
    }
}

fn collect_rs(dir: &Path, out: &mut Vec<std::path::PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_rs(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The named-field structs of one file.
fn parse(text: &str) -> Vec<(String, Struct)> {
    let mut out = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let t = line.trim();
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.trim());
            continue;
        }
        if t.starts_with("#[") {
            continue;
        }
        if let Some(name) = struct_name(t) {
            let fields = parse_fields(&mut lines);
            out.push((
                name.to_string(),
                Struct {
                    doc: doc.join(" "),
                    fields,
                },
            ));
        }
        doc.clear();
    }
    out
}

/// `Name` of a line `pub struct Name {` (any visibility, generics not supported).
fn struct_name(line: &str) -> Option<&str> {
    let rest = line.strip_suffix('{')?.trim_end();
    let at = rest.find("struct ")?;
    let (vis, name) = (&rest[..at], &rest[at + "struct ".len()..]);
    let plain = name.chars().all(|c| c.is_alphanumeric() || c == '_');
    (vis.trim().is_empty() || vis.trim().starts_with("pub"))
        .then_some(name)
        .filter(|_| plain)
}

/// The fields up to the struct's closing brace.
fn parse_fields<'a>(lines: &mut impl Iterator<Item = &'a str>) -> Vec<Field> {
    let mut fields = Vec::new();
    let mut doc: Vec<&str> = Vec::new();
    let (mut flatten, mut optional, mut skip) = (false, false, false);
    let mut pending = String::new();
    for line in lines.by_ref() {
        let t = line.trim();
        if t == "}" {
            break;
        }
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.trim());
            continue;
        }
        if t.starts_with("#[") {
            flatten |= t.contains("serde(flatten)");
            optional |= t.contains("skip_serializing_if");
            skip |= t.contains("serde(skip)") || t.contains("serde(skip,");
            continue;
        }
        if t.is_empty() || t.starts_with("//") {
            continue;
        }
        pending.push_str(t);
        if !pending.ends_with(',') {
            continue;
        }
        let decl = std::mem::take(&mut pending);
        let decl = decl.trim_end_matches(',');
        let decl = decl
            .strip_prefix("pub(crate) ")
            .or_else(|| decl.strip_prefix("pub "))
            .unwrap_or(decl);
        if let Some((name, ty)) = decl.split_once(':')
            && !skip
        {
            fields.push(Field {
                name: name.trim().to_string(),
                ty: ty.trim().to_string(),
                doc: doc.join(" "),
                flatten,
                optional,
            });
        }
        doc.clear();
        (flatten, optional, skip) = (false, false, false);
    }
    fields
}

/// The unit a doc comment states: its last bracketed group that is not a code link or a
/// source label (`[U]`, `[S]`, `[E]`), e.g. "USD per GPU-hour" from "... [USD per
/// GPU-hour]; NaN when none sold."
pub fn unit(doc: &str) -> Option<String> {
    // Code spans (`[[timeline]]`, `[scenario] start`) are not units.
    let prose: String = doc.split('`').step_by(2).collect::<Vec<_>>().join("");
    let mut unit = None;
    let mut rest = prose.as_str();
    while let Some(open) = rest.find('[') {
        let after = &rest[open + 1..];
        let Some(close) = after.find(']') else { break };
        let inner = &after[..close];
        let followed_by_link = after[close + 1..].starts_with('(');
        let label = matches!(inner, "U" | "S" | "S2" | "E");
        if !inner.starts_with('`') && !label && !followed_by_link && !inner.is_empty() {
            unit = Some(inner.to_string());
        }
        rest = &after[close + 1..];
    }
    unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_docs_and_serde_attributes_are_read() {
        let text = "\
/// A record.
#[derive(Debug)]
pub struct Rec {
    /// Spend [USD].
    pub spend_usd: f64,
    /// Sections.
    #[serde(flatten)]
    pub part: Part,
    #[serde(skip)]
    pub hidden: u64,
    /// Entries, left out when empty.
    #[serde(skip_serializing_if = \"Vec::is_empty\")]
    pub list: Vec<crate::x::Entry>,
}
";
        let parsed = parse(text);
        assert_eq!(parsed.len(), 1);
        let (name, s) = &parsed[0];
        assert_eq!(name, "Rec");
        assert_eq!(s.doc, "A record.");
        let names: Vec<&str> = s.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["spend_usd", "part", "list"]);
        assert!(s.fields[1].flatten && s.fields[2].optional);
        assert_eq!(s.fields[2].ty, "Vec<crate::x::Entry>");
    }

    #[test]
    fn the_unit_is_the_last_bracketed_group_that_is_not_a_link_or_label() {
        assert_eq!(
            unit("Spend [USD]; see [`Summary`].").as_deref(),
            Some("USD")
        );
        assert_eq!(
            unit("A rate [USD per GPU-hour] [U]").as_deref(),
            Some("USD per GPU-hour")
        );
        assert_eq!(unit("No unit, see [the docs](x.md)."), None);
        assert_eq!(
            unit("The `[[timeline]]` changes; needs `[scenario] start`."),
            None
        );
    }
}
