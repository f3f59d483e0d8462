//! `flopmarket schema`: the JSON Schema of scenario files.

/// Prints the schema to stdout.
pub fn schema() -> anyhow::Result<()> {
    println!(
        "{}",
        serde_json::to_string_pretty(&flopmarket_sim::input::raw::json_schema())?
    );
    Ok(())
}
