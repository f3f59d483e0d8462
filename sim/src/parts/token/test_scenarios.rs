//! Scenario-level tests of the emission schedules: a small dated scenario around a
//! `[token]` table, run, and its tokens read back epoch by epoch.

use crate::base::calendar::Instant;

/// A one-provider scenario starting at `start` (omitted when empty), lasting `duration`
/// in epochs of `epoch`, with `token` lines appended to a `[token]` table (symbol T,
/// supply 1e8, price 1 USD, rewards by GPU-hours online).
pub fn scenario_text(start: &str, duration: &str, epoch: &str, token: &str) -> String {
    let start = if start.is_empty() {
        String::new()
    } else {
        format!("start = \"{start}\"\n")
    };
    format!(
        r#"
[scenario]
name = "emission"
{start}duration = "{duration}"
epoch = "{epoch}"
[token]
symbol = "T"
supply_start = 1e8
price = {{ model = "constant", usd = 1.0 }}
reward_basis = "online"
{token}
[[providers]]
name = "p"
count = 1
gpu = "A100-80G"
pricing = {{ strategy = "price_list", usd_per_gpu_month = 700.0 }}
[[workloads]]
name = "w"
kind = "inference"
arrivals = {{ rate_per_hour = 0.1 }}
size = {{ dist = "exponential", mean = "1h" }}
max_price = {{ usd_per_gpu_hour = 3.0 }}
"#
    )
}

/// One epoch's tokens: (start [h], end [h], minted [tokens], to providers [tokens]).
pub type EpochMint = (f64, f64, f64, f64);

/// Runs the scenario and returns each epoch's tokens, and the report's token lines.
pub fn run_epochs(text: &str) -> (Vec<EpochMint>, Vec<String>) {
    let sc = crate::Scenario::parse(text, "emission.toml", &[]).unwrap();
    let lines = sc.token.describe();
    let run = crate::run(&sc, crate::VecSink::default(), Default::default(), |_| {});
    let s = &run.summary.token;
    let epochs: Vec<EpochMint> = run
        .sink
        .epochs
        .iter()
        .filter(|r| r.tokens_minted.is_some())
        .map(|r| {
            (
                r.t_start_h,
                r.t_end_h,
                r.tokens_minted.unwrap_or(0.0),
                r.provider_token_rewards.unwrap_or(0.0),
            )
        })
        .collect();
    let total: f64 = epochs.iter().map(|e| e.2).sum();
    assert!((s.tokens_minted - total).abs() <= 1e-9 * total.max(1.0));
    (epochs, lines)
}

/// Minted and providers' tokens by calendar month ("YYYY-MM") of each epoch's start.
pub fn by_month(start: Instant, epochs: &[EpochMint]) -> Vec<(String, f64, f64)> {
    let mut out: Vec<(String, f64, f64)> = Vec::new();
    for &(t0, _, minted, providers) in epochs {
        let month = start.plus_hours(t0).month_label();
        match out.last_mut() {
            Some(last) if last.0 == month => {
                last.1 += minted;
                last.2 += providers;
            }
            _ => out.push((month, minted, providers)),
        }
    }
    out
}

/// The scenario's error message, which must name `line:col` of the faulty value.
pub fn error_at(text: &str) -> String {
    crate::Scenario::parse(text, "emission.toml", &[])
        .unwrap_err()
        .to_string()
}

/// 1-based line of the first occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}
