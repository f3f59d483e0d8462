//! How a sweep chooses its design points: a grid, random draws or a Latin hypercube (or,
//! for a study's sensitivity analysis, Morris trajectories or Saltelli's design).

/// How design points are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignKind {
    /// Every combination of the axes' values (first axis varies slowest).
    Grid,
    /// Independent uniform draws per axis.
    Random,
    /// Latin hypercube: stratified draws, one per stratum per axis.
    LatinHypercube,
    /// Morris trajectories on a grid of `levels` levels (a study's sensitivity analysis;
    /// [`crate::sweep::indices`]).
    Morris {
        /// Grid levels (even).
        levels: usize,
    },
    /// Saltelli's design for Sobol indices (a study's sensitivity analysis).
    Sobol,
}

impl DesignKind {
    /// Parses `grid`, `random` or `lhs`.
    pub fn from_name(name: &str) -> Option<DesignKind> {
        match name {
            "grid" => Some(DesignKind::Grid),
            "random" => Some(DesignKind::Random),
            "lhs" | "latin_hypercube" => Some(DesignKind::LatinHypercube),
            _ => None,
        }
    }

    /// The name used in sweep files.
    pub fn name(self) -> &'static str {
        match self {
            DesignKind::Grid => "grid",
            DesignKind::Random => "random",
            DesignKind::LatinHypercube => "lhs",
            DesignKind::Morris { .. } => "morris",
            DesignKind::Sobol => "sobol",
        }
    }
}
