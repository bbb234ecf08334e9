//! JSON round trips (the crate's `serde` feature, on in its tests).

use fieldvalue::{FieldValue, Interval, TimeUnit, TimeZone};

fn round_trip(v: &FieldValue) -> FieldValue {
    let json = serde_json::to_string(v).unwrap();
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{json}: {e}"))
}

/// Same type and same representation, not merely equal.
fn assert_same(a: &FieldValue, b: &FieldValue) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

#[test]
fn every_kind_keeps_its_type() {
    let values = [
        FieldValue::Null,
        FieldValue::Boolean(true),
        FieldValue::Integer(i64::MIN),
        FieldValue::Float(0.1),
        FieldValue::Float(-0.0),
        FieldValue::Float(f64::INFINITY),
        FieldValue::Float(f64::NEG_INFINITY),
        FieldValue::scaled(-50, 2).unwrap(),
        FieldValue::scaled(100, 0).unwrap(),
        FieldValue::decimal(-12_345_678_901_234_567_890_123, 30, 5).unwrap(),
        FieldValue::string("1.10"),
        FieldValue::string("Null"),
        FieldValue::string(&"long ".repeat(10)),
        FieldValue::Date(-1),
        FieldValue::Timestamp(
            1_700_000_000_123,
            TimeUnit::Millisecond,
            TimeZone::from_offset_minutes(-330),
        ),
        FieldValue::Timestamp(5, TimeUnit::Nanosecond, None),
        FieldValue::Interval(Interval {
            months: -2,
            micros: 7,
        }),
        FieldValue::array([
            FieldValue::Integer(1),
            FieldValue::string("2"),
            FieldValue::Null,
        ]),
        FieldValue::structure([("b", FieldValue::Integer(1)), ("a", FieldValue::Float(2.0))]),
        FieldValue::map([("k", FieldValue::array([]))]),
    ];
    for v in &values {
        assert_same(&round_trip(v), v);
    }
    let nan = round_trip(&FieldValue::Float(f64::NAN));
    assert!(matches!(nan, FieldValue::Float(x) if x.is_nan()));
    // Struct field order survives.
    let st = round_trip(&values[18]);
    assert_eq!(st.to_string(), "{b: 1, a: 2.0}");
}

#[test]
fn the_json_is_readable() {
    let v = FieldValue::structure([
        ("price", FieldValue::scaled(1_892_500, 4).unwrap()),
        ("when", FieldValue::Date(19_782)),
    ]);
    assert_eq!(
        serde_json::to_string(&v).unwrap(),
        r#"{"Struct":{"price":{"ScaledInteger":"189.2500"},"when":{"Date":"2024-02-29"}}}"#
    );
    assert_eq!(
        serde_json::to_string(&FieldValue::Null).unwrap(),
        r#""Null""#
    );
}

#[test]
fn bad_json_is_an_error() {
    for bad in [
        r#"{"ScaledInteger":"abc"}"#,
        r#"{"ScaledInteger":"1.0000000000000000001"}"#,
        r#"{"Decimal":["1.5",0]}"#,
        r#"{"Date":"2023-02-29"}"#,
        r#"{"Timestamp":[1,"h",null]}"#,
        r#"{"Timestamp":[1,"s",2000]}"#,
        r#"{"Float":"nan"}"#,
        r#"{"Integer":"1"}"#,
        r#"{"Bogus":1}"#,
        r#"1.10"#,
        r#"null"#,
    ] {
        assert!(serde_json::from_str::<FieldValue>(bad).is_err(), "{bad}");
    }
}
