//! `flopmarket validate`: check a scenario and say what it holds.

use flopmarket_reports::pipeline::{self, Overview, ScenarioInput};

/// Validates `scenario` with overrides `set`.
pub fn validate(scenario: &str, set: &[String]) -> anyhow::Result<()> {
    let mut sc = pipeline::load(ScenarioInput::Named(scenario), set)?;
    flopmarket_reports::resolve_observed(&mut sc)?;
    for line in Overview::of(&sc).lines() {
        println!("{line}");
    }
    Ok(())
}
