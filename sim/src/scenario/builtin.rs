//! The scenarios shipped in scenarios/ and scenarios/history/, and the traces and series
//! they name, embedded so that `flopmarket run akash` works from any directory.

/// Scenarios shipped in scenarios/, embedded so `flopmarket run akash` works anywhere.
pub const BUILTIN: &[(&str, &str)] = &[
    ("akash", include_str!("../../../scenarios/akash.toml")),
    (
        "akash-bme",
        include_str!("../../../scenarios/akash-bme.toml"),
    ),
    ("mmc", include_str!("../../../scenarios/mmc.toml")),
    ("render", include_str!("../../../scenarios/render.toml")),
    ("ionet", include_str!("../../../scenarios/ionet.toml")),
    ("aws", include_str!("../../../scenarios/aws.toml")),
    ("gensyn", include_str!("../../../scenarios/gensyn.toml")),
    ("nosana", include_str!("../../../scenarios/nosana.toml")),
    ("golem", include_str!("../../../scenarios/golem.toml")),
    ("aethir", include_str!("../../../scenarios/aethir.toml")),
    ("theta", include_str!("../../../scenarios/theta.toml")),
    (
        "seed-article",
        include_str!("../../../scenarios/seed-article.toml"),
    ),
    (
        "nosana-llm-trace",
        include_str!("../../../scenarios/nosana-llm-trace.toml"),
    ),
    ("world", include_str!("../../../scenarios/world.toml")),
];

include!(concat!(env!("OUT_DIR"), "/embedded_history.rs"));
include!(concat!(env!("OUT_DIR"), "/embedded_traces.rs"));

/// Every built-in scenario: those of scenarios/ ([`BUILTIN`]), then those of
/// scenarios/history/ ([`BUILTIN_HISTORY`]), as (name, TOML text).
pub fn builtins() -> impl Iterator<Item = &'static (&'static str, &'static str)> {
    BUILTIN.iter().chain(BUILTIN_HISTORY)
}

/// The built-in scenario named `name`: (name, TOML text).
pub fn builtin(name: &str) -> Option<&'static (&'static str, &'static str)> {
    builtins().find(|(n, _)| *n == name)
}

/// The key of the embedded file that built-in scenario `scenario` names `relative`:
/// its path relative to scenarios/ (history scenarios live in scenarios/history/).
pub fn embedded_key(scenario: &str, relative: &str) -> String {
    let relative = relative.trim_start_matches("./");
    if BUILTIN_HISTORY.iter().any(|(n, _)| *n == scenario) {
        format!("history/{relative}")
    } else {
        relative.to_string()
    }
}

/// The text of an embedded demand trace by its path relative to scenarios/.
pub fn embedded_trace(key: &str) -> Option<&'static str> {
    EMBEDDED_TRACES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}

/// The text of an embedded observed series by its path relative to scenarios/.
pub fn embedded_series(key: &str) -> Option<&'static str> {
    EMBEDDED_SERIES
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, text)| *text)
}
