//! The correctness bugs of the engine this crate replaces, one test each. Each asserts the
//! right behaviour, which the old code did not have (the old result is in the comment).

use std::hash::BuildHasher;

use fieldvalue::{ArithmeticError, CastError, FieldValue, TargetType};

fn hash(v: &FieldValue) -> u64 {
    // A fixed hasher: equal values must give equal hashes under any hasher.
    std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(v)
}

fn scaled(v: i64, s: u8) -> FieldValue {
    FieldValue::scaled(v, s).unwrap()
}

#[test]
fn negative_fixed_point_between_minus_one_and_zero_keeps_its_sign() {
    // Old: "0.5", "0.05" (the integer part -0 printed as 0, the sign lost).
    assert_eq!(scaled(-5, 1).to_string(), "-0.5");
    assert_eq!(scaled(-5, 2).to_string(), "-0.05");
    assert_eq!(scaled(-1, 18).to_string(), "-0.000000000000000001");
    assert_eq!(scaled(-15, 1).to_string(), "-1.5");
    assert_eq!(
        FieldValue::decimal(-1, 38, 38).unwrap().to_string(),
        format!("-0.{}1", "0".repeat(37))
    );
}

#[test]
fn equal_decimals_of_different_scales_are_equal_and_hash_equal() {
    // Old: 1.0 != 1.00 as group keys (derived Eq/Hash on (value, scale)).
    let pairs = [
        (scaled(10, 1), scaled(100, 2)),
        (scaled(10, 1), FieldValue::Integer(1)),
        (scaled(-2500, 3), FieldValue::decimal(-25, 20, 1).unwrap()),
        (
            FieldValue::decimal(10, 38, 1).unwrap(),
            FieldValue::Float(1.0),
        ),
    ];
    for (a, b) in pairs {
        assert_eq!(a, b, "{a:?} vs {b:?}");
        assert_eq!(hash(&a), hash(&b), "{a:?} vs {b:?}");
    }
    assert_ne!(scaled(10, 1), scaled(101, 2));
}

#[test]
fn zero_and_negative_zero_are_equal_and_hash_equal() {
    // Old: 0.0 and -0.0 were two groups (hashing the float's bits).
    let (a, b) = (FieldValue::Float(0.0), FieldValue::Float(-0.0));
    assert_eq!(a, b);
    assert_eq!(hash(&a), hash(&b));
    assert_eq!(a.cmp(&b), std::cmp::Ordering::Equal);
}

#[test]
fn fixed_point_arithmetic_and_rescaling_never_wrap_or_panic() {
    // Old: i64 arithmetic on the unscaled values wrapped (release) or panicked (debug).
    let max = scaled(i64::MAX, 2);
    // The exact result, as a wide decimal.
    let sum = max.checked_add(&scaled(1, 2)).unwrap();
    assert_eq!(sum.to_string(), "92233720368547758.08");
    // Beyond 38 digits: a typed error.
    let huge = FieldValue::decimal(10i128.pow(37) * 9, 38, 0).unwrap();
    assert_eq!(
        huge.checked_mul(&FieldValue::Integer(100)),
        Err(ArithmeticError::Overflow { op: '*' })
    );
    // Rescaling 2^63-1 to 4 digits for DECIMAL(18,4): out of range, not wrapped.
    let target = TargetType::parse("DECIMAL(18,4)").unwrap();
    assert_eq!(
        FieldValue::Integer(i64::MAX).cast_to(target),
        Err(CastError::Overflow {
            from: "BIGINT",
            to: target
        })
    );
    // A scale over 18 built directly (bypassing `FieldValue::scaled`) is an error, not a panic.
    let bad = FieldValue::ScaledInteger(1, 200);
    assert_eq!(
        bad.checked_mul(&bad),
        Err(ArithmeticError::Overflow { op: '*' })
    );
    assert_eq!(
        bad.checked_div(&scaled(1, 0)),
        Err(ArithmeticError::Overflow { op: '/' })
    );
    // BIGINT overflow is an error too.
    assert_eq!(
        FieldValue::Integer(i64::MIN).checked_sub(&FieldValue::Integer(1)),
        Err(ArithmeticError::Overflow { op: '-' })
    );
}

#[test]
fn float_to_integer_casts_do_not_saturate() {
    // Old: `as i64`, so NaN became 0 and 1e20 became i64::MAX.
    let int = TargetType::BigInt;
    assert_eq!(
        FieldValue::Float(f64::NAN).cast_to(int),
        Err(CastError::NotANumber { to: int })
    );
    assert_eq!(
        FieldValue::Float(f64::INFINITY).cast_to(int),
        Err(CastError::Infinite { to: int })
    );
    assert_eq!(
        FieldValue::Float(1e20).cast_to(int),
        Err(CastError::Overflow {
            from: "DOUBLE",
            to: int
        })
    );
    assert_eq!(
        FieldValue::Float(3e9).cast_to(TargetType::Int),
        Err(CastError::Overflow {
            from: "DOUBLE",
            to: TargetType::Int
        })
    );
    assert_eq!(
        FieldValue::Float(-2.5).cast_to(int),
        Ok(FieldValue::Integer(-3))
    );
}

#[test]
fn division_by_zero_is_an_error() {
    // Old: x / 0 returned 1.
    for (a, b) in [
        (FieldValue::Integer(7), FieldValue::Integer(0)),
        (scaled(7, 2), scaled(0, 4)),
        (FieldValue::Float(7.0), FieldValue::Float(0.0)),
        (FieldValue::Float(7.0), FieldValue::Integer(0)),
        (
            FieldValue::decimal(7, 30, 0).unwrap(),
            FieldValue::Integer(0),
        ),
    ] {
        assert_eq!(
            a.checked_div(&b),
            Err(ArithmeticError::DivisionByZero),
            "{a:?} / {b:?}"
        );
    }
}

#[test]
fn null_equals_null_is_unknown() {
    // Old: NULL = NULL was true.
    assert_eq!(FieldValue::Null.sql_eq(&FieldValue::Null), None);
    assert_eq!(FieldValue::Null.sql_eq(&FieldValue::Integer(1)), None);
    assert_eq!(FieldValue::Null.sql_cmp(&FieldValue::Null), None);
}

#[test]
fn null_cast_to_string_is_null() {
    // Old: the text "NULL".
    assert_eq!(
        FieldValue::Null.cast_to(TargetType::Varchar(None)),
        Ok(FieldValue::Null)
    );
    assert_eq!(
        FieldValue::Null.cast_to(TargetType::Varchar(Some(3))),
        Ok(FieldValue::Null)
    );
}

#[test]
fn json_strings_that_look_like_numbers_stay_strings() {
    // Old: "1.10" came back as the number 1.1.
    let v = FieldValue::string("1.10");
    let json = serde_json::to_string(&v).unwrap();
    assert_eq!(json, r#"{"String":"1.10"}"#);
    let back: FieldValue = serde_json::from_str(&json).unwrap();
    assert_eq!(back.as_str(), Some("1.10"));
    // And a fixed-point 1.10 keeps its scale.
    let back: FieldValue =
        serde_json::from_str(&serde_json::to_string(&scaled(110, 2)).unwrap()).unwrap();
    assert!(matches!(back, FieldValue::ScaledInteger(110, 2)));
}
