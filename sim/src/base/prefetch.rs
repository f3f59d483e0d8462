//! Prefetch hints: ask the memory for a record that will be read soon, without waiting
//! for it. A hint only: no value changes, so outputs never depend on it. The one
//! `unsafe` block of the simulator (the x86-64 intrinsic; a prefetch cannot fault).

/// Bytes per cache line.
const LINE: usize = 64;

/// Asks for every cache line of `*record` (into all cache levels). Does nothing on
/// targets without a prefetch instruction here.
#[inline(always)]
pub fn prefetch<T>(record: &T) {
    prefetch_head(record, size_of::<T>());
}

/// Asks for the cache lines of the first `bytes` bytes of `*record` (the hot head of a
/// record laid out hot fields first).
#[inline(always)]
pub fn prefetch_head<T>(record: &T, bytes: usize) {
    let start = record as *const T as usize;
    let end = start + bytes.clamp(1, size_of::<T>().max(1));
    let mut line = start & !(LINE - 1);
    while line < end {
        prefetch_line(line);
        line += LINE;
    }
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn prefetch_line(address: usize) {
    use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
    // SAFETY: SSE is part of x86-64, so the instruction exists; a prefetch reads nothing
    // into the program and never faults, whatever the address.
    unsafe { _mm_prefetch::<_MM_HINT_T0>(address as *const i8) };
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn prefetch_line(_address: usize) {}

#[cfg(test)]
mod tests {
    use super::prefetch;

    #[test]
    fn a_prefetch_changes_nothing() {
        let records = vec![[7u64; 40]; 3];
        prefetch(&records[1]);
        prefetch(&());
        super::prefetch_head(&records[2], 64);
        assert_eq!(records[1], [7u64; 40]);
    }
}
