//! `Display` text, exact for every scale and sign.

use std::fmt::Write;

use fieldvalue::{FieldValue, Interval, TimeUnit, TimeZone};
use proptest::prelude::*;

#[test]
fn scalars() {
    let cases: [(FieldValue, &str); 19] = [
        (FieldValue::Null, "NULL"),
        (FieldValue::Boolean(true), "true"),
        (FieldValue::Integer(i64::MIN), "-9223372036854775808"),
        (FieldValue::Integer(0), "0"),
        (FieldValue::Float(1.0), "1.0"),
        (FieldValue::Float(-0.25), "-0.25"),
        (FieldValue::Float(f64::NAN), "NaN"),
        (FieldValue::scaled(0, 3).unwrap(), "0.000"),
        (FieldValue::scaled(12345, 2).unwrap(), "123.45"),
        (
            FieldValue::scaled(i64::MIN, 18).unwrap(),
            "-9.223372036854775808",
        ),
        (FieldValue::scaled(7, 0).unwrap(), "7"),
        (
            FieldValue::decimal(-(10i128.pow(38) - 1), 38, 0).unwrap(),
            "-99999999999999999999999999999999999999",
        ),
        (FieldValue::string("héllo"), "héllo"),
        (FieldValue::Date(0), "1970-01-01"),
        (FieldValue::Date(19_782), "2024-02-29"),
        (FieldValue::Date(-719_528), "0000-01-01"),
        (
            FieldValue::Timestamp(1_709_208_000_123, TimeUnit::Millisecond, None),
            "2024-02-29 12:00:00.123",
        ),
        (
            FieldValue::Timestamp(
                1_709_208_000,
                TimeUnit::Second,
                TimeZone::from_offset_minutes(330),
            ),
            "2024-02-29 17:30:00+05:30",
        ),
        (
            FieldValue::Timestamp(-1, TimeUnit::Nanosecond, TimeZone::from_offset_minutes(-60)),
            "1969-12-31 22:59:59.999999999-01:00",
        ),
    ];
    for (v, text) in cases {
        assert_eq!(v.to_string(), text, "{v:?}");
        assert_eq!(v.to_display_string(), text);
    }
}

#[test]
fn intervals_and_containers() {
    let iv = |months, micros| FieldValue::Interval(Interval { months, micros });
    assert_eq!(iv(0, 0).to_string(), "PT0S");
    assert_eq!(iv(14, 0).to_string(), "P1Y2M");
    assert_eq!(
        iv(0, 86_400_000_000 * 3 + 3_723_000_007).to_string(),
        "P3DT1H2M3.000007S"
    );
    assert_eq!(iv(0, -1_500_000).to_string(), "PT-1.500000S");
    let arr = FieldValue::array([
        FieldValue::Integer(1),
        FieldValue::Null,
        FieldValue::string("x"),
    ]);
    assert_eq!(arr.to_string(), "[1, NULL, x]");
    let st = FieldValue::structure([
        ("a", arr),
        ("b", FieldValue::map([("k", FieldValue::Boolean(false))])),
    ]);
    assert_eq!(st.to_string(), "{a: [1, NULL, x], b: {k: false}}");
}

/// The reference: the decimal expansion of `v / 10^s` by string surgery.
fn reference_fixed(v: i128, s: u8) -> String {
    let digits = v.unsigned_abs().to_string();
    let s = usize::from(s);
    let padded = format!("{digits:0>width$}", width = s + 1);
    let (int, frac) = padded.split_at(padded.len() - s);
    let sign = if v < 0 { "-" } else { "" };
    if s == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

proptest! {
    #[test]
    fn fixed_point_text_is_exact(v in any::<i64>(), s in 0u8..=18) {
        let value = FieldValue::scaled(v, s).unwrap();
        prop_assert_eq!(value.to_string(), reference_fixed(i128::from(v), s));
    }

    #[test]
    fn decimal_text_is_exact(v in -(10i128.pow(38) - 1)..10i128.pow(38), s in 0u8..=38) {
        let value = FieldValue::decimal(v, 38, s).unwrap();
        prop_assert_eq!(value.to_string(), reference_fixed(v, s));
    }

    #[test]
    fn dates_round_trip_through_text(days in -3_000_000i32..3_000_000) {
        let text = FieldValue::Date(days).to_string();
        let back = FieldValue::string(&text).cast_to(fieldvalue::TargetType::Date).unwrap();
        prop_assert_eq!(back, FieldValue::Date(days));
    }

    #[test]
    fn display_into_a_buffer_matches_to_string(v in any::<i64>(), s in 0u8..=18) {
        let value = FieldValue::scaled(v, s).unwrap();
        let mut buf = String::new();
        write!(buf, "{value}").unwrap();
        prop_assert_eq!(buf, value.to_string());
    }
}
