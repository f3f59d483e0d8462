//! Verified training at run time: a lease's wall time on a (possibly cheating) solver,
//! and a verifier's re-check of a finished job, with slashing and expulsion. The
//! parameters are [`crate::parts::verification::Verification`].

use rand::RngExt;

use crate::data::records::RecordSink;
use crate::network::world::World;
use crate::parts::provider::ProviderId;

impl<S: RecordSink> World<'_, S> {
    /// Wall time of a lease on host `pid` relative to the plain work [ratio]: 1 without
    /// verification.
    pub(crate) fn lease_duration_factor(&self, pid: ProviderId) -> f64 {
        self.sc.verification.map_or(1.0, |v| {
            v.duration_factor(self.providers[pid as usize].cheater)
        })
    }

    /// Host `pid` finished a job: if it is a cheating solver, a verifier re-checks the
    /// job with probability `verify_probability` (a draw from the market's stream). Caught:
    /// stake slashed (jackpot to the whistleblower, the rest burned) and the solver
    /// expelled. Returns whether it was caught (then the job must be redone).
    pub(crate) fn caught_cheating(&mut self, pid: ProviderId) -> bool {
        let Some(v) = self.sc.verification else {
            return false;
        };
        if !self.providers[pid as usize].cheater {
            return false;
        }
        self.ledger.verification.cheats += 1;
        if !v.checks(self.market_rng.random::<f64>()) {
            return false;
        }
        let p = &mut self.providers[pid as usize];
        let stake_gpus = p.stake_gpus();
        self.book.remove(pid, p);
        p.expelled = true;
        self.ledger.verification.caught += 1;
        self.ledger.verification.expelled += 1;
        self.ledger
            .slash_cheater(stake_gpus, v.slash_fraction, v.jackpot_share);
        true
    }
}
