//! Closed forms the simulator is validated against.

/// Erlang C: probability that an arrival waits in an M/M/c queue with `c` servers and
/// offered load `a = lambda / mu` [Erlangs]; requires `a < c`.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    assert!(
        a < c as f64,
        "unstable queue: offered load {a} >= servers {c}"
    );
    // Erlang B by the stable recursion, then C = B / (1 - rho (1 - B)).
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
    }
    let rho = a / c as f64;
    b / (1.0 - rho * (1.0 - b))
}

/// Mean wait in queue of M/M/c [same time unit as 1/mu], given arrival rate `lambda`
/// and service rate `mu` per server.
pub fn mmc_mean_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    erlang_c(c, lambda / mu) / (c as f64 * mu - lambda)
}

/// Mean time in system of M/M/1: 1 / (mu - lambda).
pub fn mm1_mean_time_in_system(lambda: f64, mu: f64) -> f64 {
    assert!(lambda < mu, "unstable queue");
    1.0 / (mu - lambda)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_known_values() {
        // One server: P(wait) = rho.
        assert!((erlang_c(1, 0.7) - 0.7).abs() < 1e-12);
        // c = 2, a = 1: C = 1/3 (textbook value).
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
        // M/M/1 wait: rho / (mu - lambda).
        assert!((mmc_mean_wait(1, 0.5, 1.0) - 1.0).abs() < 1e-12);
        assert!((mm1_mean_time_in_system(0.5, 1.0) - 2.0).abs() < 1e-12);
    }
}
