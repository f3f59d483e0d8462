//! A world's `[[venues]]`, `[choice]` and `[mobility]`: each network venue's scenario is
//! loaded (a built-in by name or a file relative to the world's), given the world's
//! horizon, epoch and start, validated as a scenario of its own, and then given the
//! world's demand (its workloads, claims and observed series are dropped); each cloud
//! venue is a (cloud, tier) row of cloud_prices.csv with an optional capacity, dated
//! price changes, a price path and host failures (`cloud_venue.rs`).

use std::path::Path;

use crate::input::check::{Check, Res};
use crate::input::error::ScenarioError;
use crate::input::file::read_scenario_text;
use crate::input::raw::{RawMeta, RawScenario, RawVenue};
use crate::input::spanned::Sp;
use crate::parts::choice::Choice;
use crate::parts::cloud::CloudSpec;

use crate::parts::mobility::Mobility;
use crate::scenario::Scenario;
use crate::scenario::{Listing, Venue, VenueKind, WorldSpec};

/// Loading a scenario text with overrides (`validate/mod.rs`), which a world re-enters
/// for each network venue's scenario; `file` names it in errors.
pub(super) type Reparse = fn(&str, &str, &[String]) -> Result<Scenario, ScenarioError>;

/// The world of `raw` (which has `[[venues]]`); `sc` is the world scenario validated so
/// far (horizon, start, cloud, workloads).
pub(super) fn world(
    c: &Check,
    raw: &RawScenario,
    sc: &Scenario,
    reparse: Reparse,
) -> Res<WorldSpec> {
    let list = raw.venues.as_ref().expect("a world has venues");
    none_of_its_own(c, raw, list)?;
    let names: Vec<String> = list
        .get()
        .iter()
        .map(|v| v.get().name.get().clone())
        .collect();
    let mut venues = venues(c, raw, &names, sc, reparse)?;
    listings(c, list, &names, &mut venues)?;
    if !venues
        .iter()
        .any(|v| matches!(&v.kind, VenueKind::Cloud(k) if k.capacity_gpus.is_none()))
    {
        return Err(c.err(list.span(), "a world needs at least one cloud venue without `capacity_gpus`: where jobs go when nothing else can take them"));
    }
    let workloads: Vec<String> = sc.workloads.iter().map(|w| w.name.clone()).collect();
    let choice = Choice::from_raw(c, raw.choice.as_ref(), &workloads, |n| {
        names.iter().position(|x| x == n).map(|i| i as u16)
    })?;
    let mobility = Mobility::from_raw(c, raw.mobility.as_ref())?;
    // Each network compares its savings with the world's cloud venues.
    let clouds: Vec<CloudSpec> = venues
        .iter()
        .filter_map(|v| match &v.kind {
            VenueKind::Cloud(k) => Some(k.spec.clone()),
            VenueKind::Network(_) => None,
        })
        .collect();
    for v in &mut venues {
        if let VenueKind::Network(n) = &mut v.kind {
            n.cloud.alternatives = clouds.clone();
        }
    }
    Ok(WorldSpec {
        venues,
        choice,
        mobility,
    })
}

/// At least two venues (`list`), and no `[market]` or `[[providers]]` of the world's own.
fn none_of_its_own(c: &Check, raw: &RawScenario, list: &Sp<Vec<Sp<RawVenue>>>) -> Res<()> {
    if list.get().len() < 2 {
        return Err(c.err(
            list.span(),
            "a world needs at least two venues ([[venues]])",
        ));
    }
    if let Some(m) = &raw.market {
        return Err(c.err(
            m.span(),
            "a world has no [market] of its own: each network venue brings its scenario's",
        ));
    }
    if !raw.providers.get().is_empty() {
        return Err(c.err(
            raw.providers.span(),
            "a world has no [[providers]] of its own: each network venue brings its scenario's",
        ));
    }
    Ok(())
}

/// Each venue of `raw`, in order, under its unique name (`names`): a network or a cloud;
/// listings on other venues are added by [`listings`].
fn venues(
    c: &Check,
    raw: &RawScenario,
    names: &[String],
    sc: &Scenario,
    reparse: Reparse,
) -> Res<Vec<Venue>> {
    let list = raw.venues.as_ref().expect("a world has venues");
    let mut venues = Vec::new();
    for (i, v) in list.get().iter().enumerate() {
        let name = v.get().name.get();
        if name.trim().is_empty() || names[..i].contains(name) {
            return Err(c.err(
                v.get().name.span(),
                format!("expected a unique, non-empty venue name; `{name}` is taken or empty"),
            ));
        }
        let kind = match (&v.get().scenario, &v.get().cloud) {
            (Some(s), None) => VenueKind::Network(Box::new(network(
                c,
                v.get(),
                s,
                &raw.scenario,
                sc,
                reparse,
            )?)),
            (None, Some(k)) => VenueKind::Cloud(super::cloud_venue::cloud(c, v.get(), k, sc)?),
            _ => {
                return Err(c.err(v.span(), format!("venue `{name}`: expected either `scenario` (a network) or `cloud` (a cloud), not both or neither")));
            }
        };
        venues.push(Venue {
            name: name.clone(),
            kind,
            also_listed_on: Vec::new(),
        });
    }
    Ok(venues)
}

/// Each network venue's `also_listed_on` (multi-homing) into its listings: another
/// network venue of the world, a fraction in (0, 1], optionally one of its cohorts.
fn listings(
    c: &Check,
    list: &Sp<Vec<Sp<RawVenue>>>,
    names: &[String],
    venues: &mut [Venue],
) -> Res<()> {
    for (i, v) in list.get().iter().enumerate() {
        for l in &v.get().also_listed_on {
            let other = names.iter().position(|n| n == l.get().venue.get());
            let ok = other.is_some_and(|o| {
                o != i
                    && matches!(venues[o].kind, VenueKind::Network(_))
                    && matches!(venues[i].kind, VenueKind::Network(_))
            });
            let Some(o) = other.filter(|_| ok) else {
                return Err(c.err(
                    l.get().venue.span(),
                    format!(
                        "also_listed_on: expected another network venue of this world, not `{}`",
                        l.get().venue.get()
                    ),
                ));
            };
            let fraction = c.check(
                &l.get().fraction,
                |f| f > 0.0 && f <= 1.0,
                "fraction in (0, 1]",
            )?;
            let cohort = match (&l.get().cohort, &venues[i].kind) {
                (Some(name), VenueKind::Network(n)) => Some(
                    n.cohorts
                        .iter()
                        .position(|k| &k.name == name.get())
                        .ok_or_else(|| {
                            c.err(
                                name.span(),
                                format!(
                                    "also_listed_on: venue `{}` has no cohort `{}`",
                                    v.get().name.get(),
                                    name.get()
                                ),
                            )
                        })? as u16,
                ),
                _ => None,
            };
            venues[i].also_listed_on.push(Listing {
                venue: o,
                fraction,
                cohort,
            });
        }
    }
    Ok(())
}

/// A network venue sets none of a cloud's keys.
fn no_cloud_keys(c: &Check, v: &RawVenue) -> Res<()> {
    if v.capacity_gpus.is_some()
        || !v.price_changes.is_empty()
        || v.price_factor.is_some()
        || v.host_mtbf.is_some()
        || v.price_path.is_some()
    {
        return Err(c.err(
            v.name.span(),
            format!(
                "venue `{}`: `capacity_gpus`, `price_factor`, `price_changes`, `price_path` and `host_mtbf` are for clouds",
                v.name.get()
            ),
        ));
    }
    Ok(())
}

/// A network venue: its scenario with the world's horizon, epoch and start, then the
/// world's demand and cloud baseline.
fn network(
    c: &Check,
    v: &RawVenue,
    scenario: &crate::input::spanned::Sp<String>,
    meta: &RawMeta,
    world: &Scenario,
    reparse: Reparse,
) -> Res<Scenario> {
    no_cloud_keys(c, v)?;
    let literal = |span: std::ops::Range<usize>| c.loc.src[span].to_string();
    let mut overrides: Vec<String> = v.set.iter().map(|s| s.get().clone()).collect();
    overrides.push(format!(
        "scenario.duration={}",
        literal(meta.duration.span())
    ));
    if let Some(e) = &meta.epoch {
        overrides.push(format!("scenario.epoch={}", literal(e.span())));
    } else {
        overrides.push("scenario.epoch=\"1d\"".into());
    }
    if let Some(s) = &meta.start {
        overrides.push(format!("scenario.start={}", literal(s.span())));
    }
    let base = Path::new(c.loc.file.split(" (with --set)").next().unwrap_or(""))
        .parent()
        .unwrap_or(Path::new(""));
    let path = base.join(scenario.get());
    let loaded = if path.is_file() {
        read_scenario_text(&path)
            .and_then(|text| reparse(&text, &path.display().to_string(), &overrides))
    } else if let Some((name, text)) = crate::scenario::builtin(scenario.get()) {
        reparse(text, &format!("<built-in {name}>"), &overrides)
    } else {
        return Err(c.err(
            scenario.span(),
            format!(
                "venue `{}`: no scenario file `{}` and no built-in scenario of that name",
                v.name.get(),
                path.display()
            ),
        ));
    };
    let mut sc = loaded.map_err(|e| {
        c.err(
            scenario.span(),
            format!("venue `{}`: its scenario is invalid: {e}", v.name.get()),
        )
    })?;
    if sc.world.is_some() {
        return Err(c.err(
            scenario.span(),
            format!(
                "venue `{}`: a venue's scenario must be one network, not a world",
                v.name.get()
            ),
        ));
    }
    if let Some(f) = &v.mtbf_factor {
        let f = c.check(f, |x| x.is_finite() && x > 0.0, "mtbf_factor > 0")?;
        for cohort in &mut sc.cohorts {
            if let Some(a) = &mut cohort.availability {
                a.mtbf_scale = f;
            }
        }
    }
    sc.name = v.name.get().clone();
    sc.workloads = world.workloads.clone();
    sc.cloud = world.cloud.clone();
    sc.claims.clear();
    sc.observed.clear();
    Ok(sc)
}
