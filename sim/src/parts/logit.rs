//! Discrete-choice demand (`[choice] model = "logit"`): a consumer picks a venue at
//! random with multinomial-logit probabilities instead of always the cheapest.
//!
//! For one job, with `cost_i` the expected total cost at venue i (the rule of
//! [`crate::parts::choice`]), `cost_min` the lowest of them, `beta` the price
//! coefficient of the job's kind and `asc_i` the venue's constant (habit, tooling,
//! trust):
//!
//! ```text
//! u_i = asc_i - beta x (cost_i / cost_min - 1)
//! P_i = exp(u_i) / sum over the venues that can take the job of exp(u_j)
//! ```
//!
//! Costs enter relative to the cheapest, so `beta` does not depend on the job's size:
//! a venue 10 % dearer than the cheapest has its odds multiplied by exp(-beta / 10).
//! As `beta` grows the choice tends to the cheapest venue (`model = "cheapest"`, the
//! default); at `beta` = 0 and equal constants every venue that can take the job is
//! equally likely. A venue that cannot take the job (closed, sold out, beyond the
//! job's patience) has probability 0.

use crate::data::throughput::JobKind;
use crate::input::check::{Check, Res};
use crate::input::raw::RawChoice;

/// Price coefficient when `[choice] price_coefficient` names no value for a job kind
/// (E: a venue 20 % dearer than the cheapest keeps exp(-1) = 37 % of its odds; no
/// published estimate of GPU buyers' price sensitivity was found) [1 per relative cost].
pub const DEFAULT_PRICE_COEFFICIENT: f64 = 5.0;

/// Logit parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Logit {
    /// Price coefficient per job kind, indexed `kind as usize` ([`JobKind::ALL`] order)
    /// [1 per relative cost].
    pub price_coefficient: [f64; 4],
    /// Each venue's constant, in the world's venue order [utility].
    pub venue_constant: Vec<f64>,
}

impl Logit {
    /// The price coefficient of `kind`'s jobs.
    pub fn coefficient(&self, kind: JobKind) -> f64 {
        self.price_coefficient[kind as usize]
    }
}

/// Choice probabilities from expected costs (`None`: the venue cannot take the job),
/// the price coefficient and the venues' constants; all zeros when no venue can.
pub fn probabilities(costs: &[Option<f64>], beta: f64, constants: &[f64]) -> Vec<f64> {
    let mut p = vec![0.0; costs.len()];
    probabilities_into(costs, beta, constants, &mut p);
    p
}

/// [`probabilities`] written into `out` (as long as `costs`), without allocating: a
/// world draws a venue for every arrival.
pub fn probabilities_into(costs: &[Option<f64>], beta: f64, constants: &[f64], out: &mut [f64]) {
    let min = costs
        .iter()
        .flatten()
        .copied()
        .fold(f64::INFINITY, f64::min);
    if !min.is_finite() {
        out.fill(0.0);
        return;
    }
    let utility = |i: usize, c: f64| {
        let relative = if min > 0.0 { c / min - 1.0 } else { 0.0 };
        constants.get(i).copied().unwrap_or(0.0) - beta * relative
    };
    // Utilities first (minus infinity where the venue cannot take the job: weight 0).
    for (i, (o, c)) in out.iter_mut().zip(costs).enumerate() {
        *o = c.map_or(f64::NEG_INFINITY, |c| utility(i, c));
    }
    // Subtract the largest utility before exponentiating (no overflow at any beta).
    let top = out.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    for (o, c) in out.iter_mut().zip(costs) {
        *o = if c.is_some() { (*o - top).exp() } else { 0.0 };
    }
    let total: f64 = out.iter().sum();
    for o in out.iter_mut() {
        *o /= total;
    }
}

/// The venue a uniform draw `u` in [0, 1) picks from `probabilities`; `None` when all
/// are zero.
pub fn draw(probabilities: &[f64], u: f64) -> Option<usize> {
    let mut cumulative = 0.0;
    let mut last = None;
    for (i, &p) in probabilities.iter().enumerate() {
        if p > 0.0 {
            cumulative += p;
            last = Some(i);
            if u < cumulative {
                return Some(i);
            }
        }
    }
    last
}

/// `[choice] model`, `price_coefficient` and `venue_constants`: `None` for
/// "cheapest"; the logit parameters (every kind's coefficient >= 0 and finite, every
/// constant finite and naming a venue) for "logit". Logit keys without the logit model
/// are an error.
pub(crate) fn from_raw(
    c: &Check,
    r: &RawChoice,
    venue_index: &impl Fn(&str) -> Option<u16>,
) -> Res<Option<Logit>> {
    let is_logit = match &r.model {
        None => false,
        Some(m) => match m.get().as_str() {
            "cheapest" => false,
            "logit" => true,
            other => {
                return Err(c.err(
                    m.span(),
                    format!("choice.model: `{other}`; expected \"cheapest\" or \"logit\""),
                ));
            }
        },
    };
    if !is_logit {
        if let Some(k) = r
            .price_coefficient
            .as_ref()
            .map(|k| k.span())
            .or(r.venue_constants.as_ref().map(|k| k.span()))
        {
            return Err(c.err(
                k,
                "choice: price_coefficient and venue_constants need model = \"logit\"",
            ));
        }
        return Ok(None);
    }
    let mut price_coefficient = [DEFAULT_PRICE_COEFFICIENT; 4];
    if let Some(map) = &r.price_coefficient {
        for (kind, beta) in map.get() {
            let Some(k) = JobKind::from_name(kind) else {
                return Err(c.err(map.span(), format!("choice.price_coefficient: no job kind `{kind}`; expected inference, training, rendering or batch")));
            };
            if !(beta.is_finite() && *beta >= 0.0) {
                return Err(c.err(
                    map.span(),
                    format!("choice.price_coefficient.{kind}: expected a finite number >= 0"),
                ));
            }
            price_coefficient[k as usize] = *beta;
        }
    }
    let mut venue_constant = Vec::new();
    if let Some(map) = &r.venue_constants {
        for (venue, asc) in map.get() {
            let Some(i) = venue_index(venue) else {
                return Err(c.err(
                    map.span(),
                    format!("choice.venue_constants: no venue `{venue}`"),
                ));
            };
            if !asc.is_finite() {
                return Err(c.err(
                    map.span(),
                    format!("choice.venue_constants.{venue}: expected a finite number"),
                ));
            }
            let i = i as usize;
            if venue_constant.len() <= i {
                venue_constant.resize(i + 1, 0.0);
            }
            venue_constant[i] = *asc;
        }
    }
    Ok(Some(Logit {
        price_coefficient,
        venue_constant,
    }))
}

#[cfg(test)]
mod tests {
    use rand::{RngExt, SeedableRng};

    use super::*;

    /// The closed form, written out independently: exp(asc - beta (c / min - 1)) over
    /// its sum.
    fn closed_form(costs: &[Option<f64>], beta: f64, asc: &[f64]) -> Vec<f64> {
        let min = costs.iter().flatten().cloned().fold(f64::MAX, f64::min);
        let e: Vec<f64> = costs
            .iter()
            .zip(asc)
            .map(|(c, a)| c.map_or(0.0, |c| (a - beta * (c / min - 1.0)).exp()))
            .collect();
        let s: f64 = e.iter().sum();
        e.iter().map(|x| x / s).collect()
    }

    fn random_market(rng: &mut rand_xoshiro::Xoshiro256PlusPlus) -> (Vec<Option<f64>>, Vec<f64>) {
        let n = rng.random_range(2..8);
        let costs = (0..n)
            .map(|_| (rng.random::<f64>() > 0.2).then(|| 1.0 + 99.0 * rng.random::<f64>()))
            .collect();
        let asc = (0..n).map(|_| rng.random::<f64>() * 2.0 - 1.0).collect();
        (costs, asc)
    }

    #[test]
    fn probabilities_match_the_closed_form_over_random_markets() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(11);
        for _ in 0..500 {
            let (costs, asc) = random_market(&mut rng);
            if costs.iter().all(Option::is_none) {
                assert!(probabilities(&costs, 3.0, &asc).iter().all(|p| *p == 0.0));
                continue;
            }
            let beta = rng.random::<f64>() * 20.0;
            let (got, want) = (
                probabilities(&costs, beta, &asc),
                closed_form(&costs, beta, &asc),
            );
            for ((g, w), c) in got.iter().zip(&want).zip(&costs) {
                assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
                if c.is_none() {
                    assert_eq!(*g, 0.0, "a venue that cannot take the job");
                }
            }
            assert!((got.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        }
    }

    /// `cheapest` is the limit of a very large price coefficient.
    #[test]
    fn a_very_large_coefficient_picks_the_cheapest() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(12);
        for _ in 0..500 {
            let (costs, asc) = random_market(&mut rng);
            let cheapest = costs
                .iter()
                .enumerate()
                .filter_map(|(i, c)| c.map(|c| (i, c)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map(|(i, _)| i);
            let p = probabilities(&costs, 1e6, &asc);
            assert_eq!(draw(&p, rng.random::<f64>()), cheapest, "{costs:?}");
        }
    }

    /// Draws follow the probabilities (each share within 4 standard errors).
    #[test]
    fn draws_follow_the_probabilities() {
        let costs = [Some(10.0), Some(11.0), None, Some(15.0)];
        let asc = [0.0, 0.5, 0.0, -0.2];
        let p = probabilities(&costs, 4.0, &asc);
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(13);
        let n = 200_000;
        let mut counts = [0u32; 4];
        for _ in 0..n {
            counts[draw(&p, rng.random::<f64>()).unwrap()] += 1;
        }
        for (c, p) in counts.iter().zip(&p) {
            let share = f64::from(*c) / f64::from(n);
            let se = (p * (1.0 - p) / f64::from(n)).sqrt();
            assert!((share - p).abs() <= 4.0 * se + 1e-12, "{share} vs {p}");
        }
        assert_eq!(counts[2], 0);
    }

    #[test]
    fn no_venue_no_choice_and_equal_venues_are_equally_likely() {
        assert_eq!(draw(&probabilities(&[None, None], 5.0, &[]), 0.5), None);
        let p = probabilities(&[Some(3.0), Some(3.0), Some(3.0)], 5.0, &[]);
        assert!(p.iter().all(|x| (x - 1.0 / 3.0).abs() < 1e-12));
        let p = probabilities(&[Some(1.0), Some(5.0)], 0.0, &[0.0, 0.0]);
        assert_eq!(p, vec![0.5, 0.5]);
    }
}
