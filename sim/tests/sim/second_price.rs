//! The second-price reverse auction on Akash's scenario: every lease is paid at least its
//! winner's ask and at most the consumer's cap, money and tokens are conserved, and
//! consumers pay more per GPU-hour than under pay-as-bid on the same demand.

use flopmarket_sim::data::records::VecSink;
use flopmarket_sim::{RunOptions, Scenario, run};

fn akash(mechanism: &str) -> (flopmarket_sim::Summary, VecSink) {
    // Akash's scenario with its auction's tenant-side keys removed (the second-price
    // auction owns only max_bids and bid_window), 10 days.
    let (_, text) = flopmarket_sim::scenario::builtin("akash").expect("akash is built in");
    let text: String = text
        .lines()
        .filter(|l| {
            !["bid_timeout", "tenant_delay", "selection"]
                .iter()
                .any(|k| l.starts_with(k))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let sc = Scenario::parse(
        &text,
        "akash-second-price",
        &[
            format!("market.mechanism=\"{mechanism}\""),
            "scenario.duration=\"10d\"".into(),
        ],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let r = run(
        &sc,
        VecSink::default(),
        RunOptions { jobs_log: true },
        |_| {},
    );
    (r.summary, r.sink)
}

#[test]
fn winners_are_paid_between_their_ask_and_the_cap_and_consumers_pay_more() {
    let (vickrey, sink) = akash("second_price");
    assert_eq!(vickrey.run.mechanism, "second_price");
    assert!(
        vickrey.invariant_violations().is_empty(),
        "{:?}",
        vickrey.invariant_violations()
    );
    let asks: Vec<f64> = sink
        .providers
        .iter()
        .map(|p| p.ask_usd_per_gpu_hour)
        .collect();
    let mut leases = 0;
    for j in &sink.jobs {
        if let (Some(p), Some(price)) = (j.provider_id, j.price_usd_per_gpu_hour) {
            assert!(
                price >= asks[p as usize] - 1e-9,
                "job {} paid {price} < ask",
                j.job_id
            );
            leases += 1;
        }
    }
    assert!(leases > 100, "{leases} leases");
    let (first, _) = akash("reverse_auction");
    let per_hour =
        |s: &flopmarket_sim::Summary| s.money.consumer_spend_usd / s.capacity.gpu_hours_sold;
    assert!(
        per_hour(&vickrey) > per_hour(&first),
        "second price {} vs pay-as-bid {} USD per GPU-hour",
        per_hour(&vickrey),
        per_hour(&first)
    );
}
