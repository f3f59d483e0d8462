//! Every malformed scenario in tests/bad-scenarios/ is rejected with a file:line:col
//! message that says what was expected, never a panic. Each file's first two lines give
//! the expected message fragment and position.

use flopmarket_sim::{Scenario, ScenarioError};

use crate::common::repo_path;

#[test]
fn malformed_scenarios_give_located_errors() {
    let dir = repo_path("tests/bad-scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "the corpus should hold at least 20 cases, has {}",
        files.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let raw = std::fs::read(path).unwrap();
        let head = String::from_utf8_lossy(&raw);
        let field = |key: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(&format!("# {key}: ")).map(str::to_string))
                .unwrap_or_else(|| panic!("{path:?}: no `# {key}:` line"))
        };
        let (expect, at) = (field("expect"), field("at"));
        let result = std::panic::catch_unwind(|| Scenario::load(path, &[]));
        let Ok(result) = result else {
            failures.push(format!("{}: PANICKED", path.display()));
            continue;
        };
        match result {
            Ok(_) => failures.push(format!("{}: accepted", path.display())),
            Err(e @ ScenarioError::Invalid { .. }) => {
                let msg = e.to_string();
                let ScenarioError::Invalid { line, col, .. } = &e else {
                    unreachable!()
                };
                if !msg.contains(&expect) || format!("{line}:{col}") != at {
                    failures.push(format!(
                        "{}: got `{msg}`, want `{expect}` at {at}",
                        path.display()
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: not located: {e}", path.display())),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn bad_overrides_are_reported_with_their_assignment() {
    let path = repo_path("scenarios/mmc.toml");
    for bad in [
        "nonsense",
        "providers.9.count=1",
        "scenario.duration=\"-5d\"",
        "market.take_rate=2",
    ] {
        let err = Scenario::load(&path, &[bad.to_string()])
            .expect_err(bad)
            .to_string();
        assert!(
            err.contains("--set") || err.contains("(with --set)"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn shipped_scenarios_are_valid_and_built_in() {
    let dir = repo_path("scenarios");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            (path.extension()? == "toml").then(|| path.file_stem()?.to_str().map(String::from))?
        })
        .collect();
    names.sort();
    assert!(names.len() >= 12, "{names:?}");
    for name in &names {
        Scenario::load(&dir.join(format!("{name}.toml")), &[]).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            flopmarket_sim::scenario::BUILTIN
                .iter()
                .any(|(n, _)| n == name),
            "scenarios/{name}.toml is not in BUILTIN"
        );
    }
}
