//! `flopmarket list`: the built-in scenarios, each with its one-line description.

use flopmarket_sim::Scenario;
use flopmarket_sim::scenario::BUILTIN;

/// Prints `NAME  description` for every built-in scenario, in the order they are shipped.
pub fn list() -> anyhow::Result<()> {
    let width = BUILTIN.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, text) in BUILTIN {
        let sc = Scenario::parse(text, &format!("<built-in {name}>"), &[])?;
        println!("{name:<width$}  {}", first_sentence(&sc.description));
    }
    println!("\nRun one with `flopmarket run NAME`; its file is scenarios/NAME.toml.");
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
