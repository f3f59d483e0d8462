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
        };
        assert!((v.duration_factor(false) - 1.46).abs() < 1e-12);
        assert!((v.duration_factor(true) - 0.146).abs() < 1e-12);
        assert!(v.checks(0.19) && !v.checks(0.2));
    }
}
