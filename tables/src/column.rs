//! [`Table`]: a run's table as named columns of typed values, without Polars.

/// The type of a column's values, as the tables' files carry it (Polars and Arrow name
/// each in [`DType::polars_name`] and [`DType::arrow_format`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// Unsigned 32-bit integers.
    UInt32,
    /// Unsigned 64-bit integers.
    UInt64,
    /// Signed 64-bit integers.
    Int64,
    /// 64-bit floats (NaN is a value, not a null).
    Float64,
    /// UTF-8 text.
    String,
    /// Booleans.
    Boolean,
    /// Instants in milliseconds since 1970, UTC, no time-zone tag (Polars
    /// `Datetime(ms)`, Arrow `timestamp[ms]`).
    DatetimeMs,
}

impl DType {
    /// The Polars dtype's name as Polars prints it (`UInt32`, `Datetime(ms)`, ...).
    pub fn polars_name(self) -> &'static str {
        match self {
            DType::UInt32 => "UInt32",
            DType::UInt64 => "UInt64",
            DType::Int64 => "Int64",
            DType::Float64 => "Float64",
            DType::String => "String",
            DType::Boolean => "Boolean",
            DType::DatetimeMs => "Datetime(ms)",
        }
    }

    /// The Arrow C data interface's format string (strings as `large_utf8`, 64-bit
    /// offsets, so no column can overflow them).
    pub fn arrow_format(self) -> &'static str {
        match self {
            DType::UInt32 => "I",
            DType::UInt64 => "L",
            DType::Int64 => "l",
            DType::Float64 => "g",
            DType::String => "U",
            DType::Boolean => "b",
            DType::DatetimeMs => "tsm:",
        }
    }
}

/// One column's values. `Opt*` variants are nullable columns (the record field is an
/// `Option`); the others have no nulls.
#[derive(Debug, Clone)]
pub enum Values {
    /// `u32`.
    U32(Vec<u32>),
    /// `Option<u32>`.
    OptU32(Vec<Option<u32>>),
    /// `u64`.
    U64(Vec<u64>),
    /// `Option<u64>`.
    OptU64(Vec<Option<u64>>),
    /// `Option<i64>`.
    OptI64(Vec<Option<i64>>),
    /// `f64`.
    F64(Vec<f64>),
    /// `Option<f64>`.
    OptF64(Vec<Option<f64>>),
    /// `String`.
    Str(Vec<String>),
    /// `Option<String>`.
    OptStr(Vec<Option<String>>),
    /// `bool`.
    Bool(Vec<bool>),
    /// Milliseconds since 1970 (UTC), nullable: a date column.
    DateMs(Vec<Option<i64>>),
}

impl Values {
    /// Rows.
    pub fn len(&self) -> usize {
        match self {
            Values::U32(v) => v.len(),
            Values::OptU32(v) => v.len(),
            Values::U64(v) => v.len(),
            Values::OptU64(v) => v.len(),
            Values::OptI64(v) | Values::DateMs(v) => v.len(),
            Values::F64(v) => v.len(),
            Values::OptF64(v) => v.len(),
            Values::Str(v) => v.len(),
            Values::OptStr(v) => v.len(),
            Values::Bool(v) => v.len(),
        }
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The column's dtype.
    pub fn dtype(&self) -> DType {
        match self {
            Values::U32(_) | Values::OptU32(_) => DType::UInt32,
            Values::U64(_) | Values::OptU64(_) => DType::UInt64,
            Values::OptI64(_) => DType::Int64,
            Values::F64(_) | Values::OptF64(_) => DType::Float64,
            Values::Str(_) | Values::OptStr(_) => DType::String,
            Values::Bool(_) => DType::Boolean,
            Values::DateMs(_) => DType::DatetimeMs,
        }
    }

    /// Whether the column may hold nulls (its field is an `Option`).
    pub fn nullable(&self) -> bool {
        matches!(
            self,
            Values::OptU32(_)
                | Values::OptU64(_)
                | Values::OptI64(_)
                | Values::OptF64(_)
                | Values::OptStr(_)
                | Values::DateMs(_)
        )
    }
}

/// A record field's values as a column (implemented for the field types the records
/// use; a record field of another type does not compile until it has one).
pub trait IntoValues {
    /// The column.
    fn into_values(self) -> Values;
}

macro_rules! into_values {
    ($($ty:ty => $variant:ident),+ $(,)?) => {
        $(impl IntoValues for Vec<$ty> {
            fn into_values(self) -> Values {
                Values::$variant(self)
            }
        })+
    };
}

into_values! {
    u32 => U32,
    Option<u32> => OptU32,
    u64 => U64,
    Option<u64> => OptU64,
    Option<i64> => OptI64,
    f64 => F64,
    Option<f64> => OptF64,
    String => Str,
    Option<String> => OptStr,
    bool => Bool,
}

/// A named column.
#[derive(Debug, Clone)]
pub struct Column {
    /// Its name in every file and frame.
    pub name: &'static str,
    /// Its values.
    pub values: Values,
}

/// A table: columns of equal length, in order.
#[derive(Debug, Clone)]
pub struct Table {
    /// Rows.
    pub rows: usize,
    /// The columns, in the files' order.
    pub columns: Vec<Column>,
}

impl Table {
    /// The column named `name`.
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// Column names, in order.
    pub fn names(&self) -> Vec<&'static str> {
        self.columns.iter().map(|c| c.name).collect()
    }

    /// The `date` column (ms since 1970, from [`EpochRecord::date`] or
    /// [`VenueEpochRecord::date`]) typed as a date ([`DType::DatetimeMs`]).
    ///
    /// [`EpochRecord::date`]: flopmarket_sim::data::records::EpochRecord::date
    /// [`VenueEpochRecord::date`]: flopmarket_sim::data::records::VenueEpochRecord::date
    pub(crate) fn dates_as_datetime(mut self) -> Table {
        for c in &mut self.columns {
            if c.name == "date"
                && let Values::OptI64(v) = &mut c.values
            {
                c.values = Values::DateMs(std::mem::take(v));
            }
        }
        self
    }
}
