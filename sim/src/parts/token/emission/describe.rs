//! Each schedule in words, as the report prints it.

use crate::parts::token::emission::cosmos::describe_cosmos;
use crate::parts::token::emission::kind::Emission;

impl Emission {
    /// The schedule in words, amounts in `symbol`, as the report prints it.
    pub fn describe(&self, symbol: &str) -> String {
        match self {
            Emission::None => "no emission".to_string(),
            Emission::Inflation { inflation_per_year } => {
                format!("inflation of {:.1} % a year", inflation_per_year * 100.0)
            }
            Emission::YearlyTable {
                per_year,
                damping_after_year,
                damping,
            } => format!(
                "yearly table {per_year:?} {symbol}, held to year {damping_after_year}, then x{damping} a year"
            ),
            Emission::HourlyDecline {
                first_hour,
                monthly_decline,
                months,
            } => format!(
                "{first_hour} {symbol} in the first hour, falling {:.2} % a month for {months} months",
                monthly_decline * 100.0
            ),
            Emission::Halving {
                initial_per_year,
                period_years,
            } => format!("{initial_per_year} {symbol} a year, halving every {period_years} years"),
            Emission::PerEpoch { epoch_h, amounts } => format!(
                "a table of {} periods of {epoch_h} h, {} {symbol} in all, then none",
                amounts.len(),
                amounts.iter().sum::<f64>()
            ),
            Emission::CosmosInflation(m) => describe_cosmos(m),
            Emission::Allocations(a) => a.describe(symbol),
        }
    }
}
