//! Tests of the provider record: its layout, costs and state changes.

use super::*;

/// The hot fields share the record's first cache line and the accounting the next
/// two (see [`Provider`]).
#[test]
fn hot_fields_lead_the_record() {
    use std::mem::{align_of, offset_of, size_of};
    assert_eq!(align_of::<Provider>(), 64);
    assert!(offset_of!(Provider, jobs) + size_of::<HostJobs>() <= 64);
    assert_eq!(offset_of!(Provider, totals), 64);
    assert_eq!(offset_of!(Provider, epoch), 128);
    assert_eq!(size_of::<ProviderTotals>(), 64);
    assert_eq!(size_of::<HostJobs>(), 32);
    assert_eq!(size_of::<host_jobs::Spill>(), 64);
}

/// The inline list keeps a `Vec`'s order under any mix of pushes and swap-removes,
/// below and beyond its inline places and its spill's head.
#[test]
fn host_jobs_keep_the_order_of_a_vec() {
    use rand::{RngExt, SeedableRng};
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
    let (mut jobs, mut want) = (HostJobs::default(), Vec::<u32>::new());
    for step in 0..20_000u32 {
        if want.is_empty() || (want.len() < 24 && rng.random_bool(0.55)) {
            jobs.push(step);
            want.push(step);
        } else {
            let slot = want[rng.random_range(0..want.len())];
            jobs.remove(slot);
            let i = want.iter().position(|&s| s == slot).unwrap();
            want.swap_remove(i);
        }
        if step % 5_000 == 4_999 {
            jobs.clear();
            want.clear();
        }
        assert_eq!(jobs.iter().collect::<Vec<_>>(), want);
        assert_eq!((jobs.len(), jobs.is_empty()), (want.len(), want.is_empty()));
    }
    jobs.remove(u32::MAX - 1);
    assert_eq!(jobs.iter().collect::<Vec<_>>(), want);
}
