//! Token price models: exogenous (constant, geometric Brownian motion, a price path) or
//! endogenous through a constant-product AMM pool where burn purchases buy and provider
//! sales sell.

use rand_distr::{Distribution, StandardNormal};

use crate::base::calendar::Instant;
use crate::base::rng::StreamRng;
use crate::input::check::{Check, Res};
use crate::input::raw::RawPrice;
use crate::input::spanned::Sp;

/// A token price that trades can move.
pub trait PriceModel {
    /// Current price [USD per token].
    fn price(&self) -> f64;
    /// Spends `usd` on tokens; returns tokens received [tokens].
    fn buy_with_usd(&mut self, usd: f64) -> f64;
    /// Sells `tokens`; returns USD received [USD].
    fn sell_tokens(&mut self, tokens: f64) -> f64;
    /// Advances exogenous dynamics to time `t_h` after `dt_years` [yr].
    fn step(&mut self, t_h: f64, dt_years: f64, rng: &mut StreamRng);

    /// [`PriceModel::buy_with_usd`] when `usd` > 0, else no trade (an AMM pool is left
    /// exactly as it was) [tokens].
    fn buy_if_positive(&mut self, usd: f64) -> f64 {
        if usd > 0.0 {
            self.buy_with_usd(usd)
        } else {
            0.0
        }
    }

    /// [`PriceModel::sell_tokens`] when `tokens` > 0, else no trade [USD].
    fn sell_if_positive(&mut self, tokens: f64) -> f64 {
        if tokens > 0.0 {
            self.sell_tokens(tokens)
        } else {
            0.0
        }
    }
}

/// The price models a scenario can name.
#[derive(Debug, Clone, PartialEq)]
pub enum Price {
    /// Fixed price; trades at that price.
    Constant {
        /// Price [USD per token].
        usd: f64,
    },
    /// Geometric Brownian motion, stepped once per epoch; trades at the current price.
    Gbm {
        /// Current price [USD per token].
        usd: f64,
        /// Drift [per year].
        drift_per_year: f64,
        /// Volatility [per sqrt(year)].
        volatility_per_year: f64,
    },
    /// Piecewise-constant path of (hour, price) points, sorted by hour.
    Path {
        /// Points (h, USD per token).
        points: Vec<(f64, f64)>,
        /// Current price.
        usd: f64,
    },
    /// Observed prices at calendar dates, held constant between them: a path whose
    /// points are dated (hours since the run's start; points before it are negative).
    Dated {
        /// Points (h since start, USD per token), in time order.
        points: Vec<(f64, f64)>,
        /// The first and last point's dates, for the report.
        span: (Instant, Instant),
        /// Current price.
        usd: f64,
    },
    /// Constant-product pool x * y = k of token and USD reserves.
    Amm {
        /// Token reserve [tokens].
        tokens: f64,
        /// USD reserve [USD].
        usd: f64,
        /// Outside traders' net purchases, traded at each epoch's close (> 0 buys,
        /// < 0 sells) [USD per day].
        outside_usd_per_day: f64,
    },
}

impl Price {
    /// Multiplies an AMM pool's reserves by `k` (the same price, `k` times the depth);
    /// the other models have no depth.
    pub fn scale_depth(&mut self, k: f64) {
        if let Price::Amm {
            tokens,
            usd,
            outside_usd_per_day,
        } = self
        {
            *tokens *= k;
            *usd *= k;
            *outside_usd_per_day *= k;
        }
    }

    /// An AMM pool at `price` holding `pool_usd` of USD (and the matching tokens).
    pub fn amm(price: f64, pool_usd: f64) -> Price {
        Price::Amm {
            tokens: pool_usd / price,
            usd: pool_usd,
            outside_usd_per_day: 0.0,
        }
    }
}

impl Price {
    /// The model `token.price` names, checked: finite, positive prices (a constant may be
    /// 0), volatility >= 0, a non-empty path with strictly increasing hours.
    pub(crate) fn from_raw(p: &Sp<RawPrice>, start: Option<Instant>, c: &Check) -> Res<Price> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        let bad = |m: &str| c.err(p.span(), format!("token.price: {m}"));
        let checked = match p.get() {
            RawPrice::Constant { usd } => {
                (usd.is_finite() && *usd >= 0.0).then_some(Price::Constant { usd: *usd })
            }
            RawPrice::Gbm {
                usd,
                drift_per_year,
                volatility_per_year,
            } => (positive(*usd)
                && drift_per_year.is_finite()
                && volatility_per_year.is_finite()
                && *volatility_per_year >= 0.0)
                .then_some(Price::Gbm {
                    usd: *usd,
                    drift_per_year: *drift_per_year,
                    volatility_per_year: *volatility_per_year,
                }),
            RawPrice::Path { points } => {
                let valid = |(h, p): &(f64, f64)| h.is_finite() && *h >= 0.0 && positive(*p);
                if !points.is_empty() && points.iter().all(valid) {
                    if points.windows(2).any(|w| w[1].0 <= w[0].0) {
                        return Err(bad("path points must have strictly increasing hours"));
                    }
                    Some(Price::Path {
                        points: points.clone(),
                        usd: points[0].1,
                    })
                } else {
                    None
                }
            }
            RawPrice::Dated { points } => return Price::dated(points, start, p.span(), c),
            RawPrice::Amm {
                usd,
                pool_usd,
                outside_net_buy_usd_per_day: outside,
            } => {
                (positive(*usd) && positive(*pool_usd) && outside.is_finite()).then(|| Price::Amm {
                    tokens: pool_usd / usd,
                    usd: *pool_usd,
                    outside_usd_per_day: *outside,
                })
            }
        };
        checked.ok_or_else(|| {
            bad("expected finite, positive prices (and volatility >= 0, a non-empty path)")
        })
    }

    /// `model = "dated"`: each date read, in strictly increasing order, prices finite and
    /// positive, and the scenario dated; errors at `span` (the `token.price` table).
    fn dated(
        raw: &[(String, f64)],
        start: Option<Instant>,
        span: std::ops::Range<usize>,
        c: &Check,
    ) -> Res<Price> {
        let bad = |m: String| c.err(span.clone(), format!("token.price (dated): {m}"));
        let start = start.ok_or_else(|| bad("needs [scenario] start to place its dates".into()))?;
        if raw.is_empty() {
            return Err(bad("expected at least one [date, usd] point".into()));
        }
        let mut points = Vec::with_capacity(raw.len());
        let mut dates = Vec::with_capacity(raw.len());
        for (date, usd) in raw {
            let at = Instant::parse(date).map_err(|e| bad(format!("`{date}`: {e}")))?;
            if !(usd.is_finite() && *usd > 0.0) {
                return Err(bad(format!(
                    "`{date}`: expected a finite, positive price, found {usd}"
                )));
            }
            if dates.last().is_some_and(|&d| at <= d) {
                return Err(bad(format!(
                    "`{date}`: dates must be in strictly increasing order"
                )));
            }
            dates.push(at);
            points.push((at.hours_since(start), *usd));
        }
        let usd = points
            .iter()
            .rev()
            .find(|(h, _)| *h <= 0.0)
            .map_or(points[0].1, |&(_, p)| p);
        Ok(Price::Dated {
            span: (dates[0], dates[dates.len() - 1]),
            points,
            usd,
        })
    }

    /// The model in words, tokens named `symbol`, as the report prints it.
    pub fn describe(&self, symbol: &str) -> String {
        match self {
            Price::Constant { usd } => format!("Price: constant at ${usd}."),
            Price::Gbm {
                usd,
                drift_per_year,
                volatility_per_year,
            } => format!(
                "Price: geometric Brownian motion from ${usd}, drift {drift_per_year}/yr, volatility {volatility_per_year}/sqrt(yr)."
            ),
            Price::Path { points, .. } => format!("Price: a path of {} points.", points.len()),
            Price::Dated { points, span, usd } => format!(
                "Price: {} dated points from {} to {}, ${usd} at the start.",
                points.len(),
                span.0,
                span.1
            ),
            Price::Amm {
                tokens,
                usd,
                outside_usd_per_day,
            } => format!(
                "Price: constant-product pool starting at ${:.4} with ${usd:.0} and {tokens:.0} {symbol}: burn purchases buy, provider sales sell{}.",
                usd / tokens,
                match *outside_usd_per_day {
                    0.0 => String::new(),
                    x if x > 0.0 => format!(", outside traders buy ${x:.0} a day"),
                    x => format!(", outside traders sell ${:.0} a day", -x),
                }
            ),
        }
    }
}

impl PriceModel for Price {
    fn price(&self) -> f64 {
        match self {
            Price::Constant { usd }
            | Price::Gbm { usd, .. }
            | Price::Path { usd, .. }
            | Price::Dated { usd, .. } => *usd,
            Price::Amm { tokens, usd, .. } => usd / tokens,
        }
    }

    fn buy_with_usd(&mut self, usd_in: f64) -> f64 {
        match self {
            Price::Amm { tokens, usd, .. } => {
                let k = *tokens * *usd;
                let new_tokens = k / (*usd + usd_in);
                let out = *tokens - new_tokens;
                *usd += usd_in;
                *tokens = new_tokens;
                out
            }
            other => usd_in / other.price(),
        }
    }

    fn sell_tokens(&mut self, tokens_in: f64) -> f64 {
        match self {
            Price::Amm { tokens, usd, .. } => {
                let k = *tokens * *usd;
                let new_usd = k / (*tokens + tokens_in);
                let out = *usd - new_usd;
                *tokens += tokens_in;
                *usd = new_usd;
                out
            }
            other => tokens_in * other.price(),
        }
    }

    fn step(&mut self, t_h: f64, dt_years: f64, rng: &mut StreamRng) {
        match self {
            Price::Gbm {
                usd,
                drift_per_year,
                volatility_per_year,
            } => {
                let z: f64 = StandardNormal.sample(rng);
                let s = *volatility_per_year;
                *usd *=
                    ((*drift_per_year - s * s / 2.0) * dt_years + s * dt_years.sqrt() * z).exp();
            }
            Price::Path { points, usd } | Price::Dated { points, usd, .. } => {
                if let Some(&(_, p)) = points.iter().rev().find(|(h, _)| *h <= t_h) {
                    *usd = p;
                }
            }
            Price::Amm {
                outside_usd_per_day,
                ..
            } => {
                let usd =
                    *outside_usd_per_day * dt_years * crate::base::time::HOURS_PER_YEAR / 24.0;
                if usd > 0.0 {
                    self.buy_with_usd(usd);
                } else if usd < 0.0 {
                    let tokens = -usd / self.price();
                    self.sell_tokens(tokens);
                }
            }
            Price::Constant { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::rng::{StreamId, StreamKind, stream_rng};

    #[test]
    fn amm_keeps_its_invariant_and_moves_the_price() {
        let mut p = Price::amm(2.0, 1_000_000.0);
        let k = 500_000.0 * 1_000_000.0;
        let got = p.buy_with_usd(10_000.0);
        assert!(got < 5_000.0 && got > 4_900.0, "slippage: {got}");
        assert!(p.price() > 2.0);
        p.sell_tokens(got);
        assert!((p.price() - 2.0).abs() < 1e-9);
        if let Price::Amm { tokens, usd, .. } = p {
            assert!((tokens * usd - k).abs() / k < 1e-12);
        }
    }

    #[test]
    fn a_dated_path_starts_at_the_last_price_before_the_start_and_follows_its_dates() {
        use crate::parts::token::test_scenarios::{error_at, scenario_text};

        let with = |start: &str, points: &str| {
            scenario_text(start, "40d", "1d", "").replace(
                r#"price = { model = "constant", usd = 1.0 }"#,
                &format!(r#"price = {{ model = "dated", points = [{points}] }}"#),
            )
        };
        let price = |points: &str| with("2026-01-01", points);
        let text = price(r#"["2025-12-31", 0.35], ["2026-01-03", 0.40], ["2026-02-01", 0.50]"#);
        let sc = crate::Scenario::parse(&text, "dated.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
        let mut p = sc.token.price.clone();
        assert_eq!(p.price(), 0.35, "the observed price on the start date");
        let mut rng = stream_rng(1, StreamId::new(StreamKind::TokenPrice, 0));
        p.step(24.0, 0.0, &mut rng);
        assert_eq!(p.price(), 0.35, "held until the next date");
        p.step(48.0, 0.0, &mut rng);
        assert_eq!(p.price(), 0.40);
        p.step(31.0 * 24.0, 0.0, &mut rng);
        assert_eq!(p.price(), 0.50);
        assert!(p.describe("T").contains("3 dated points from 2025-12-31"));
        let later = crate::Scenario::parse(&price(r#"["2026-01-05", 0.4]"#), "d.toml", &[]);
        assert_eq!(
            later.unwrap().token.price.price(),
            0.4,
            "all later: the first point"
        );
        for (points, says) in [
            (
                r#"["2026-01-05", 0.4], ["2026-01-02", 0.5]"#,
                "strictly increasing",
            ),
            (r#"["2026-13-01", 0.4]"#, "2026-13-01"),
            (r#"["2026-01-01", -1.0]"#, "finite, positive"),
            ("", "at least one"),
        ] {
            let err = error_at(&price(points));
            assert!(err.contains(says), "{points}: {err}");
        }
        let undated = with("", r#"["2026-01-01", 1.0]"#);
        assert!(error_at(&undated).contains("needs [scenario] start"));
    }

    #[test]
    fn gbm_has_the_right_mean() {
        let mut rng = stream_rng(1, StreamId::new(StreamKind::TokenPrice, 0));
        let n = 20_000;
        let mean = (0..n)
            .map(|_| {
                let mut p = Price::Gbm {
                    usd: 1.0,
                    drift_per_year: 0.1,
                    volatility_per_year: 0.8,
                };
                p.step(0.0, 1.0, &mut rng);
                p.price()
            })
            .sum::<f64>()
            / n as f64;
        // E[S_1] = exp(mu): 1.105; the standard error is about 0.008.
        assert!((mean - 0.1f64.exp()).abs() < 0.04, "{mean}");
    }
}
