//! docs/reference/outputs.md: summary.json's keys and each run table's columns, with
//! type, unit and description, from the structs that produce them (their doc comments
//! hold the descriptions and units). The keys are checked against a serialized
//! [`Summary`] and the dtypes against the frames the report crate builds, so the page
//! cannot name a key or dtype that the files do not have.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use anyhow::{bail, ensure};
use flopmarket_sim::Summary;

use super::rust_docs::{self, Struct};
use super::{cell, escape};

type Structs = BTreeMap<String, Option<Struct>>;

/// The run tables: file, record struct, what a row is.
const TABLES: &[(&str, &str, &str)] = &[
    (
        "epochs.parquet",
        "EpochRecord",
        "one row per epoch and GPU model, plus a `gpu_model = \"all\"` row per epoch",
    ),
    (
        "providers.parquet",
        "ProviderRecord",
        "one row per provider",
    ),
    (
        "jobs.parquet",
        "JobRecord",
        "one row per job (with `--jobs-log`)",
    ),
    (
        "venues.parquet",
        "VenueEpochRecord",
        "one row per venue and epoch (multi-venue worlds only)",
    ),
];

/// The page.
pub fn page(structs: &Structs) -> anyhow::Result<String> {
    let mut md = String::new();
    md.push_str(&super::header(
        "Output reference",
        "the structs that write summary.json and the run tables (their doc comments), \
         checked against a serialized summary and the report crate's frames",
    ));
    md.push_str(
        "What `flopmarket run` writes, key by key and column by column. What the figures \
         mean together, and the other files (report, charts, `observed.parquet`, sweep \
         tables): [the outputs guide](../guide/outputs.md).\n\n\
         Units are in brackets where the code states one; a figure that is not finite \
         (NaN) is written as `null` in summary.json and as NaN in the tables.\n\n",
    );
    summary(&mut md, structs)?;
    tables(&mut md, structs)?;
    Ok(md)
}

/// summary.json: one table per section of [`Summary`], then one per list of entries.
fn summary(md: &mut String, structs: &Structs) -> anyhow::Result<()> {
    md.push_str("## summary.json\n\nOne JSON object; its keys in the order it writes them.\n\n");
    let top = rust_docs::get(structs, "Summary")?;
    let mut keys = Vec::new();
    let mut nested: Vec<(String, String)> = Vec::new();
    // Plain top-level fields between flattened sections are gathered into one table.
    let mut loose: Vec<&rust_docs::Field> = Vec::new();
    let flush = |md: &mut String, loose: &mut Vec<&rust_docs::Field>| {
        if !loose.is_empty() {
            let names: Vec<String> = loose.iter().map(|f| format!("`{}`", f.name)).collect();
            let _ = writeln!(md, "### {}\n", names.join(", "));
            md.push_str("| key | type | unit | description |\n|---|---|---|---|\n");
            for f in loose.drain(..) {
                row(md, f);
            }
            md.push('\n');
        }
    };
    for field in &top.fields {
        if field.flatten {
            flush(md, &mut loose);
            let section = rust_docs::get(structs, &base_type(&field.ty))?;
            let _ = writeln!(md, "### {}\n", sentence(&field.doc));
            md.push_str("| key | type | unit | description |\n|---|---|---|---|\n");
            for f in &section.fields {
                ensure!(!f.flatten, "nested flatten in {}", field.ty);
                keys.push(f.name.clone());
                row(md, f);
                entries_of(f, &mut nested);
            }
            md.push('\n');
        } else {
            keys.push(field.name.clone());
            loose.push(field);
            entries_of(field, &mut nested);
        }
    }
    flush(md, &mut loose);
    check_keys(&keys)?;
    for (key, name) in nested {
        let entry = rust_docs::get(structs, &name)?;
        let _ = writeln!(md, "### `{key}` entries\n\n{}\n", escape(&entry.doc));
        md.push_str("| key | type | unit | description |\n|---|---|---|---|\n");
        for f in &entry.fields {
            row(md, f);
        }
        md.push('\n');
    }
    Ok(())
}

/// A field whose type is a list (or map) of structs: (key, struct name).
fn entries_of(field: &rust_docs::Field, nested: &mut Vec<(String, String)>) {
    let ty = base_type(&field.ty);
    if !scalar(&ty) {
        nested.push((field.name.clone(), ty));
    }
}

/// The keys read from the source are summary.json's keys, each once.
fn check_keys(keys: &[String]) -> anyhow::Result<()> {
    let summary = Summary {
        backtests: vec![Default::default()],
        venues: vec![Default::default()],
        workload_venues: vec![Default::default()],
        ..Default::default()
    };
    let json = serde_json::to_value(summary)?;
    // serde_json's map is sorted here: compare the sets (serde writes the keys in the
    // structs' declaration order, which is the order read).
    let written: BTreeSet<&String> = json
        .as_object()
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    let read: BTreeSet<&String> = keys.iter().collect();
    if written != read || read.len() != keys.len() {
        bail!(
            "the Summary structs read from the source give the keys {read:?}, but summary.json \
             has {written:?}: the reference generator's source reading is out of step"
        );
    }
    Ok(())
}

/// One row per run table's column.
fn tables(md: &mut String, structs: &Structs) -> anyhow::Result<()> {
    let frames = flopmarket_reports::FrameSink::new().into_frames()?;
    let built: BTreeMap<&str, Vec<(String, String)>> = [
        ("EpochRecord", &frames.epochs),
        ("ProviderRecord", &frames.providers),
    ]
    .into_iter()
    .map(|(name, frame)| {
        let cols = frame
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), c.dtype().to_string()))
            .collect();
        (name, cols)
    })
    .collect();
    md.push_str(
        "## Run tables\n\nParquet (or CSV with `--format csv`), one column per field. In a \
         multi-venue world, the epochs, providers and jobs tables start with a `venue` \
         column (String: the venue's `[[venues]] name`). Nullable: the column holds nulls \
         (an `Option` field).\n\n",
    );
    for (file, record, rows) in TABLES {
        let s = rust_docs::get(structs, record)?;
        let _ = writeln!(md, "### {file}\n\n{}; {}\n", capital(rows), escape(&s.doc));
        md.push_str("| column | dtype | nullable | unit | description |\n|---|---|---|---|---|\n");
        let mut mapped = Vec::new();
        for f in &s.fields {
            let (dtype, nullable) = dtype(&f.name, &f.ty)?;
            mapped.push((f.name.clone(), dtype.clone()));
            let _ = writeln!(
                md,
                "| `{}` | {} | {} | {} | {} |",
                f.name,
                dtype,
                if nullable { "yes" } else { "" },
                cell(&rust_docs::unit(&f.doc).unwrap_or_default()),
                cell(&f.doc)
            );
        }
        md.push('\n');
        if let Some(cols) = built.get(record) {
            ensure!(
                cols == &mapped,
                "{file}: columns and dtypes from the source {mapped:?} differ from the frame's {cols:?}"
            );
        }
    }
    Ok(())
}

/// The Polars dtype a record field becomes (reports' `RunFrames`), and whether nullable.
fn dtype(name: &str, ty: &str) -> anyhow::Result<(String, bool)> {
    let (inner, nullable) = match ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        Some(t) => (t, true),
        None => (ty, false),
    };
    let dtype = match (name, inner) {
        ("date", "i64") => "datetime[ms]",
        (_, "u64") => "u64",
        (_, "u32") => "u32",
        (_, "i64") => "i64",
        (_, "f64") => "f64",
        (_, "bool") => "bool",
        (_, "String") => "str",
        _ => bail!("column {name}: no dtype known for the Rust type {ty}"),
    };
    Ok((dtype.to_string(), nullable))
}

/// One summary.json row.
fn row(md: &mut String, f: &rust_docs::Field) {
    let note = if f.optional {
        " Left out when empty."
    } else {
        ""
    };
    let _ = writeln!(
        md,
        "| `{}` | {} | {} | {}{} |",
        f.name,
        json_type(&f.ty),
        cell(&rust_docs::unit(&f.doc).unwrap_or_default()),
        cell(&f.doc),
        note
    );
}

/// The JSON type of a Rust field type.
fn json_type(ty: &str) -> String {
    let ty = ty.trim();
    if let Some(t) = generic(ty, "Option") {
        return format!("{} or null", json_type(t));
    }
    if let Some(t) = generic(ty, "Vec") {
        return format!("list of {}", json_type(t));
    }
    if let Some(t) = generic(ty, "BTreeMap") {
        let value = t.split_once(',').map(|(_, v)| v).unwrap_or(t);
        return format!("object of {}", json_type(value));
    }
    match ty {
        "f64" | "f32" => "number".into(),
        "u64" | "u32" | "usize" | "i64" | "i32" => "integer".into(),
        "String" | "&'static str" | "&str" => "string".into(),
        "bool" => "boolean".into(),
        other => {
            let name = other.rsplit("::").next().unwrap_or(other);
            "object".to_string()
                + if name.is_empty() {
                    ""
                } else {
                    " (entries below)"
                }
        }
    }
}

/// `T` of `Name<T>`.
fn generic<'a>(ty: &'a str, name: &str) -> Option<&'a str> {
    ty.strip_prefix(name)?.strip_prefix('<')?.strip_suffix('>')
}

/// The struct a field's type names once `Option`, `Vec` and maps are taken off.
fn base_type(ty: &str) -> String {
    let ty = ty.trim();
    for wrapper in ["Option", "Vec"] {
        if let Some(t) = generic(ty, wrapper) {
            return base_type(t);
        }
    }
    if let Some(t) = generic(ty, "BTreeMap") {
        return base_type(t.split_once(',').map(|(_, v)| v).unwrap_or(t));
    }
    ty.rsplit("::").next().unwrap_or(ty).to_string()
}

/// Whether a base type is a JSON scalar (no entries table).
fn scalar(ty: &str) -> bool {
    matches!(
        ty,
        "f64"
            | "f32"
            | "u64"
            | "u32"
            | "usize"
            | "i64"
            | "i32"
            | "String"
            | "&'static str"
            | "bool"
    )
}

/// The first sentence of a doc comment, without its period (a section title).
fn sentence(doc: &str) -> String {
    let first = doc.split(": ").next().unwrap_or(doc);
    let first = first.split(". ").next().unwrap_or(first);
    escape(first.trim_end_matches('.'))
}

fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rust_types_become_json_types() {
        assert_eq!(json_type("Option<f64>"), "number or null");
        assert_eq!(
            json_type("Vec<crate::backtest::BacktestFigures>"),
            "list of object (entries below)"
        );
        assert_eq!(json_type("BTreeMap<String, u64>"), "object of integer");
        assert_eq!(
            base_type("Vec<crate::backtest::BacktestFigures>"),
            "BacktestFigures"
        );
    }

    #[test]
    fn dates_are_datetimes_and_options_nullable() {
        assert_eq!(
            dtype("date", "Option<i64>").unwrap(),
            ("datetime[ms]".into(), true)
        );
        assert_eq!(dtype("epoch", "u32").unwrap(), ("u32".into(), false));
        assert!(dtype("x", "Vec<u8>").is_err());
    }
}
