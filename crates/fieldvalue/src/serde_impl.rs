//! serde support (the `serde` feature): every value keeps its type through a round trip.
//!
//! A value is written externally tagged, its kind named: `{"Integer":5}`, `{"String":"1.10"}`,
//! `{"ScaledInteger":"1.10"}` (the text keeps the scale exactly), `{"Decimal":["1.50",20]}`
//! (text and precision), `{"Float":0.5}` (`"NaN"`, `"inf"`, `"-inf"` for the values JSON has no
//! number for), `{"Date":"2024-02-29"}`, `{"Timestamp":[1700000000000,"ms",null]}` (value, unit,
//! offset minutes), `{"Interval":[months,micros]}`, `{"Array":[...]}`, `{"Struct":{...}}` and
//! `{"Map":{...}}` (names in order), and NULL as `"Null"`. A string therefore never comes back
//! as a number. Floats read back through `deserialize_any`, so the format must be
//! self-describing (JSON, CBOR, MessagePack).

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};
use serde::ser::{SerializeMap, SerializeTupleVariant, Serializer};
use serde::{Deserialize, Serialize};

use crate::cast::{parse_date, parse_decimal};
use crate::display::write_fixed;
use crate::fields::Fields;
use crate::value::{FieldValue, MAX_SCALED_SCALE, Str, TimeUnit, TimeZone};

impl Serialize for Str {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self)
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl Visitor<'_> for StrVisitor {
            type Value = Str;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Str, E> {
                Ok(Str::new(v))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Str, E> {
                Ok(v.into())
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

/// Serializes a `Display` value as a string, without building one first.
struct AsText<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result>(F);

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> fmt::Display for AsText<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (self.0)(f)
    }
}

impl<F: Fn(&mut fmt::Formatter<'_>) -> fmt::Result> Serialize for AsText<F> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

struct FieldsSer<'a>(&'a Fields);

impl Serialize for FieldsSer<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0.iter() {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

fn unit_name(u: TimeUnit) -> &'static str {
    match u {
        TimeUnit::Second => "s",
        TimeUnit::Millisecond => "ms",
        TimeUnit::Microsecond => "us",
        TimeUnit::Nanosecond => "ns",
    }
}

const NAME: &str = "FieldValue";
const VARIANTS: &[&str] = &[
    "Null",
    "Boolean",
    "Integer",
    "Float",
    "ScaledInteger",
    "Decimal",
    "String",
    "Date",
    "Timestamp",
    "Interval",
    "Array",
    "Struct",
    "Map",
];

impl Serialize for FieldValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            FieldValue::Null => s.serialize_unit_variant(NAME, 0, "Null"),
            FieldValue::Boolean(b) => s.serialize_newtype_variant(NAME, 1, "Boolean", b),
            FieldValue::Integer(v) => s.serialize_newtype_variant(NAME, 2, "Integer", v),
            FieldValue::Float(x) if x.is_finite() => {
                s.serialize_newtype_variant(NAME, 3, "Float", x)
            }
            FieldValue::Float(x) => {
                let text = if x.is_nan() {
                    "NaN"
                } else if *x > 0.0 {
                    "inf"
                } else {
                    "-inf"
                };
                s.serialize_newtype_variant(NAME, 3, "Float", text)
            }
            FieldValue::ScaledInteger(v, sc) => s.serialize_newtype_variant(
                NAME,
                4,
                "ScaledInteger",
                &AsText(|f| write_fixed(f, i128::from(*v), *sc)),
            ),
            FieldValue::Decimal(d) => {
                let mut t = s.serialize_tuple_variant(NAME, 5, "Decimal", 2)?;
                t.serialize_field(&AsText(|f| write_fixed(f, d.value(), d.scale())))?;
                t.serialize_field(&d.precision())?;
                t.end()
            }
            FieldValue::String(v) => s.serialize_newtype_variant(NAME, 6, "String", v.as_str()),
            FieldValue::Date(_) => s.serialize_newtype_variant(
                NAME,
                7,
                "Date",
                &AsText(|f| fmt::Display::fmt(self, f)),
            ),
            FieldValue::Timestamp(v, u, z) => {
                let mut t = s.serialize_tuple_variant(NAME, 8, "Timestamp", 3)?;
                t.serialize_field(v)?;
                t.serialize_field(unit_name(*u))?;
                t.serialize_field(&z.map(TimeZone::offset_minutes))?;
                t.end()
            }
            FieldValue::Interval(iv) => {
                let mut t = s.serialize_tuple_variant(NAME, 9, "Interval", 2)?;
                t.serialize_field(&iv.months)?;
                t.serialize_field(&iv.micros)?;
                t.end()
            }
            FieldValue::Array(a) => s.serialize_newtype_variant(NAME, 10, "Array", &a[..]),
            FieldValue::Struct(f) => s.serialize_newtype_variant(NAME, 11, "Struct", &FieldsSer(f)),
            FieldValue::Map(f) => s.serialize_newtype_variant(NAME, 12, "Map", &FieldsSer(f)),
        }
    }
}

#[derive(Deserialize)]
#[serde(variant_identifier)]
enum Tag {
    Null,
    Boolean,
    Integer,
    Float,
    ScaledInteger,
    Decimal,
    String,
    Date,
    Timestamp,
    Interval,
    Array,
    Struct,
    Map,
}

/// A float written as a number, or as `"NaN"`/`"inf"`/`"-inf"`.
struct FloatRepr(f64);

impl<'de> Deserialize<'de> for FloatRepr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = FloatRepr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, \"NaN\", \"inf\" or \"-inf\"")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<FloatRepr, E> {
                Ok(FloatRepr(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FloatRepr, E> {
                Ok(FloatRepr(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FloatRepr, E> {
                Ok(FloatRepr(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FloatRepr, E> {
                match v {
                    "NaN" => Ok(FloatRepr(f64::NAN)),
                    "inf" => Ok(FloatRepr(f64::INFINITY)),
                    "-inf" => Ok(FloatRepr(f64::NEG_INFINITY)),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// Decimal text (`"-1.50"`) as `(unscaled, scale)`.
fn decimal_text<E: de::Error>(text: &str) -> Result<(i128, u8), E> {
    parse_decimal(text)
        .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &"decimal text like \"-1.50\""))
}

struct FieldsDe(Fields);

impl<'de> Deserialize<'de> for FieldsDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FieldsDe;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<FieldsDe, A::Error> {
                let mut fields = Fields::default();
                while let Some((k, v)) = m.next_entry::<Str, FieldValue>()? {
                    fields.insert(k, v);
                }
                Ok(FieldsDe(fields))
            }
        }
        d.deserialize_map(V)
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = FieldValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[decimal text, precision]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldValue, A::Error> {
        let text: std::borrow::Cow<'de, str> = next(&mut seq, 0, &self)?;
        let precision: u8 = next(&mut seq, 1, &self)?;
        let (v, s) = decimal_text(&text)?;
        FieldValue::decimal(v, precision, s).ok_or_else(|| {
            de::Error::invalid_value(
                de::Unexpected::Str(&text),
                &"a decimal within its precision",
            )
        })
    }
}

struct TimestampVisitor;

impl<'de> Visitor<'de> for TimestampVisitor {
    type Value = FieldValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[value, unit, offset minutes or null]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldValue, A::Error> {
        let v: i64 = next(&mut seq, 0, &self)?;
        let unit: std::borrow::Cow<'de, str> = next(&mut seq, 1, &self)?;
        let offset: Option<i16> = next(&mut seq, 2, &self)?;
        let unit = match &*unit {
            "s" => TimeUnit::Second,
            "ms" => TimeUnit::Millisecond,
            "us" => TimeUnit::Microsecond,
            "ns" => TimeUnit::Nanosecond,
            other => {
                return Err(de::Error::unknown_variant(other, &["s", "ms", "us", "ns"]));
            }
        };
        let zone = match offset {
            Some(m) => Some(TimeZone::from_offset_minutes(m).ok_or_else(|| {
                de::Error::invalid_value(
                    de::Unexpected::Signed(m.into()),
                    &"an offset within ±18:00",
                )
            })?),
            None => None,
        };
        Ok(FieldValue::Timestamp(v, unit, zone))
    }
}

struct IntervalVisitor;

impl<'de> Visitor<'de> for IntervalVisitor {
    type Value = FieldValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[months, microseconds]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<FieldValue, A::Error> {
        let months = next(&mut seq, 0, &self)?;
        let micros = next(&mut seq, 1, &self)?;
        Ok(FieldValue::Interval(crate::value::Interval {
            months,
            micros,
        }))
    }
}

fn next<'de, A: SeqAccess<'de>, T: Deserialize<'de>>(
    seq: &mut A,
    i: usize,
    exp: &dyn de::Expected,
) -> Result<T, A::Error> {
    seq.next_element()?
        .ok_or_else(|| de::Error::invalid_length(i, exp))
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = FieldValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a FieldValue")
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<FieldValue, A::Error> {
        let (tag, v) = data.variant::<Tag>()?;
        Ok(match tag {
            Tag::Null => {
                v.unit_variant()?;
                FieldValue::Null
            }
            Tag::Boolean => FieldValue::Boolean(v.newtype_variant()?),
            Tag::Integer => FieldValue::Integer(v.newtype_variant()?),
            Tag::Float => FieldValue::Float(v.newtype_variant::<FloatRepr>()?.0),
            Tag::ScaledInteger => {
                let text: std::borrow::Cow<'de, str> = v.newtype_variant()?;
                let (value, scale) = decimal_text(&text)?;
                match i64::try_from(value) {
                    Ok(value) if scale <= MAX_SCALED_SCALE => {
                        FieldValue::ScaledInteger(value, scale)
                    }
                    _ => {
                        return Err(de::Error::invalid_value(
                            de::Unexpected::Str(&text),
                            &"a fixed-point value within i64 and scale 18",
                        ));
                    }
                }
            }
            Tag::Decimal => v.tuple_variant(2, DecimalVisitor)?,
            Tag::String => FieldValue::String(v.newtype_variant()?),
            Tag::Date => {
                let text: std::borrow::Cow<'de, str> = v.newtype_variant()?;
                let days = parse_date(&text).and_then(|d| i32::try_from(d).ok());
                FieldValue::Date(days.ok_or_else(|| {
                    de::Error::invalid_value(de::Unexpected::Str(&text), &"a date YYYY-MM-DD")
                })?)
            }
            Tag::Timestamp => v.tuple_variant(3, TimestampVisitor)?,
            Tag::Interval => v.tuple_variant(2, IntervalVisitor)?,
            Tag::Array => {
                let items: Vec<FieldValue> = v.newtype_variant()?;
                FieldValue::Array(Arc::from(items))
            }
            Tag::Struct => FieldValue::Struct(Arc::new(v.newtype_variant::<FieldsDe>()?.0)),
            Tag::Map => FieldValue::Map(Arc::new(v.newtype_variant::<FieldsDe>()?.0)),
        })
    }
}

impl<'de> Deserialize<'de> for FieldValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_enum(NAME, VARIANTS, ValueVisitor)
    }
}
