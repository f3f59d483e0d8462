//! `flopmarket list`: the built-in scenarios, each with its one-line description.

use flopmarket_sim::Scenario;
use flopmarket_sim::scenario::{BUILTIN_HISTORY, builtins};

/// Prints `NAME  description` for every built-in scenario, in the order they are shipped.
pub fn list() -> anyhow::Result<()> {
    let width = builtins().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, text) in builtins() {
        let sc = Scenario::parse(text, &format!("<built-in {name}>"), &[])?;
        println!("{name:<width$}  {}", first_sentence(&sc.description));
    }
    let history = if BUILTIN_HISTORY.is_empty() {
        ""
    } else {
        " (or scenarios/history/NAME.toml)"
    };
    println!("\nRun one with `flopmarket run NAME`; its file is scenarios/NAME.toml{history}.");
    Ok(())
}

/// The description up to the end of its first sentence (a period followed by a space).
fn first_sentence(text: &str) -> &str {
    let text = text.trim();
    match text.find(". ") {
        Some(i) => &text[..=i],
        None => text,
    }
}
