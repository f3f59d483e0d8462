//! Raw scenario -> validated [`Scenario`]: ranges, names and cross-references, each
//! error at the position of the offending value.

use std::ops::Range;

use super::error::{Locator, ScenarioError};
use super::raw::*;
use super::spanned::{Dur, Sp};
use super::*;
use std::path::Path;

use crate::model::calibration::{self, CalibrationTable};
use crate::model::dist::DistParams;
use crate::time::{DAY, NEVER, from_secs};
use crate::token::{BurnRule, Emission, Price, PriceModel, RewardBasis, TokenEconomy};

type Res<T> = Result<T, ScenarioError>;

/// Parses and validates `src`.
pub fn validate(src: &str, file: &str) -> Res<Scenario> {
    let loc = Locator { file, src };
    let raw: RawScenario = toml::from_str(src).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        loc.error(span, e.message().trim_end().to_string())
    })?;
    Validator {
        loc,
        catalog: Catalog::embedded(),
    }
    .scenario(raw)
}

struct Validator<'a> {
    loc: Locator<'a>,
    catalog: &'static Catalog,
}

impl Validator<'_> {
    fn err(&self, span: Range<usize>, msg: impl Into<String>) -> ScenarioError {
        self.loc.error(span, msg)
    }

    fn check<T: Copy>(&self, v: &Sp<T>, ok: impl Fn(T) -> bool, expected: &str) -> Res<T> {
        if ok(*v.get()) {
            Ok(*v.get())
        } else {
            Err(self.err(v.span(), format!("expected {expected}")))
        }
    }

    fn fraction(
        &self,
        v: &Option<Sp<f64>>,
        default: f64,
        lo: f64,
        hi: f64,
        what: &str,
    ) -> Res<f64> {
        match v {
            None => Ok(default),
            Some(v) => self.check(
                v,
                |x| x.is_finite() && x >= lo && x < hi,
                &format!("{what} in [{lo}, {hi})"),
            ),
        }
    }

    fn non_negative(&self, v: &Option<Sp<f64>>, default: f64, what: &str) -> Res<f64> {
        match v {
            None => Ok(default),
            Some(v) => self.check(v, |x| x.is_finite() && x >= 0.0, &format!("{what} >= 0")),
        }
    }

    fn duration(&self, v: &Sp<Dur>, allow_inf: bool, what: &str) -> Res<SimTime> {
        let s = v.get().secs();
        if s <= 0.0 || (!allow_inf && !s.is_finite()) {
            let bound = if allow_inf {
                "a duration > 0 or \"inf\""
            } else {
                "a finite duration > 0"
            };
            return Err(self.err(v.span(), format!("{what}: expected {bound}")));
        }
        Ok(from_secs(s))
    }

    fn gpu(&self, key: &Sp<String>) -> Res<GpuId> {
        self.catalog.gpu_id(key.get()).ok_or_else(|| {
            self.err(
                key.span(),
                format!(
                    "unknown GPU model `{}`; expected one of: {}",
                    key.get(),
                    self.catalog.gpu_keys()
                ),
            )
        })
    }

    fn dist_secs(&self, d: &Sp<RawDist<Dur>>, what: &str) -> Res<Dist> {
        let p = match *d.get() {
            RawDist::Lognormal { median, sigma } => DistParams::LogNormal {
                median: median.secs(),
                sigma,
            },
            RawDist::Exponential { mean } => DistParams::Exponential { mean: mean.secs() },
            RawDist::Uniform { min, max } => DistParams::Uniform {
                min: min.secs(),
                max: max.secs(),
            },
            RawDist::Fixed { value } => DistParams::Fixed {
                value: value.secs(),
            },
            RawDist::Weibull { shape, scale } => DistParams::Weibull {
                shape,
                scale: scale.secs(),
            },
        };
        p.build()
            .map_err(|m| self.err(d.span(), format!("{what}: {m}")))
    }

    fn dist_num(&self, d: &RawDist<f64>, span: Range<usize>, what: &str) -> Res<Dist> {
        let p = match *d {
            RawDist::Lognormal { median, sigma } => DistParams::LogNormal { median, sigma },
            RawDist::Exponential { mean } => DistParams::Exponential { mean },
            RawDist::Uniform { min, max } => DistParams::Uniform { min, max },
            RawDist::Fixed { value } => DistParams::Fixed { value },
            RawDist::Weibull { shape, scale } => DistParams::Weibull { shape, scale },
        };
        p.build()
            .map_err(|m| self.err(span, format!("{what}: {m}")))
    }

    fn scenario(&self, raw: RawScenario) -> Res<Scenario> {
        let meta = &raw.scenario;
        if meta.name.get().trim().is_empty() {
            return Err(self.err(meta.name.span(), "expected a non-empty scenario name"));
        }
        let duration = self.duration(&meta.duration, false, "scenario.duration")?;
        let epoch = match &meta.epoch {
            Some(e) => self.duration(e, false, "scenario.epoch")?,
            None => DAY,
        };
        if epoch > duration {
            let span = meta
                .epoch
                .as_ref()
                .map_or(meta.duration.span(), |e| e.span());
            return Err(self.err(
                span,
                "scenario.epoch must not be longer than scenario.duration",
            ));
        }
        let reference_gpu = match &meta.reference_gpu {
            Some(g) => self.gpu(g)?,
            None => self
                .catalog
                .gpu_id("A100-80G")
                .expect("A100-80G is in gpus.csv"),
        };
        let cloud = self.cloud(raw.cloud.as_ref())?;
        let throughput = self.throughput(raw.calibration.as_ref())?;
        let market = self.market(raw.market.as_ref())?;
        let token = self.token(raw.token.as_ref(), market.take_rate)?;
        if raw.providers.get().is_empty() {
            return Err(self.err(
                raw.providers.span(),
                "expected at least one provider cohort ([[providers]])",
            ));
        }
        let cohorts = raw
            .providers
            .get()
            .iter()
            .map(|c| self.cohort(c, epoch))
            .collect::<Res<Vec<_>>>()?;
        if raw.workloads.get().is_empty() {
            return Err(self.err(
                raw.workloads.span(),
                "expected at least one workload ([[workloads]])",
            ));
        }
        let workloads = raw
            .workloads
            .get()
            .iter()
            .map(|w| self.workload(w, reference_gpu, &cloud, &cohorts, &market))
            .collect::<Res<Vec<_>>>()?;
        let claims = match &raw.claims {
            Some(list) => list
                .iter()
                .map(|c| self.claim(c, &cohorts))
                .collect::<Res<Vec<_>>>()?,
            None => Vec::new(),
        };
        let verification = match &raw.verification {
            Some(v) => Some(self.verification(v)?),
            None => None,
        };
        Ok(Scenario {
            verification,
            claims,
            name: meta.name.get().clone(),
            description: meta.description.clone().unwrap_or_default(),
            duration,
            epoch,
            seed: meta.seed.unwrap_or(1),
            reference_gpu,
            catalog: self.catalog.clone(),
            throughput,
            market,
            cloud,
            token,
            cohorts,
            workloads,
        })
    }

    fn cloud(&self, raw: Option<&RawCloud>) -> Res<CloudSpec> {
        let name = raw.and_then(|c| c.name.as_ref());
        let offering = raw.and_then(|c| c.offering.as_ref());
        let name_s = name.map_or("aws".to_string(), |n| n.get().clone());
        let offering_s = offering.map_or("on_demand".to_string(), |o| o.get().clone());
        let prices = &self.catalog.cloud_prices;
        if !prices.iter().any(|p| p.cloud == name_s) {
            let span = name.map_or(0..0, |n| n.span());
            return Err(self.err(
                span,
                format!("unknown cloud `{name_s}`; expected aws, gcp or azure"),
            ));
        }
        if !prices
            .iter()
            .any(|p| p.cloud == name_s && p.offering == offering_s)
        {
            let span = offering.map_or(0..0, |o| o.span());
            return Err(self.err(
                span,
                format!("cloud `{name_s}` has no offering `{offering_s}` in cloud_prices.csv"),
            ));
        }
        let usd_per_gpu_hour = self
            .catalog
            .gpus
            .iter()
            .map(|g| self.catalog.cloud_price(&name_s, &offering_s, &g.gpu))
            .collect();
        Ok(CloudSpec {
            name: name_s,
            offering: offering_s,
            usd_per_gpu_hour,
        })
    }

    fn throughput(&self, raw: Option<&RawCalibration>) -> Res<Throughput> {
        let mut defaults = JobKind::ALL.map(JobKind::default_efficiency);
        if let Some(table) = raw.and_then(|c| c.default_efficiency.as_ref()) {
            for (kind, value) in table.get() {
                let k = JobKind::from_name(kind).ok_or_else(|| {
                    self.err(table.span(), format!("unknown job kind `{kind}`; expected inference, training, rendering or batch"))
                })?;
                if !(value.is_finite() && *value > 0.0 && *value <= 1.0) {
                    return Err(self.err(
                        table.span(),
                        format!("efficiency for `{kind}` must be in (0, 1], got {value}"),
                    ));
                }
                defaults[k as usize] = *value;
            }
        }
        let mut throughput = Throughput::assumed(self.catalog, defaults);
        let mut tables = Vec::new();
        if raw.and_then(|c| c.committed_tables).unwrap_or(true) {
            tables.extend(CalibrationTable::embedded());
        }
        if let Some(list) = raw.and_then(|c| c.tables.as_ref()) {
            let base = Path::new(self.loc.file.split(" (with --set)").next().unwrap_or(""))
                .parent()
                .unwrap_or(Path::new(""));
            for name in list.get() {
                let path = base.join(name);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    self.err(
                        list.span(),
                        format!("calibration table {}: {e}", path.display()),
                    )
                })?;
                let table = CalibrationTable::parse(&path.display().to_string(), &text)
                    .map_err(|m| self.err(list.span(), m))?;
                tables.push(table);
            }
        }
        calibration::apply(&tables, self.catalog, &mut throughput);
        Ok(throughput)
    }

    fn market(&self, raw: Option<&Sp<RawMarket>>) -> Res<MarketSpec> {
        let Some(sp) = raw else {
            return Ok(MarketSpec {
                mechanism: MechanismSpec::ReverseAuction {
                    max_bids: 20,
                    bid_window: 30 * crate::time::SECOND,
                    bid_timeout: 5 * crate::time::MINUTE,
                    tenant_delay: Dist::Fixed(0.0),
                    selection: Selection::Lowest,
                },
                take_rate: 0.0,
                clusters: None,
            });
        };
        let m = sp.get();
        let take_rate = self.fraction(&m.take_rate, 0.0, 0.0, 1.0, "market.take_rate")?;
        let mechanism = match m.mechanism {
            RawMechanism::ReverseAuction => {
                let max_bids = match &m.max_bids {
                    Some(b) => {
                        self.check(b, |x| (1..=1000).contains(&x), "max_bids in 1..=1000")? as usize
                    }
                    None => 20,
                };
                let bid_window = match &m.bid_window {
                    Some(d) if d.get().secs() == 0.0 => 0,
                    Some(d) => self.duration(d, false, "market.bid_window")?,
                    None => 30 * crate::time::SECOND,
                };
                let bid_timeout = match &m.bid_timeout {
                    Some(d) => self.duration(d, true, "market.bid_timeout")?,
                    None => 5 * crate::time::MINUTE,
                };
                let tenant_delay = match &m.tenant_delay {
                    Some(d) => self.dist_secs(d, "market.tenant_delay")?,
                    None => Dist::Fixed(0.0),
                };
                let selection = match m.selection.unwrap_or(RawSelection::Lowest) {
                    RawSelection::Lowest => Selection::Lowest,
                    RawSelection::Uniform => Selection::Uniform,
                };
                MechanismSpec::ReverseAuction {
                    max_bids,
                    bid_window,
                    bid_timeout,
                    tenant_delay,
                    selection,
                }
            }
            RawMechanism::PostedPrice => {
                let table = m.posted_prices.as_ref().ok_or_else(|| {
                    self.err(sp.span(), "posted_price needs posted_prices = { \"GPU-MODEL\" = usd_per_gpu_hour, ... }")
                })?;
                let mut prices = vec![None; self.catalog.gpus.len()];
                for (key, price) in table.get() {
                    let id = self.catalog.gpu_id(key).ok_or_else(|| {
                        self.err(
                            table.span(),
                            format!(
                                "unknown GPU model `{key}`; expected one of: {}",
                                self.catalog.gpu_keys()
                            ),
                        )
                    })?;
                    if !(price.is_finite() && *price > 0.0) {
                        return Err(self.err(
                            table.span(),
                            format!("posted price for `{key}` must be > 0, got {price}"),
                        ));
                    }
                    prices[id as usize] = Some(*price);
                }
                let queue = m.assignment == Some(RawAssignment::Queue);
                let tiers = match &m.tiers {
                    Some(list) => self.tiers(list)?,
                    None => Vec::new(),
                };
                MechanismSpec::PostedPrice {
                    prices,
                    queue,
                    tiers,
                }
            }
            RawMechanism::OfferSelection => MechanismSpec::OfferSelection {
                max_offers: match &m.max_offers {
                    Some(b) => {
                        self.check(b, |x| (1..=1000).contains(&x), "max_offers in 1..=1000")?
                            as usize
                    }
                    None => 20,
                },
                offer_window: match &m.offer_window {
                    Some(d) if d.get().secs() == 0.0 => 0,
                    Some(d) => self.duration(d, false, "market.offer_window")?,
                    None => 30 * crate::time::SECOND,
                },
                max_start_usd: self.non_negative(
                    &m.max_start_usd,
                    f64::INFINITY,
                    "market.max_start_usd",
                )?,
            },
        };
        if m.tiers.is_some() && m.mechanism != RawMechanism::PostedPrice {
            return Err(self.err(
                m.tiers.as_ref().map_or(sp.span(), |t| t.span()),
                "market.tiers: tiers belong to the posted_price mechanism",
            ));
        }
        let clusters = match &m.clusters {
            Some(c) => Some(self.clusters(c)?),
            None => None,
        };
        Ok(MarketSpec {
            mechanism,
            take_rate,
            clusters,
        })
    }

    fn tiers(&self, list: &Sp<Vec<RawTier>>) -> Res<Vec<Tier>> {
        if list.get().is_empty() {
            return Err(self.err(
                list.span(),
                "market.tiers: expected at least one tier (or leave tiers out)",
            ));
        }
        let mut out: Vec<Tier> = Vec::new();
        for t in list.get() {
            if out.iter().any(|o| &o.name == t.name.get()) {
                return Err(self.err(
                    t.name.span(),
                    format!("market.tiers: tier `{}` is defined twice", t.name.get()),
                ));
            }
            let price_multiplier = self.check(
                &t.price_multiplier,
                |x| x.is_finite() && x > 0.0,
                "price_multiplier > 0",
            )?;
            out.push(Tier {
                name: t.name.get().clone(),
                price_multiplier,
                priority: t.priority,
            });
        }
        Ok(out)
    }

    fn clusters(&self, c: &Sp<RawClusters>) -> Res<ClusterSpec> {
        let raw = c.get();
        let max_hosts = self.check(
            &raw.max_hosts,
            |x| (2..=64).contains(&x),
            "max_hosts in 2..=64",
        )?;
        let table = &raw.cross_host_efficiency;
        let mut eff = [f64::NAN; 4];
        for (key, v) in table.get() {
            let Some(class) = interconnect_by_name(key) else {
                return Err(self.err(
                    table.span(),
                    format!("cross_host_efficiency: unknown interconnect class `{key}`; expected nvlink, pcie, ethernet or consumer"),
                ));
            };
            if !(v.is_finite() && *v > 0.0 && *v <= 1.0) {
                return Err(self.err(
                    table.span(),
                    format!("cross_host_efficiency.{key}: expected a ratio in (0, 1], got {v}"),
                ));
            }
            eff[class as usize] = *v;
        }
        if let Some(missing) = eff.iter().position(|v| v.is_nan()) {
            return Err(self.err(
                table.span(),
                format!(
                    "cross_host_efficiency: expected a value for each of nvlink, pcie, ethernet, consumer (missing `{}`)",
                    INTERCONNECTS[missing].name()
                ),
            ));
        }
        let mixed = match &raw.mixed_interconnect_efficiency {
            Some(v) => self.check(
                v,
                |x| x.is_finite() && x > 0.0 && x <= 1.0,
                "mixed_interconnect_efficiency in (0, 1]",
            )?,
            None => 1.0,
        };
        Ok(ClusterSpec {
            max_hosts: max_hosts as u16,
            cross_host_efficiency: eff,
            mixed_interconnect_efficiency: mixed,
        })
    }

    fn token(&self, raw: Option<&RawToken>, take_rate: f64) -> Res<TokenEconomy> {
        let mut economy = TokenEconomy::inactive();
        let Some(t) = raw else { return Ok(economy) };
        let positive = |v: f64| v.is_finite() && v > 0.0;
        economy.symbol = t.symbol.clone();
        economy.supply = self.check(
            &t.supply_start,
            |x| x.is_finite() && x >= 0.0,
            "token.supply_start >= 0",
        )?;
        let bad_price = |m: &str| self.err(t.price.span(), format!("token.price: {m}"));
        economy.price = match t.price.get() {
            RawPrice::Constant { usd } if usd.is_finite() && *usd >= 0.0 => {
                Price::Constant { usd: *usd }
            }
            RawPrice::Gbm {
                usd,
                drift_per_year,
                volatility_per_year,
            } if positive(*usd)
                && drift_per_year.is_finite()
                && volatility_per_year.is_finite()
                && *volatility_per_year >= 0.0 =>
            {
                Price::Gbm {
                    usd: *usd,
                    drift_per_year: *drift_per_year,
                    volatility_per_year: *volatility_per_year,
                }
            }
            RawPrice::Path { points }
                if !points.is_empty()
                    && points
                        .iter()
                        .all(|(h, p)| h.is_finite() && *h >= 0.0 && positive(*p)) =>
            {
                if points.windows(2).any(|w| w[1].0 <= w[0].0) {
                    return Err(bad_price("path points must have strictly increasing hours"));
                }
                Price::Path {
                    points: points.clone(),
                    usd: points[0].1,
                }
            }
            RawPrice::Amm { usd, pool_usd } if positive(*usd) && positive(*pool_usd) => {
                Price::amm(*usd, *pool_usd)
            }
            _ => {
                return Err(bad_price(
                    "expected finite, positive prices (and volatility >= 0, a non-empty path)",
                ));
            }
        };
        if let Some(e) = &t.emission {
            let bad = |m: &str| self.err(e.span(), format!("token.emission: {m}"));
            economy.emission = match e.get() {
                RawEmission::Inflation { inflation_per_year }
                    if (0.0..10.0).contains(inflation_per_year) =>
                {
                    Emission::Inflation {
                        inflation_per_year: *inflation_per_year,
                    }
                }
                RawEmission::YearlyTable {
                    per_year,
                    damping_after_year,
                    damping,
                } if !per_year.is_empty()
                    && per_year.iter().all(|v| v.is_finite() && *v >= 0.0)
                    && *damping_after_year >= 1
                    && (0.0..=1.0).contains(damping) =>
                {
                    Emission::YearlyTable {
                        per_year: per_year.clone(),
                        damping_after_year: *damping_after_year,
                        damping: *damping,
                    }
                }
                RawEmission::HourlyDecline {
                    first_hour,
                    monthly_decline,
                    months,
                } if first_hour.is_finite()
                    && *first_hour >= 0.0
                    && (0.0..1.0).contains(monthly_decline) =>
                {
                    Emission::HourlyDecline {
                        first_hour: *first_hour,
                        monthly_decline: *monthly_decline,
                        months: *months,
                    }
                }
                RawEmission::Halving {
                    initial_per_year,
                    period,
                } if initial_per_year.is_finite()
                    && *initial_per_year >= 0.0
                    && period.secs() >= 3600.0
                    && period.secs().is_finite() =>
                {
                    Emission::Halving {
                        initial_per_year: *initial_per_year,
                        period_years: period.secs() / crate::time::to_secs(crate::time::YEAR),
                    }
                }
                _ => {
                    return Err(bad(
                        "parameter out of range (rates >= 0, declines and damping in [0, 1], a non-empty table, a halving period of at least 1h)",
                    ));
                }
            };
        }
        economy.emission_to_providers = self.fraction(
            &t.emission_to_providers,
            0.0,
            0.0,
            1.0001,
            "token.emission_to_providers",
        )?;
        economy.reward_basis = match (&t.reward_split, t.reward_basis) {
            (Some(split), None) => {
                let r = split.get();
                let ok = |x: f64| x.is_finite() && (0.0..=1.0).contains(&x);
                if !(ok(r.capacity)
                    && ok(r.delivery)
                    && (r.capacity + r.delivery - 1.0).abs() < 1e-9)
                {
                    return Err(self.err(
                        split.span(),
                        "token.reward_split: expected capacity and delivery shares in [0, 1] that sum to 1",
                    ));
                }
                RewardBasis::Split {
                    delivery_share: r.delivery,
                }
            }
            (Some(split), Some(_)) => {
                return Err(self.err(
                    split.span(),
                    "token.reward_split replaces token.reward_basis: set one of them",
                ));
            }
            (None, basis) => match basis.unwrap_or(RawRewardBasis::Sold) {
                RawRewardBasis::Online => RewardBasis::Online,
                RawRewardBasis::Sold => RewardBasis::Sold,
            },
        };
        if t.provider_payment == Some(RawProviderPayment::Token) {
            if economy.price.price() <= 0.0 {
                return Err(self.err(
                    t.price.span(),
                    "token.provider_payment = \"token\" needs a token price > 0",
                ));
            }
            if t.burn
                .as_ref()
                .is_some_and(|b| matches!(b.get(), RawBurn::Bme { .. }))
            {
                return Err(self.err(
                    t.price.span(),
                    "token.provider_payment = \"token\" does not combine with the BME burn (providers are paid in credit there)",
                ));
            }
            economy.provider_payment = crate::token::ProviderPayment::Token;
        }
        if let Some(b) = &t.burn
            && let RawBurn::Bme {
                mint_spread,
                settle_spread,
            } = b.get()
        {
            if !((0.0..0.1).contains(mint_spread) && (0.0..0.1).contains(settle_spread)) {
                return Err(self.err(b.span(), "token.burn: BME spreads must be in [0, 0.1)"));
            }
            if take_rate > 0.0 {
                return Err(self.err(b.span(), "token.burn: BME replaces the take rate (AEP-76 removed it); set market.take_rate = 0"));
            }
            economy.bme = Some(crate::token::BurnMint::new(*mint_spread, *settle_spread));
        } else if let Some(b) = &t.burn {
            let (rule, fraction) = match b.get() {
                RawBurn::Bme { .. } => unreachable!("handled above"),
                RawBurn::PaymentFraction { fraction } => {
                    (BurnRule::PaymentFraction(*fraction), *fraction)
                }
                RawBurn::FeeBuyback { fraction } => (BurnRule::FeeBuyback(*fraction), *fraction),
            };
            if !(0.0..=1.0).contains(&fraction) {
                return Err(self.err(
                    b.span(),
                    "token.burn.fraction: expected a fraction in [0, 1]",
                ));
            }
            if let BurnRule::PaymentFraction(f) = rule
                && f + take_rate > 1.0 + 1e-12
            {
                return Err(self.err(b.span(), format!("token.burn.fraction {f} plus market.take_rate {take_rate} exceeds 1: providers would be paid a negative amount")));
            }
            economy.burn = rule;
        }
        economy.reward_min_uptime = self.fraction(
            &t.reward_min_uptime,
            0.0,
            0.0,
            1.0001,
            "token.reward_min_uptime",
        )?;
        economy.reward_min_streak = match &t.reward_min_streak {
            Some(d) => self.duration(d, false, "token.reward_min_streak")?,
            None => 0,
        };
        economy.provider_sell_fraction = self.fraction(
            &t.provider_sell_fraction,
            1.0,
            0.0,
            1.0001,
            "token.provider_sell_fraction",
        )?;
        economy.stake_per_gpu = self.non_negative(&t.stake_per_gpu, 0.0, "token.stake_per_gpu")?;
        economy.slash_fraction =
            self.fraction(&t.slash_fraction, 0.0, 0.0, 1.0001, "token.slash_fraction")?;
        Ok(economy)
    }

    fn claim(&self, c: &Sp<RawClaim>, cohorts: &[Cohort]) -> Res<crate::claims::Claim> {
        let raw = c.get();
        let metric = crate::claims::Metric::from_name(&raw.metric).ok_or_else(|| {
            self.err(
                c.span(),
                format!(
                    "claims: unknown metric `{}`; expected one of: {}",
                    raw.metric,
                    crate::claims::Metric::NAMES.join(", ")
                ),
            )
        })?;
        if !(raw.low.is_finite() && raw.high.is_finite() && raw.low <= raw.high) {
            return Err(self.err(c.span(), "claims: expected finite low <= high"));
        }
        if let Some(name) = &raw.cohort
            && !cohorts.iter().any(|k| &k.name == name)
        {
            return Err(self.err(c.span(), format!("claims: no cohort named `{name}`")));
        }
        Ok(crate::claims::Claim {
            metric,
            low: raw.low,
            high: raw.high,
            cohort: raw.cohort.clone(),
            source: raw.source.clone(),
            from_price: raw.from_price_usd_per_gpu_hour,
            from_utilization: raw.from_utilization,
            from_capex: raw.from_capex_usd,
            from_monthly: raw.from_monthly_usd,
        })
    }

    fn verification(
        &self,
        v: &Sp<RawVerification>,
    ) -> Res<crate::model::verification::Verification> {
        let r = v.get();
        let unit = |x: f64| (0.0..=1.0).contains(&x);
        let out = crate::model::verification::Verification {
            overhead: r.overhead,
            cheater_fraction: r.cheater_fraction,
            cheat_skip: r.cheat_skip,
            verify_probability: r.verify_probability,
            slash_fraction: r.slash_fraction.unwrap_or(1.0),
            jackpot_share: r.jackpot_share.unwrap_or(0.5),
            replication: r.replication.unwrap_or(7),
        };
        let ok = (0.0..10.0).contains(&out.overhead)
            && unit(out.cheater_fraction)
            && (0.0..1.0).contains(&out.cheat_skip)
            && unit(out.verify_probability)
            && unit(out.slash_fraction)
            && unit(out.jackpot_share)
            && out.replication >= 1;
        if !ok {
            return Err(self.err(v.span(), "verification: expected overhead in [0, 10), cheat_skip in [0, 1), other fractions in [0, 1], replication >= 1"));
        }
        Ok(out)
    }

    fn cohort(&self, c: &RawCohort, epoch: SimTime) -> Res<Cohort> {
        let gpu = self.gpu(&c.gpu)?;
        let spec = self.catalog.gpu(gpu);
        let count = self.check(&c.count, |x| x >= 1, "count >= 1 providers")?;
        let gpus_per_provider = match &c.gpus_per_provider {
            Some(g) => {
                self.check(g, |x| (1..=64).contains(&x), "gpus_per_provider in 1..=64")? as u16
            }
            None => 1,
        };
        let street = (spec.street_price_usd_low + spec.street_price_usd_high) / 2.0;
        let amortization_hours = match &c.amortization {
            Some(a) => crate::time::to_hours(self.duration(a, false, "amortization")?),
            None => 3.0 * crate::time::HOURS_PER_YEAR,
        };
        let pricing = match c.pricing.get() {
            RawPricing::CostPlus { markup } => Pricing::CostPlus {
                markup: self.dist_num(markup, c.pricing.span(), "pricing.markup")?,
            },
            RawPricing::RandomRange {
                min_usd_per_gpu_hour: lo,
                max_usd_per_gpu_hour: hi,
            } => {
                if !(lo.is_finite() && hi.is_finite() && *lo >= 0.0 && lo <= hi) {
                    return Err(self.err(
                        c.pricing.span(),
                        "pricing: expected 0 <= min_usd_per_gpu_hour <= max_usd_per_gpu_hour",
                    ));
                }
                Pricing::RandomRange { min: *lo, max: *hi }
            }
            RawPricing::PriceList { usd_per_gpu_month } => {
                if !(usd_per_gpu_month.is_finite() && *usd_per_gpu_month > 0.0) {
                    return Err(self.err(
                        c.pricing.span(),
                        "pricing.usd_per_gpu_month: expected a price > 0",
                    ));
                }
                Pricing::PriceList {
                    usd_per_gpu_hour: usd_per_gpu_month / crate::time::HOURS_PER_MONTH,
                }
            }
            RawPricing::Linear {
                start_usd,
                usd_per_gpu_hour,
            } => Pricing::Linear {
                start_usd: self.dist_num(start_usd, c.pricing.span(), "pricing.start_usd")?,
                usd_per_gpu_hour: self.dist_num(
                    usd_per_gpu_hour,
                    c.pricing.span(),
                    "pricing.usd_per_gpu_hour",
                )?,
            },
        };
        let availability = match &c.availability {
            Some(a) => Some(Availability {
                mtbf: self.dist_secs(&a.mtbf, "availability.mtbf")?,
                mttr: self.dist_secs(&a.mttr, "availability.mttr")?,
            }),
            None => None,
        };
        Ok(Cohort {
            name: c.name.get().clone(),
            count,
            gpu,
            gpus_per_provider,
            region: c.region.clone().unwrap_or_else(|| "global".into()),
            capex_usd_per_gpu: self.non_negative(
                &c.capex_usd_per_gpu,
                street,
                "capex_usd_per_gpu",
            )?,
            amortization_hours,
            electricity_usd_per_kwh: self.non_negative(
                &c.electricity_usd_per_kwh,
                0.12,
                "electricity_usd_per_kwh",
            )?,
            idle_power_fraction: self.fraction(
                &c.idle_power_fraction,
                0.25,
                0.0,
                1.0001,
                "idle_power_fraction",
            )?,
            hosting_usd_per_gpu_hour: self.non_negative(
                &c.hosting_usd_per_gpu_hour,
                0.0,
                "hosting_usd_per_gpu_hour",
            )?,
            stake_multiplier: self.non_negative(&c.stake_multiplier, 1.0, "stake_multiplier")?,
            pricing,
            availability,
            interconnect: match c.interconnect {
                Some(RawInterconnect::Nvlink) => Interconnect::Nvlink,
                Some(RawInterconnect::Pcie) => Interconnect::Pcie,
                Some(RawInterconnect::Ethernet) => Interconnect::Ethernet,
                Some(RawInterconnect::Consumer) => Interconnect::Consumer,
                None => interconnect_by_name(&spec.interconnect).unwrap_or(Interconnect::Ethernet),
            },
            entry_exit: match &c.entry_exit {
                Some(e) => Some(self.entry_exit(e, count, epoch)?),
                None => None,
            },
        })
    }

    fn entry_exit(&self, e: &Sp<RawEntryExit>, count: u32, epoch: SimTime) -> Res<EntryExit> {
        let r = e.get();
        let entry = r.entry_per_epoch.unwrap_or(0.02);
        let exit_s = r.exit_after.secs();
        if !(r.hurdle_annual_return.is_finite()
            && (0.0..=1.0).contains(&entry)
            && exit_s.is_finite()
            && exit_s > 0.0)
        {
            return Err(self.err(
                e.span(),
                format!("entry_exit: expected a finite hurdle_annual_return, entry_per_epoch in [0, 1] and a finite exit_after > 0 (max_count {} caps entry; the cohort starts with {count})", r.max_count),
            ));
        }
        Ok(EntryExit {
            hurdle_annual_return: r.hurdle_annual_return,
            entry_per_epoch: entry,
            max_count: r.max_count,
            exit_after_epochs: (from_secs(exit_s).div_ceil(epoch)).max(1) as u32,
        })
    }

    fn workload(
        &self,
        w: &RawWorkload,
        reference_gpu: GpuId,
        cloud: &CloudSpec,
        cohorts: &[Cohort],
        market: &MarketSpec,
    ) -> Res<Workload> {
        let a = &w.arrivals;
        let rate_per_hour = self.check(
            &a.rate_per_hour,
            |x| x.is_finite() && x > 0.0,
            "arrivals.rate_per_hour > 0 jobs per hour",
        )?;
        let growth_per_year = self.fraction(
            &a.growth_per_year,
            0.0,
            -0.99,
            100.0,
            "arrivals.growth_per_year",
        )?;
        let diurnal_amplitude = self.fraction(
            &a.diurnal_amplitude,
            0.0,
            0.0,
            1.0,
            "arrivals.diurnal_amplitude",
        )?;
        let peak_hour = self.fraction(&a.peak_hour, 15.0, 0.0, 24.0, "arrivals.peak_hour")?;
        let gpus = match &w.gpus {
            Some(g) => self.check(g, |x| (1..=64).contains(&x), "gpus in 1..=64")? as u16,
            None => 1,
        };
        let (gpu_models, models_span) = match &w.gpu_models {
            Some(list) => {
                if list.get().is_empty() {
                    return Err(self.err(
                        list.span(),
                        "gpu_models: expected at least one GPU model (or leave it out for any)",
                    ));
                }
                let ids = list
                    .get()
                    .iter()
                    .map(|k| {
                        self.catalog.gpu_id(k).ok_or_else(|| {
                            self.err(
                                list.span(),
                                format!(
                                    "unknown GPU model `{k}`; expected one of: {}",
                                    self.catalog.gpu_keys()
                                ),
                            )
                        })
                    })
                    .collect::<Res<Vec<_>>>()?;
                (ids, list.span())
            }
            None => (
                (0..self.catalog.gpus.len() as GpuId).collect(),
                w.name.span(),
            ),
        };
        let host_limit = market.clusters.as_ref().map_or(1, |c| c.max_hosts);
        if !cohorts.iter().any(|c| {
            gpu_models.contains(&c.gpu)
                && c.gpus_per_provider as u32 * (c.count.min(host_limit as u32)) >= gpus as u32
        }) {
            return Err(self.err(
                models_span,
                if host_limit > 1 {
                    format!("workload `{}` needs {gpus} GPUs on at most {host_limit} hosts of one cohort, but no cohort offers that many of its GPU models", w.name.get())
                } else {
                    format!("workload `{}` needs {gpus} GPUs of one provider, but no cohort offers that many of its GPU models", w.name.get())
                },
            ));
        }
        if let MechanismSpec::PostedPrice { prices, .. } = &market.mechanism
            && !gpu_models.iter().any(|g| prices[*g as usize].is_some())
        {
            return Err(self.err(
                models_span,
                format!(
                    "workload `{}`: none of its GPU models has a posted price",
                    w.name.get()
                ),
            ));
        }
        let cloud_gpu = match &w.cloud_gpu {
            Some(g) => (self.gpu(g)?, g.span()),
            None => (reference_gpu, w.name.span()),
        };
        if cloud.usd_per_gpu_hour[cloud_gpu.0 as usize].is_none() {
            return Err(self.err(
                cloud_gpu.1,
                format!(
                    "cloud GPU `{}` has no {} {} price in cloud_prices.csv; set cloud_gpu to one that has",
                    self.catalog.gpu(cloud_gpu.0).gpu,
                    cloud.name,
                    cloud.offering
                ),
            ));
        }
        let max_price = {
            let mp = w.max_price.get();
            match (mp.usd_per_gpu_hour, mp.relative_to_cloud) {
                (Some(v), None) if v.is_finite() && v > 0.0 => MaxPrice::UsdPerGpuHour(v),
                (None, Some(r)) if r.is_finite() && r > 0.0 => MaxPrice::RelativeToCloud(r),
                _ => {
                    return Err(self.err(
                        w.max_price.span(),
                        "max_price: expected exactly one of usd_per_gpu_hour or relative_to_cloud, > 0",
                    ));
                }
            }
        };
        let patience = match &w.patience {
            Some(p) if p.get().secs() == 0.0 => 0,
            Some(p) => self.duration(p, true, "patience")?,
            None => NEVER,
        };
        let checkpoint_interval = match &w.checkpoint_interval {
            Some(c) => Some(self.duration(c, false, "checkpoint_interval")?),
            None => None,
        };
        let tiers: &[Tier] = match &market.mechanism {
            MechanismSpec::PostedPrice { tiers, .. } => tiers,
            _ => &[],
        };
        let tier = match &w.tier {
            Some(name) if tiers.is_empty() => {
                return Err(self.err(
                    name.span(),
                    "tier: this market has no tiers (set market.tiers with mechanism = \"posted_price\")",
                ));
            }
            Some(name) => tiers
                .iter()
                .position(|t| &t.name == name.get())
                .ok_or_else(|| {
                    self.err(
                        name.span(),
                        format!(
                            "unknown tier `{}`; expected one of: {}",
                            name.get(),
                            tiers
                                .iter()
                                .map(|t| t.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })? as u8,
            None => 0,
        };
        Ok(Workload {
            name: w.name.get().clone(),
            kind: match w.kind {
                RawJobKind::Inference => JobKind::Inference,
                RawJobKind::Training => JobKind::Training,
                RawJobKind::Rendering => JobKind::Rendering,
                RawJobKind::Batch => JobKind::Batch,
            },
            rate_per_hour,
            growth_per_year,
            diurnal_amplitude,
            peak_hour,
            size: self.dist_secs(&w.size, "size")?,
            gpus,
            gpu_models,
            cloud_gpu: cloud_gpu.0,
            max_price,
            patience,
            fallback: match w.fallback.unwrap_or(RawFallback::Drop) {
                RawFallback::Cloud => Fallback::Cloud,
                RawFallback::Drop => Fallback::Drop,
            },
            checkpoint_interval,
            max_restarts: w.max_restarts.unwrap_or(5),
            cloud_only_fraction: self.fraction(
                &w.cloud_only_fraction,
                0.0,
                0.0,
                1.0001,
                "cloud_only_fraction",
            )?,
            tier,
        })
    }
}

/// Interconnect classes in index order.
const INTERCONNECTS: [Interconnect; 4] = [
    Interconnect::Nvlink,
    Interconnect::Pcie,
    Interconnect::Ethernet,
    Interconnect::Consumer,
];

/// The class named `name` (scenario keys and gpus.csv's `interconnect` column).
fn interconnect_by_name(name: &str) -> Option<Interconnect> {
    INTERCONNECTS.into_iter().find(|c| c.name() == name)
}
