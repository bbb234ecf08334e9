//! [`FieldValue`] and the types inside it.

use std::fmt;
use std::sync::Arc;

use crate::fields::Fields;

/// The most bytes a [`Str`] holds inline, without a heap allocation.
pub const INLINE_STR_MAX: usize = ecow::EcoString::INLINE_LIMIT;

/// A string value: up to [`INLINE_STR_MAX`] (15) bytes inline, longer ones in one shared,
/// reference-counted allocation.
///
/// Cloning never copies a heap string (it bumps the reference count); an inline string is part
/// of the value and is copied with it (16 bytes), with no allocation to build it and no shared
/// counter to bump (`cargo xtask bench --filter fieldvalue/string`). The representation is
/// [`ecow::EcoString`]: written here in safe code it needed a UTF-8 check on every read of an
/// inline string, which made comparisons, hashing and display measurably slower.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Str(ecow::EcoString);

impl Str {
    /// `s`, inline if it fits.
    #[inline]
    pub fn new(s: &str) -> Self {
        Str(ecow::EcoString::from(s))
    }

    /// The string.
    #[inline]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether it is stored inline (no heap allocation).
    pub fn is_inline(&self) -> bool {
        self.0.is_inline()
    }
}

impl std::ops::Deref for Str {
    type Target = str;

    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Str {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::borrow::Borrow<str> for Str {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Self {
        Str::new(s)
    }
}

impl From<String> for Str {
    fn from(s: String) -> Self {
        Str(ecow::EcoString::from(s))
    }
}

impl fmt::Debug for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Str {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The largest precision (and scale) of a [`Decimal`].
pub const MAX_DECIMAL_PRECISION: u8 = 38;

/// The largest scale of a [`FieldValue::ScaledInteger`].
pub const MAX_SCALED_SCALE: u8 = 18;

/// A wide decimal: an `i128` with a precision (1-38 digits) and a scale (0-38, at most the
/// precision), for values beyond what [`FieldValue::ScaledInteger`] holds.
///
/// Build one with [`FieldValue::decimal`], which checks the invariants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal {
    value: i128,
    precision: u8,
    scale: u8,
}

impl Decimal {
    /// `value / 10^scale` with `precision` digits; `None` if the precision is not 1-38, the scale
    /// exceeds it, or `value` has more digits than the precision.
    pub fn new(value: i128, precision: u8, scale: u8) -> Option<Decimal> {
        if !(1..=MAX_DECIMAL_PRECISION).contains(&precision) || scale > precision {
            return None;
        }
        if value.unsigned_abs() >= crate::arith::pow10(u32::from(precision))?.unsigned_abs() {
            return None;
        }
        Some(Decimal {
            value,
            precision,
            scale,
        })
    }

    /// The unscaled value: the number is `value / 10^scale`.
    pub fn value(&self) -> i128 {
        self.value
    }

    /// The number of digits the type holds.
    pub fn precision(&self) -> u8 {
        self.precision
    }

    /// The digits after the point.
    pub fn scale(&self) -> u8 {
        self.scale
    }
}

/// The unit of a [`FieldValue::Timestamp`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeUnit {
    /// Seconds since the Unix epoch.
    Second,
    /// Milliseconds.
    Millisecond,
    /// Microseconds.
    Microsecond,
    /// Nanoseconds.
    Nanosecond,
}

impl TimeUnit {
    /// Nanoseconds per unit.
    pub fn nanos(self) -> i64 {
        match self {
            TimeUnit::Second => 1_000_000_000,
            TimeUnit::Millisecond => 1_000_000,
            TimeUnit::Microsecond => 1_000,
            TimeUnit::Nanosecond => 1,
        }
    }

    /// Digits after the seconds' point.
    pub fn digits(self) -> u8 {
        match self {
            TimeUnit::Second => 0,
            TimeUnit::Millisecond => 3,
            TimeUnit::Microsecond => 6,
            TimeUnit::Nanosecond => 9,
        }
    }
}

/// The time zone a [`FieldValue::Timestamp`] is shown in: a fixed offset from UTC in minutes
/// (-18:00 to +18:00). Named zones with daylight-saving rules need a zone database this crate
/// does not carry; an engine resolves them to an offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeZone(i16);

impl TimeZone {
    /// UTC.
    pub const UTC: TimeZone = TimeZone(0);

    /// An offset of `minutes` east of UTC; `None` beyond ±18 hours.
    pub fn from_offset_minutes(minutes: i16) -> Option<TimeZone> {
        (minutes.unsigned_abs() <= 18 * 60).then_some(TimeZone(minutes))
    }

    /// The offset in minutes east of UTC.
    pub fn offset_minutes(self) -> i16 {
        self.0
    }
}

/// A SQL interval: months (which vary in length) and microseconds, kept apart so that adding
/// one month to January 31 is a calendar operation, not 30 days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Interval {
    /// Whole months.
    pub months: i32,
    /// Microseconds (a day is 86,400,000,000 of them).
    pub micros: i64,
}

/// A dynamic SQL value.
///
/// 24 bytes (`size_of` is checked by a test). Data larger than 16 bytes (wide decimals, strings
/// over [`INLINE_STR_MAX`] bytes, arrays, structs and maps) is shared behind a reference count, so
/// a clone is at most a reference-count bump. Why not 16: a 16-byte enum leaves at most 15 bytes
/// beside its tag, so a string variant could hold only a pointer, never an inline string (Rust's
/// layout cannot fit the `i64`-plus-byte variants such as `ScaledInteger` and `Timestamp` around
/// a 16-byte string's niche). Then every string is a heap allocation: the trade record of the
/// benchmarks would take 176 + 4 x 32 = 304 heap bytes instead of the 256 it takes now
/// (`cargo xtask bench --filter fieldvalue/record/heap-bytes`).
///
/// Equality and hashing are for grouping: numbers compare by value across `Integer`,
/// `ScaledInteger`, `Decimal` and `Float` (`1 == 1.0 == 1.00`), `-0.0 == 0.0`, and NaN equals NaN
/// (so all NaNs form one group). `Ord` is the ORDER BY order with NULLs first (see
/// [`FieldValue::cmp_nulls`]); [`FieldValue::sql_eq`] and [`FieldValue::sql_cmp`] are SQL's
/// three-valued comparisons.
#[derive(Clone, Debug)]
pub enum FieldValue {
    /// SQL NULL.
    Null,
    /// TRUE or FALSE.
    Boolean(bool),
    /// A 64-bit integer.
    Integer(i64),
    /// A 64-bit float.
    Float(f64),
    /// A fixed-point decimal `value / 10^scale`, the scale at most 18 ([`MAX_SCALED_SCALE`]).
    /// Build it with [`FieldValue::scaled`] to have the scale checked.
    ScaledInteger(i64, u8),
    /// A decimal beyond `i64` (see [`Decimal`]).
    Decimal(Arc<Decimal>),
    /// A string (inline up to 15 bytes, shared beyond).
    String(Str),
    /// Days since 1970-01-01.
    Date(i32),
    /// A point in time: a count of `unit`s since the Unix epoch (in UTC), and the time zone it is
    /// shown in, if any.
    Timestamp(i64, TimeUnit, Option<TimeZone>),
    /// A duration in months and microseconds.
    Interval(Interval),
    /// An array, shared.
    Array(Arc<[FieldValue]>),
    /// Named fields in declaration order, shared.
    Struct(Arc<Fields>),
    /// Keys to values (order does not matter for comparison), shared.
    Map(Arc<Fields>),
}

impl FieldValue {
    /// A string value.
    pub fn string(s: &str) -> Self {
        FieldValue::String(Str::new(s))
    }

    /// A fixed-point value `value / 10^scale`; `None` if the scale is over 18.
    pub fn scaled(value: i64, scale: u8) -> Option<Self> {
        (scale <= MAX_SCALED_SCALE).then_some(FieldValue::ScaledInteger(value, scale))
    }

    /// A wide decimal; `None` if the precision is not 1-38, the scale exceeds it, or the value
    /// has more digits than the precision.
    pub fn decimal(value: i128, precision: u8, scale: u8) -> Option<Self> {
        Decimal::new(value, precision, scale).map(|d| FieldValue::Decimal(Arc::new(d)))
    }

    /// An array of `items`.
    pub fn array(items: impl IntoIterator<Item = FieldValue>) -> Self {
        FieldValue::Array(items.into_iter().collect())
    }

    /// A struct of `(name, value)` fields in this order (a later duplicate name replaces the
    /// earlier value).
    pub fn structure<K: Into<Str>>(fields: impl IntoIterator<Item = (K, FieldValue)>) -> Self {
        FieldValue::Struct(Arc::new(Fields::new(
            fields.into_iter().map(|(k, v)| (k.into(), v)),
        )))
    }

    /// A map of `(key, value)` entries (a later duplicate key replaces the earlier value).
    pub fn map<K: Into<Str>>(entries: impl IntoIterator<Item = (K, FieldValue)>) -> Self {
        FieldValue::Map(Arc::new(Fields::new(
            entries.into_iter().map(|(k, v)| (k.into(), v)),
        )))
    }

    /// A timestamp of `micros` microseconds since the epoch, without a time zone.
    pub fn timestamp_micros(micros: i64) -> Self {
        FieldValue::Timestamp(micros, TimeUnit::Microsecond, None)
    }

    /// Whether it is NULL.
    pub fn is_null(&self) -> bool {
        matches!(self, FieldValue::Null)
    }

    /// The string, if it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            FieldValue::Integer(v) => Some(*v),
            _ => None,
        }
    }

    /// The SQL name of its type.
    pub fn type_name(&self) -> &'static str {
        match self {
            FieldValue::Null => "NULL",
            FieldValue::Boolean(_) => "BOOLEAN",
            FieldValue::Integer(_) => "BIGINT",
            FieldValue::Float(_) => "DOUBLE",
            FieldValue::ScaledInteger(..) | FieldValue::Decimal(_) => "DECIMAL",
            FieldValue::String(_) => "VARCHAR",
            FieldValue::Date(_) => "DATE",
            FieldValue::Timestamp(..) => "TIMESTAMP",
            FieldValue::Interval(_) => "INTERVAL",
            FieldValue::Array(_) => "ARRAY",
            FieldValue::Struct(_) => "STRUCT",
            FieldValue::Map(_) => "MAP",
        }
    }

    /// An exact number (integer, fixed-point or decimal) as `(unscaled, scale)`.
    #[inline]
    pub(crate) fn exact(&self) -> Option<(i128, u8)> {
        match self {
            FieldValue::Integer(v) => Some((i128::from(*v), 0)),
            FieldValue::ScaledInteger(v, s) => Some((i128::from(*v), *s)),
            FieldValue::Decimal(d) => Some((d.value, d.scale)),
            _ => None,
        }
    }

    /// The exact number `value / 10^scale` in the narrowest form: `ScaledInteger` when it fits
    /// (value in `i64`, scale at most 18) and `wide` is false, else a 38-digit `Decimal`; `None`
    /// when it has more than 38 digits or a scale over 38.
    pub(crate) fn from_exact(value: i128, scale: u8, wide: bool) -> Option<FieldValue> {
        if !wide
            && scale <= MAX_SCALED_SCALE
            && let Ok(v) = i64::try_from(value)
        {
            return Some(FieldValue::ScaledInteger(v, scale));
        }
        FieldValue::decimal(value, MAX_DECIMAL_PRECISION, scale)
    }
}

impl From<i64> for FieldValue {
    fn from(v: i64) -> Self {
        FieldValue::Integer(v)
    }
}

impl From<i32> for FieldValue {
    fn from(v: i32) -> Self {
        FieldValue::Integer(i64::from(v))
    }
}

impl From<f64> for FieldValue {
    fn from(v: f64) -> Self {
        FieldValue::Float(v)
    }
}

impl From<bool> for FieldValue {
    fn from(v: bool) -> Self {
        FieldValue::Boolean(v)
    }
}

impl From<&str> for FieldValue {
    fn from(v: &str) -> Self {
        FieldValue::string(v)
    }
}

impl From<String> for FieldValue {
    fn from(v: String) -> Self {
        FieldValue::String(v.into())
    }
}

impl From<Str> for FieldValue {
    fn from(v: Str) -> Self {
        FieldValue::String(v)
    }
}

impl<T: Into<FieldValue>> From<Option<T>> for FieldValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(FieldValue::Null, Into::into)
    }
}
