//! Akash's chain inflation, as the chain computes it: the Cosmos SDK mint module with
//! Akash's inflation calculator.
//!
//! Source (code): akash-network/node, `x/inflation/types/v1beta2/inflation_calculator.go`
//! (`GetInflationCalculator`), and cosmos/cosmos-sdk `x/mint` (`BeginBlocker`,
//! `Minter::NextAnnualProvisions`, `Minter::BlockProvision`). Per block:
//!
//! - years since genesis t = seconds / 31,557,600 (8,766-hour years);
//! - ideal inflation I(t) = `initial_inflation` x 2^(-t / `decay_years`);
//! - the minter's inflation moves by (1 - bonded_ratio / `goal_bonded`) x
//!   `inflation_rate_change` / `blocks_per_year` and is clamped to
//!   [max(0, I(t)(1 - `variance`)), I(t)(1 + `variance`)];
//! - the block mints inflation x supply / `blocks_per_year` (annual provisions over
//!   blocks per year; the supply includes the previous blocks' mints).
//!
//! Blocks are at k / `blocks_produced_per_year` years after genesis (k = 1, 2, ...):
//! the real block time, which need not be the one `blocks_per_year` assumes. The model
//! steps at most an hour of blocks at a time (never across a change of the bonded
//! ratio), each step's blocks grouped: the clamped walk of a constant per-block change
//! is a line until it meets a band edge, then that edge, so its sums have a closed form;
//! the supply's product over the blocks is exp(sum ln(1 + i_k / B)) with
//! ln(1 + x) = x - x^2/2 (x ~ 1e-8 per block, so the dropped x^3/3 is ~1e-24 relative).
//! The approximation: within a step the band's edges are straight lines through their
//! values at the step's first and last blocks (the exponential's curvature over an hour
//! is ~1e-10 relative at a 2-year decay), and the supply the blocks compound from is the
//! epoch's opening supply (the model's burns and other mints land at the epoch's close).
//! Tests compare it to a per-block loop (relative error < 1e-6 over four days).

use crate::base::time::HOURS_PER_YEAR;

/// The bonded (staked) ratio, which the model does not simulate: `(from_h, ratio)` steps
/// in hours since the schedule's genesis, piecewise constant; the first ratio also holds
/// before its date [fraction].
#[derive(Debug, Clone, PartialEq)]
pub struct BondedRatio(pub Vec<(f64, f64)>);

impl BondedRatio {
    /// The ratio in force at `h` hours since genesis [fraction].
    pub fn at(&self, h: f64) -> f64 {
        let i = self.0.partition_point(|&(from, _)| from <= h);
        self.0[i.saturating_sub(1)].1
    }
}

/// The Cosmos minter with Akash's inflation calculator, and its state.
#[derive(Debug, Clone, PartialEq)]
pub struct CosmosInflation {
    /// Ideal inflation at genesis [fraction per year].
    pub initial_inflation: f64,
    /// Years for the ideal inflation to halve (Akash mainnet: 2) [years].
    pub decay_years: f64,
    /// Half-width of the band around the ideal inflation (Akash: 0.05) [fraction of I(t)].
    pub variance: f64,
    /// Bonded ratio the rate steers towards (Cosmos default 0.67) [fraction].
    pub goal_bonded: f64,
    /// Largest yearly change of the rate (Cosmos default 0.13) [fraction per year per year].
    pub inflation_rate_change: f64,
    /// The mint module's `blocks_per_year` parameter, which divides the annual
    /// provisions and the yearly rate change into per-block amounts (Cosmos default
    /// 6,311,520; akashnet-1 genesis: 5,256,000, i.e. 6 s blocks) [blocks].
    pub blocks_per_year: f64,
    /// Blocks the chain actually produces per 8,766-hour year (31,557,600 s over the real
    /// block time): when blocks come slower than the parameter assumes, the chain mints
    /// less than its nominal inflation (Akash's 6.117 s blocks: 98.2 % of it) [blocks].
    pub blocks_produced_per_year: f64,
    /// Staked fraction over time.
    pub bonded_ratio: BondedRatio,
    /// The plain Cosmos SDK band [`inflation_min`, `inflation_max`], fixed in time, in
    /// place of the decaying band around I(t): Akash ran the stock x/mint module from
    /// genesis (akashnet-1 genesis: 0.46-0.58) until its dynamic inflation went live, and
    /// governance moved this band four times in 2020-2022 [fraction per year].
    pub fixed_band: Option<(f64, f64)>,
    /// State: the minter's inflation after the last block stepped [fraction per year].
    pub inflation: f64,
    /// State: blocks stepped since genesis (the last block's index) [blocks].
    pub block: f64,
}

/// Sums over one step of blocks with the same parameters.
struct StepSums {
    /// Sum of the blocks' rates [fraction per year].
    rates: f64,
    /// Sum of their squares.
    squares: f64,
    /// The rate after the step's last block [fraction per year].
    last: f64,
}

/// Sums of a + (j - 1) s over blocks j in (from, to] (block counts): (sum, sum of squares).
fn linear_sums(a: f64, s: f64, from: f64, to: f64) -> (f64, f64) {
    // Sums of (j - 1)^p for j = 1..=x.
    let p0 = |x: f64| x;
    let p1 = |x: f64| x * (x - 1.0) / 2.0;
    let p2 = |x: f64| (x - 1.0) * x * (2.0 * x - 1.0) / 6.0;
    let (s0, s1, s2) = (p0(to) - p0(from), p1(to) - p1(from), p2(to) - p2(from));
    (a * s0 + s * s1, a * a * s0 + 2.0 * a * s * s1 + s * s * s2)
}

impl CosmosInflation {
    /// Ideal inflation I(t) at `h` hours since genesis [fraction per year].
    pub fn ideal(&self, h: f64) -> f64 {
        self.initial_inflation * 2f64.powf(-(h / HOURS_PER_YEAR) / self.decay_years)
    }

    /// The band [min, max] at `h` hours since genesis: the fixed band when set, else
    /// [I(t)(1 - variance), I(t)(1 + variance)] [fraction per year].
    pub fn band(&self, h: f64) -> (f64, f64) {
        if let Some(band) = self.fixed_band {
            return band;
        }
        let ideal = self.ideal(h);
        (
            (ideal * (1.0 - self.variance)).max(0.0),
            ideal * (1.0 + self.variance),
        )
    }

    /// Change of the rate per block at `h` hours since genesis [fraction per year].
    fn change_per_block(&self, h: f64) -> f64 {
        (1.0 - self.bonded_ratio.at(h) / self.goal_bonded) * self.inflation_rate_change
            / self.blocks_per_year
    }

    /// Index of the last block at or before `h` hours since genesis (0 = genesis; a
    /// millionth of a block of slack for rounding).
    fn block_at(&self, h: f64) -> f64 {
        (h.max(0.0) * self.blocks_produced_per_year / HOURS_PER_YEAR + 1e-6).floor()
    }

    /// Hours since genesis of block `k`.
    fn hours_of(&self, k: f64) -> f64 {
        k * HOURS_PER_YEAR / self.blocks_produced_per_year
    }

    /// The first block after `k` whose bonded ratio differs from block `k + 1`'s (a
    /// dated row starts): infinite when none does.
    fn next_ratio_block(&self, k: f64) -> f64 {
        let h = self.hours_of(k + 1.0);
        let i = self.bonded_ratio.0.partition_point(|&(from, _)| from <= h);
        self.bonded_ratio
            .0
            .get(i)
            .map_or(f64::INFINITY, |&(from, _)| {
                (from * self.blocks_produced_per_year / HOURS_PER_YEAR - 1e-6).ceil()
            })
    }

    /// Tokens minted by the blocks in (t0_h, t1_h] (hours since genesis) from `supply`,
    /// advancing the minter's state; the schedule must be advanced in time order (a
    /// block already stepped is not minted again) [tokens].
    pub fn advance(&mut self, t0_h: f64, t1_h: f64, supply: f64) -> f64 {
        let end = self.block_at(t1_h);
        let mut k = self.block_at(t0_h).max(self.block);
        let per_hour = (self.blocks_produced_per_year / HOURS_PER_YEAR)
            .ceil()
            .max(1.0);
        let b = self.blocks_per_year;
        let mut log_growth = 0.0;
        while k < end {
            // Blocks k + 1 ..= k + n: at most an hour's, all with one bonded ratio.
            let n = (end - k)
                .min(per_hour)
                .min(self.next_ratio_block(k) - 1.0 - k)
                .max(1.0);
            let s = self.step(k, n);
            log_growth += s.rates / b - s.squares / (2.0 * b * b);
            self.inflation = s.last;
            k += n;
        }
        self.block = self.block.max(end);
        supply * log_growth.exp_m1()
    }

    /// The rate walk over blocks k + 1 ..= k + n. Each block adds the change `d` and
    /// clamps to its band; over an hour the band's edges are straight lines (their
    /// curvature is ~1e-10 relative), so the walk is a line from the first block's
    /// clamped rate until it meets the first edge it closes on, then that edge (it
    /// keeps pushing into it for the rest of the step).
    fn step(&self, k: f64, n: f64) -> StepSums {
        let d = self.change_per_block(self.hours_of(k + 1.0));
        let (lo1, hi1) = self.band(self.hours_of(k + 1.0));
        let (lon, hin) = self.band(self.hours_of(k + n));
        let slope = |a: f64, b: f64| if n > 1.0 { (b - a) / (n - 1.0) } else { 0.0 };
        let (ls, hs) = (slope(lo1, lon), slope(hi1, hin));
        let i1 = (self.inflation + d).clamp(lo1, hi1);
        // Blocks on the free line before it would cross the top or the bottom edge.
        let free = |gap: f64, closing: f64| {
            if closing > 0.0 {
                (gap / closing).floor() + 1.0
            } else {
                f64::INFINITY
            }
        };
        let to_top = free(hi1 - i1, d - hs);
        let to_bottom = free(i1 - lo1, ls - d);
        let m = to_top.min(to_bottom).clamp(1.0, n);
        let (edge1, edge_slope) = if to_top <= to_bottom {
            (hi1, hs)
        } else {
            (lo1, ls)
        };
        let (free_sum, free_sq) = linear_sums(i1, d, 0.0, m);
        let (edge_sum, edge_sq) = linear_sums(edge1, edge_slope, m, n);
        let last = if m < n {
            edge1 + (n - 1.0) * edge_slope
        } else {
            i1 + (n - 1.0) * d
        };
        StepSums {
            rates: free_sum + edge_sum,
            squares: free_sq + edge_sq,
            last,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn akash(bonded: f64, start_inflation: f64) -> CosmosInflation {
        CosmosInflation {
            initial_inflation: 1.0,
            decay_years: 2.0,
            variance: 0.05,
            goal_bonded: 0.67,
            inflation_rate_change: 0.13,
            blocks_per_year: 6_311_520.0,
            blocks_produced_per_year: 6_311_520.0,
            bonded_ratio: BondedRatio(vec![(0.0, bonded)]),
            fixed_band: None,
            inflation: start_inflation,
            block: 0.0,
        }
    }

    /// The chain's own loop, block by block, over (t0_h, t1_h]: returns (minted, final
    /// rate). Each block's band is I(t) at that block.
    fn per_block(c: &CosmosInflation, t0_h: f64, t1_h: f64, supply: f64) -> (f64, f64) {
        let (mut s, mut i) = (supply, c.inflation);
        let mut k = c.block_at(t0_h) + 1.0;
        while k <= c.block_at(t1_h) {
            let h = c.hours_of(k);
            let (lo, hi) = c.band(h);
            i = (i + c.change_per_block(h)).clamp(lo, hi);
            s += i * s / c.blocks_per_year;
            k += 1.0;
        }
        (s - supply, i)
    }

    /// Grouped steps agree with the per-block loop over four days, for a rate inside
    /// the band that walks to an edge (bonded below and above the goal), in epochs of
    /// odd lengths.
    #[test]
    fn grouped_steps_match_the_per_block_loop() {
        let start_h = 2.5 * HOURS_PER_YEAR;
        for (bonded, start) in [(0.3, 0.175), (0.9, 0.18), (0.67, 0.18), (0.5, 0.5)] {
            let mut c = akash(bonded, start);
            c.block = c.block_at(start_h);
            let (exact, rate) = per_block(&c, start_h, start_h + 96.0, 1e8);
            let mut grouped = 0.0;
            let mut t = start_h;
            while t < start_h + 96.0 {
                let next = (t + 7.3).min(start_h + 96.0);
                grouped += c.advance(t, next, 1e8 + grouped);
                t = next;
            }
            let rel = (grouped - exact).abs() / exact;
            assert!(
                rel < 1e-6,
                "bonded {bonded}: {grouped} vs {exact} ({rel:e})"
            );
            assert!(
                (c.inflation - rate).abs() < 1e-6 * rate,
                "{} vs {rate}",
                c.inflation
            );
        }
    }

    /// The same with the band's top pushing a steady rate down (bonded at the goal: no
    /// change of its own), Akash's real block time (6.1 s: 5,173,377 blocks a year, not
    /// a whole number per hour) and a bonded ratio that changes mid-epoch.
    #[test]
    fn grouped_steps_match_with_a_moving_edge_odd_blocks_and_dated_ratios() {
        let start_h = 1.0 * HOURS_PER_YEAR;
        let mut pushed = akash(0.67, 0.0);
        pushed.inflation = pushed.band(start_h).1;
        let mut odd = akash(0.2, 0.7);
        odd.blocks_per_year = 5_173_377.0;
        odd.blocks_produced_per_year = 5_173_377.0;
        odd.bonded_ratio = BondedRatio(vec![
            (0.0, 0.2),
            (start_h + 30.5, 0.9),
            (start_h + 70.25, 0.6),
        ]);
        for mut c in [pushed, odd] {
            c.block = c.block_at(start_h);
            let (exact, rate) = per_block(&c, start_h, start_h + 96.0, 1e8);
            let mut grouped = 0.0;
            let mut t = start_h;
            while t < start_h + 96.0 {
                let next = (t + 5.0).min(start_h + 96.0);
                grouped += c.advance(t, next, 1e8 + grouped);
                t = next;
            }
            let rel = (grouped - exact).abs() / exact;
            assert!(rel < 1e-6, "{grouped} vs {exact} ({rel:e})");
            assert!(
                (c.inflation - rate).abs() < 1e-6 * rate,
                "{} vs {rate}",
                c.inflation
            );
        }
    }

    /// Pinned at the band's top (bonded far below goal): each block mints
    /// I(t)(1 + v) x supply / B, so over a day the supply grows by
    /// exp(sum ln(1 + I(t_k)(1 + v) / B)) ~ exp(I(mid)(1 + v) x days / 365.25).
    #[test]
    fn pinned_at_the_edge_follows_the_closed_form() {
        let h0 = HOURS_PER_YEAR;
        let mut c = akash(0.0, 10.0);
        c.block = c.block_at(h0);
        let minted = c.advance(h0, h0 + 24.0, 1e8);
        let rate = c.ideal(h0 + 12.0) * 1.05;
        let closed = 1e8 * (rate * 24.0 / HOURS_PER_YEAR).exp_m1();
        assert!(
            (minted - closed).abs() / closed < 1e-6,
            "{minted} vs {closed}"
        );
        assert!((c.inflation - c.band(h0 + 24.0).1).abs() < 1e-9);
    }

    /// The stock Cosmos minter (a fixed band, akashnet-1's genesis parameters): the rate
    /// walks from 0.52 by (1 - bonded / goal) x 0.13 / B a block and stops at the band's
    /// edge; compared with the per-block loop, and pinned at 0.58 after enough time.
    #[test]
    fn a_fixed_band_walks_to_its_edge_like_the_stock_minter() {
        let mut c = akash(0.3, 0.52);
        c.fixed_band = Some((0.46, 0.58));
        c.blocks_per_year = 5_256_000.0;
        c.blocks_produced_per_year = 5_256_000.0;
        assert_eq!(c.band(0.0), (0.46, 0.58));
        assert_eq!(c.band(10.0 * HOURS_PER_YEAR), (0.46, 0.58));
        let (exact, rate) = per_block(&c, 0.0, 96.0, 1e8);
        let mut grouped = 0.0;
        let mut t = 0.0;
        while t < 96.0 {
            let next = (t + 6.0f64).min(96.0);
            grouped += c.advance(t, next, 1e8 + grouped);
            t = next;
        }
        assert!(
            (grouped - exact).abs() / exact < 1e-6,
            "{grouped} vs {exact}"
        );
        let blocks = (96.0 * 5_256_000.0 / HOURS_PER_YEAR).floor();
        let walked = 0.52 + (1.0 - 0.3 / 0.67) * 0.13 * blocks / 5_256_000.0;
        assert!((rate - walked).abs() < 1e-12, "{rate} vs {walked}");
        assert!(
            (c.inflation - rate).abs() < 1e-12,
            "{} vs {rate}",
            c.inflation
        );
        // (0.58 - 0.52) / (0.552 x 0.13) = 0.84 years to the top; after a year, pinned.
        c.advance(96.0, HOURS_PER_YEAR, 1e8);
        assert!((c.inflation - 0.58).abs() < 1e-12, "{}", c.inflation);
    }

    /// Blocks slower than the parameter assumes (Akash: 6.117 s real against 6 s in
    /// blocks_per_year): a year pinned at the band's top has fewer blocks, each minting
    /// rate / blocks_per_year, so the year mints (1 + 0.58 / B)^(B x 6 / 6.117) - 1 of the
    /// supply instead of e^0.58 - 1.
    #[test]
    fn slower_blocks_mint_less_than_the_nominal_rate() {
        let b = 5_256_000.0;
        let mut c = akash(0.0, 0.58);
        c.fixed_band = Some((0.46, 0.58));
        c.blocks_per_year = b;
        c.blocks_produced_per_year = HOURS_PER_YEAR * 3600.0 / 6.117;
        let minted = c.advance(0.0, HOURS_PER_YEAR, 1e8);
        let blocks = c.blocks_produced_per_year.floor();
        let expected = 1e8 * (blocks * (0.58 / b).ln_1p()).exp_m1();
        assert!(
            (minted - expected).abs() / expected < 1e-9,
            "{minted} vs {expected}"
        );
        let nominal = 1e8 * 0.58f64.exp_m1();
        assert!(minted < 0.99 * nominal, "{minted} vs {nominal}");
    }

    /// A scenario with Akash's genesis, the rate held in the band (bonded at the goal),
    /// in daily epochs: each day's 17,280 blocks compound the day's opening supply,
    /// S ((1 + i / B)^17,280 - 1).
    #[test]
    fn a_scenario_mints_each_day_from_the_chains_rate() {
        use crate::parts::token::test_scenarios::{run_epochs, scenario_text};
        let token = r#"emission = { schedule = "cosmos_inflation", genesis = "2020-09-25T14:00:00Z", initial_inflation = 1.0, bonded_ratio = 0.67, inflation_at_start = 0.4 }"#;
        let (epochs, lines) = run_epochs(&scenario_text("2023-06-01", "10d", "1d", token));
        let day = ((17_280.0 * (0.4f64 / 6_311_520.0).ln_1p()).exp_m1(), 0.0);
        let mut supply = 1e8;
        for &(_, _, minted, providers) in &epochs {
            let expected = supply * day.0;
            assert!(
                (minted - expected).abs() < 1e-9 * expected,
                "{minted} vs {expected}"
            );
            assert_eq!(providers, day.1);
            supply += minted;
        }
        assert_eq!(epochs.len(), 10);
        assert!(lines[0].contains("Akash chain inflation"), "{}", lines[0]);
    }

    /// Without `inflation_at_start` the minter starts at the ideal I(t); dated bonded
    /// ratios out of order are an error at the row.
    #[test]
    fn a_scenario_starts_at_the_ideal_rate_and_checks_its_rows() {
        use crate::parts::token::test_scenarios::{error_at, line_of, scenario_text};
        let token = |bonded: &str| {
            format!(
                "emission = {{ schedule = \"cosmos_inflation\", genesis = \"2020-09-25T14:00:00Z\", initial_inflation = 1.0, bonded_ratio = {bonded} }}"
            )
        };
        let text = scenario_text("2022-09-25T14:00:00Z", "1d", "1d", &token("0.5"));
        let sc = crate::Scenario::parse(&text, "emission.toml", &[]).unwrap();
        let crate::parts::token::Emission::CosmosInflation(m) = &sc.token.emission else {
            panic!("{:?}", sc.token.emission)
        };
        // 730 days after genesis: 17,520 h, 1.9986 years.
        assert!((m.inflation - 2f64.powf(-17_520.0 / 8_766.0 / 2.0)).abs() < 1e-12);
        let rows =
            r#"[{ from = "2022-01-01", ratio = 0.5 }, { from = "2021-01-01", ratio = 0.6 }]"#;
        let text = scenario_text("2022-09-25T14:00:00Z", "1d", "1d", &token(rows));
        let err = error_at(&text);
        let line = line_of(&text, "from = \"2021-01-01\"");
        assert!(
            err.contains(&format!("emission.toml:{line}:")) && err.contains("row 2"),
            "{err}"
        );
    }

    /// Nothing is minted twice, nor before genesis.
    #[test]
    fn blocks_are_stepped_once_and_not_before_genesis() {
        let mut c = akash(0.67, 0.5);
        c.variance = 1.0;
        assert_eq!(c.advance(-48.0, -24.0, 1e8), 0.0);
        let day = c.advance(-24.0, 24.0, 1e8);
        // 17,280 blocks of 5 s in the day after genesis, each compounding 0.5 / B.
        let exact = 1e8 * ((17_280.0 * (0.5 / c.blocks_per_year).ln_1p()).exp_m1());
        assert!((day - exact).abs() < 1e-6 * exact, "{day} vs {exact}");
        assert_eq!(c.advance(0.0, 24.0, 1e8), 0.0);
    }
}
