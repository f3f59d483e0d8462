//! How a sweep chooses its design points: a grid, random draws or a Latin hypercube.

/// How design points are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DesignKind {
    /// Every combination of the axes' values (first axis varies slowest).
    Grid,
    /// Independent uniform draws per axis.
    Random,
    /// Latin hypercube: stratified draws, one per stratum per axis.
    LatinHypercube,
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
        }
    }
}
