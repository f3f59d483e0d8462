//! Which mechanism, without its parameters: the names scenarios and outputs use.

/// Which mechanism, without its parameters: what outputs and reports name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MechanismKind {
    /// `ReverseAuction`.
    ReverseAuction,
    /// `SecondPrice`.
    SecondPrice,
    /// `PostedPrice`.
    PostedPrice,
    /// `OfferSelection`.
    OfferSelection,
}

impl MechanismKind {
    /// Every kind.
    pub const ALL: [MechanismKind; 4] = [
        MechanismKind::ReverseAuction,
        MechanismKind::SecondPrice,
        MechanismKind::PostedPrice,
        MechanismKind::OfferSelection,
    ];

    /// The name in scenarios and outputs (summary.json's `mechanism`).
    pub fn name(self) -> &'static str {
        match self {
            MechanismKind::ReverseAuction => "reverse_auction",
            MechanismKind::SecondPrice => "second_price",
            MechanismKind::PostedPrice => "posted_price",
            MechanismKind::OfferSelection => "offer_selection",
        }
    }

    /// The kind named `name` (as [`MechanismKind::name`] writes it).
    pub fn from_name(name: &str) -> Option<MechanismKind> {
        MechanismKind::ALL.into_iter().find(|k| k.name() == name)
    }
}
