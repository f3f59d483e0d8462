//! One [`Summary`], assembled from what a run counted: a network's counters and
//! providers, or a world's added up over its venues. Both take this path, so a section
//! or field added to the summary is filled for a world as for a network (the token
//! sections, which a world cannot add across different tokens, come from
//! [`TokenSections::of_network`] or [`TokenSections::of_world`]).

use super::{
    AlternativeFigures, CapacityFigures, ClaimFigures, ClusterFigures, EngineFigures, JobFigures,
    MoneyFigures, OfferSelectionFigures, ProviderTotals, RunInfo, Summary, SupplyFigures,
    TimelineSummary, TokenIncomeFigures, TokenSections, WorkloadSummary,
};
use crate::base::time::to_hours;
use crate::network::ledger::{Counters, WorkloadCounters};
use crate::parts::provider::Provider;
use crate::scenario::Scenario;

/// What a summary is built from.
pub(crate) struct SummaryInputs<'a> {
    /// The scenario that ran (a world's own scenario for a world).
    pub sc: &'a Scenario,
    /// The mechanism's name ("world" for a world).
    pub mechanism: &'a str,
    /// Run-wide counters.
    pub counters: &'a Counters,
    /// Service counters per workload.
    pub by_workload: &'a [WorkloadCounters],
    /// Every provider ever in the market (of every network of a world).
    pub providers: &'a [Provider],
    /// What the summary needs of the providers' rows.
    pub totals: &'a ProviderTotals,
    /// Jobs still waiting or running at the end.
    pub in_flight: u64,
    /// The token sections.
    pub tokens: TokenSections,
    /// Per-workload figures.
    pub workloads: Vec<WorkloadSummary>,
    /// Events handled.
    pub events: u64,
    /// Wall time [s].
    pub wall_s: f64,
}

impl Summary {
    /// The summary of `i`, every section built by its own builder; claims, backtests and
    /// a world's venues are added by the caller.
    pub(crate) fn assemble(i: SummaryInputs<'_>) -> Summary {
        let (sc, c) = (i.sc, i.counters);
        let TokenSections {
            token,
            verification,
            bme,
            token_payments,
        } = i.tokens;
        Summary {
            run: RunInfo::of(sc, i.mechanism, i.providers.len(), i.totals.gpus),
            jobs: JobFigures::of(c, i.in_flight),
            capacity: CapacityFigures::of(i.totals.online_us, i.totals.sold_us),
            money: MoneyFigures::of(c, i.providers, i.totals),
            alternatives: AlternativeFigures::of(sc, i.by_workload),
            token,
            token_income: TokenIncomeFigures::of(
                i.providers,
                to_hours(i.totals.online_us),
                to_hours(i.totals.sold_us),
                sc.world.is_none(),
            ),
            verification,
            bme,
            token_payments,
            offer_selection: OfferSelectionFigures::of(c),
            supply: SupplyFigures::of(c, i.providers),
            clusters: ClusterFigures::of(c),
            workloads: i.workloads,
            timeline: TimelineSummary::of(sc),
            claims: ClaimFigures::default(),
            backtests: Vec::new(),
            venues: Vec::new(),
            workload_venues: Vec::new(),
            engine: EngineFigures::of(i.events, i.wall_s),
        }
    }
}
