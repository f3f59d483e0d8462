//! Verified training (Gensyn): solvers train and write proof-of-learning checkpoints,
//! which costs extra time; a fraction of solvers cheat by skipping work; verifiers re-run
//! a sample of jobs; a whistleblower who catches a cheater takes a jackpot from the
//! cheater's slashed stake, the rest is burned, the cheater is expelled and the job is
//! redone. The comparison is with plain n-way replication of every job.

/// Verification parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verification {
    /// Extra time for proof-of-learning and verification [fraction] (litepaper: 0.46).
    pub overhead: f64,
    /// Fraction of solvers that cheat [fraction].
    pub cheater_fraction: f64,
    /// Fraction of the work a cheater skips [fraction].
    pub cheat_skip: f64,
    /// Chance that a finished job is re-checked by a verifier [fraction].
    pub verify_probability: f64,
    /// Fraction of a caught cheater's stake slashed [fraction].
    pub slash_fraction: f64,
    /// Share of the slashed stake paid to the whistleblower; the rest is burned [fraction].
    pub jackpot_share: f64,
    /// Copies run by the replication baseline (litepaper: 7).
    pub replication: u32,
    /// Refereed-replication baseline (Verde): extra time of reproducible kernels on each
    /// of its two replicas [fraction].
    pub verde_repops_overhead: f64,
    /// Refereed-replication baseline: a dispute's cost as a fraction of the job's plain
    /// work [fraction].
    pub verde_dispute_fraction: f64,
}

impl Verification {
    /// Wall time of a lease relative to the plain work [ratio].
    pub fn duration_factor(&self, cheater: bool) -> f64 {
        (1.0 + self.overhead) * if cheater { 1.0 - self.cheat_skip } else { 1.0 }
    }

    /// Whether a verifier re-checks a finished job, given a uniform `draw` in [0, 1).
    pub fn checks(&self, draw: f64) -> bool {
        draw < self.verify_probability
    }

    /// Replicas in the refereed baseline (Verde: two solvers, a referee on disagreement).
    pub const VERDE_REPLICAS: f64 = 2.0;

    /// The refereed-replication baseline (Gensyn's Verde: "Verde: Verification via
    /// Refereed Delegation for Machine Learning Programs", Gensyn 2025; RepOps for
    /// bitwise-reproducible kernels): what work costing `plain_usd` without verification
    /// would cost run by two replicas on reproducible kernels, with a dispute whenever
    /// a cheater is among them (probability 1 - (1 - cheater_fraction)^2, the two drawn
    /// independently) [USD].
    pub fn verde_equivalent_usd(&self, plain_usd: f64) -> f64 {
        let disputes = 1.0 - (1.0 - self.cheater_fraction).powi(2);
        plain_usd
            * (Self::VERDE_REPLICAS * (1.0 + self.verde_repops_overhead)
                + disputes * self.verde_dispute_fraction)
    }

    /// The share of results the refereed baseline accepts from cheaters: both replicas
    /// cheating alike (colluding, so no dispute arises) [fraction of jobs].
    pub fn verde_accepted_cheats(&self) -> f64 {
        self.cheater_fraction.powi(2)
    }
}

/// What verification did over a run.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VerificationTally {
    /// Jobs finished by cheating solvers.
    pub cheats: u64,
    /// Of those, caught by a verifier.
    pub caught: u64,
    /// Tokens paid to whistleblowers [tokens].
    pub jackpots: f64,
    /// Solvers expelled.
    pub expelled: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cheaters_finish_early_and_everyone_pays_the_overhead() {
        let v = Verification {
            overhead: 0.46,
            cheater_fraction: 0.1,
            cheat_skip: 0.9,
            verify_probability: 0.2,
            slash_fraction: 1.0,
            jackpot_share: 0.5,
            replication: 7,
            verde_repops_overhead: 0.3,
            verde_dispute_fraction: 0.01,
        };
        assert!((v.duration_factor(false) - 1.46).abs() < 1e-12);
        assert!((v.duration_factor(true) - 0.146).abs() < 1e-12);
        assert!(v.checks(0.19) && !v.checks(0.2));
    }

    #[test]
    fn refereed_replication_costs_two_reproducible_replicas_and_its_disputes() {
        let mut v = Verification {
            overhead: 0.46,
            cheater_fraction: 0.0,
            cheat_skip: 0.9,
            verify_probability: 0.1,
            slash_fraction: 1.0,
            jackpot_share: 0.5,
            replication: 7,
            verde_repops_overhead: 0.3,
            verde_dispute_fraction: 0.01,
        };
        assert!((v.verde_equivalent_usd(100.0) - 260.0).abs() < 1e-9);
        assert_eq!(v.verde_accepted_cheats(), 0.0);
        // 30 % cheaters: a dispute in 1 - 0.7^2 = 51 % of jobs; 9 % accepted (both cheat).
        v.cheater_fraction = 0.3;
        assert!((v.verde_equivalent_usd(100.0) - (260.0 + 0.51)).abs() < 1e-9);
        assert!((v.verde_accepted_cheats() - 0.09).abs() < 1e-12);
    }
}
