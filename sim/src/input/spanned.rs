//! Value wrappers for the raw scenario: a value that remembers where it was written, and
//! a duration written as a string with a unit.

use std::borrow::Cow;
use std::ops::Range;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer};

use crate::base::time::parse_duration_secs;

/// A value together with its byte range in the scenario file, for error messages.
#[derive(Debug, Clone)]
pub struct Sp<T> {
    value: T,
    span: Range<usize>,
}

impl<T> Sp<T> {
    /// The value.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// Byte range of the value in the source text.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }
}

impl<T: Default> Default for Sp<T> {
    /// The default value at the start of the file (for sections that may be absent).
    fn default() -> Self {
        Sp {
            value: T::default(),
            span: 0..0,
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sp<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let spanned = toml::Spanned::<T>::deserialize(d)?;
        let span = spanned.span();
        Ok(Sp {
            value: spanned.into_inner(),
            span,
        })
    }
}

impl<T: JsonSchema> JsonSchema for Sp<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

/// A duration written as a string with a unit (`"90s"`, `"30m"`, `"7d"`, `"1y"`, `"inf"`),
/// held in seconds [s].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dur(pub f64);

impl Dur {
    /// The duration in seconds [s]; infinite for `"inf"`.
    pub fn secs(self) -> f64 {
        self.0
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Dur;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a duration string such as \"90s\", \"30m\", \"2h\", \"7d\" or \"inf\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Dur, E> {
                parse_duration_secs(v).map(Dur).map_err(E::custom)
            }
        }
        d.deserialize_str(Visitor)
    }
}

impl JsonSchema for Dur {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "type": "string",
            "pattern": r"^([0-9][0-9_]*(\.[0-9]+)?(ms|s|m|min|h|d|w|mo|y)|inf|never|infinite)$",
            "description": "A duration: a number and a unit (ms, s, m, h, d, w, mo, y), e.g. \"90s\", \"7d\"; or \"inf\"."
        })
    }
}
