//! `TargetType` parsing and `cast_to`.

use fieldvalue::{CastError, FieldValue, TargetType, TimeUnit, TimeZone, TypeParseError};

fn t(name: &str) -> TargetType {
    name.parse().unwrap()
}

#[test]
fn type_names_parse_once() {
    assert_eq!(t("INTEGER"), TargetType::Int);
    assert_eq!(t(" int "), TargetType::Int);
    assert_eq!(t("BigInt"), TargetType::BigInt);
    assert_eq!(t("double precision"), TargetType::Float);
    assert_eq!(t("FLOAT"), TargetType::Float);
    assert_eq!(
        t("decimal( 18 , 4 )"),
        TargetType::Decimal {
            precision: 18,
            scale: 4
        }
    );
    assert_eq!(
        t("NUMERIC(10)"),
        TargetType::Decimal {
            precision: 10,
            scale: 0
        }
    );
    assert_eq!(
        t("DECIMAL"),
        TargetType::Decimal {
            precision: 38,
            scale: 0
        }
    );
    assert_eq!(t("varchar"), TargetType::Varchar(None));
    assert_eq!(t("VARCHAR(5)"), TargetType::Varchar(Some(5)));
    assert_eq!(t("string"), TargetType::Varchar(None));
    assert_eq!(t("BOOLEAN"), TargetType::Boolean);
    assert_eq!(t("DATE"), TargetType::Date);
    assert_eq!(t("TIMESTAMP"), TargetType::Timestamp(TimeUnit::Microsecond));
    assert_eq!(
        t("TIMESTAMP(3)"),
        TargetType::Timestamp(TimeUnit::Millisecond)
    );
    for name in ["DECIMAL(18,4)", "VARCHAR(5)", "BIGINT", "TIMESTAMP(9)"] {
        assert_eq!(t(&t(name).to_string()), t(name));
    }
}

#[test]
fn bad_type_names_are_errors() {
    assert_eq!(
        TargetType::parse("DECIMAL(10,20)"),
        Err(TypeParseError::Scale {
            precision: 10,
            scale: 20
        })
    );
    assert_eq!(
        TargetType::parse("DECIMAL(39,2)"),
        Err(TypeParseError::Precision(39))
    );
    assert_eq!(
        TargetType::parse("DECIMAL(0)"),
        Err(TypeParseError::Precision(0))
    );
    for bad in [
        "",
        "INTEGRAL",
        "INT(4",
        "VARCHAR(0)",
        "VARCHAR(x)",
        "TIMESTAMP(4)",
        "DECIMAL(1,2,3)",
        "INT(3)",
    ] {
        assert!(
            matches!(TargetType::parse(bad), Err(TypeParseError::Unknown(_))),
            "{bad:?}"
        );
    }
    assert_eq!(
        TargetType::parse("blob").unwrap_err().to_string(),
        "unknown SQL type `blob`"
    );
}

#[test]
fn numbers_to_integers_round_and_range_check() {
    let scaled = |v, s| FieldValue::scaled(v, s).unwrap();
    assert_eq!(
        scaled(25, 1).cast_to(TargetType::Int),
        Ok(FieldValue::Integer(3))
    );
    assert_eq!(
        scaled(-25, 1).cast_to(TargetType::Int),
        Ok(FieldValue::Integer(-3))
    );
    assert_eq!(
        scaled(24, 1).cast_to(TargetType::Int),
        Ok(FieldValue::Integer(2))
    );
    assert_eq!(
        FieldValue::Integer(128).cast_to(TargetType::TinyInt),
        Err(CastError::Overflow {
            from: "BIGINT",
            to: TargetType::TinyInt
        })
    );
    assert_eq!(
        FieldValue::Integer(-32768).cast_to(TargetType::SmallInt),
        Ok(FieldValue::Integer(-32768))
    );
    assert_eq!(
        FieldValue::Boolean(true).cast_to(TargetType::Int),
        Ok(FieldValue::Integer(1))
    );
    let wide = FieldValue::decimal(10i128.pow(30), 38, 0).unwrap();
    assert!(matches!(
        wide.cast_to(TargetType::BigInt),
        Err(CastError::Overflow { .. })
    ));
}

#[test]
fn decimals_rescale_with_rounding_and_precision_checks() {
    let d184 = t("DECIMAL(18,4)");
    assert!(matches!(
        FieldValue::Integer(300).cast_to(d184),
        Ok(FieldValue::ScaledInteger(3_000_000, 4))
    ));
    assert!(matches!(
        FieldValue::scaled(123_456, 5)
            .unwrap()
            .cast_to(t("DECIMAL(10,2)")),
        Ok(FieldValue::ScaledInteger(123, 2))
    ));
    assert!(matches!(
        FieldValue::scaled(-125, 3)
            .unwrap()
            .cast_to(t("DECIMAL(10,2)")),
        Ok(FieldValue::ScaledInteger(-13, 2))
    ));
    assert_eq!(
        FieldValue::Integer(1000).cast_to(t("DECIMAL(5,2)")),
        Err(CastError::Overflow {
            from: "BIGINT",
            to: t("DECIMAL(5,2)")
        })
    );
    // Precision over 18 gives a Decimal.
    let wide = FieldValue::Integer(5).cast_to(t("DECIMAL(30,10)")).unwrap();
    assert!(
        matches!(&wide, FieldValue::Decimal(d) if d.value() == 50_000_000_000 && d.precision() == 30 && d.scale() == 10)
    );
    // Floats convert from their exact binary value.
    // Exact ties round half away from zero, like every other rescale.
    assert!(matches!(
        FieldValue::Float(0.125).cast_to(t("DECIMAL(10,2)")),
        Ok(FieldValue::ScaledInteger(13, 2))
    ));
    assert!(matches!(
        FieldValue::Float(-0.125).cast_to(t("DECIMAL(10,2)")),
        Ok(FieldValue::ScaledInteger(-13, 2))
    ));
    assert!(matches!(
        FieldValue::Float(2.5).cast_to(t("DECIMAL(10,0)")),
        Ok(FieldValue::ScaledInteger(3, 0))
    ));
    assert!(matches!(
        FieldValue::Float(0.375).cast_to(t("DECIMAL(10,2)")),
        Ok(FieldValue::ScaledInteger(38, 2))
    ));
    assert!(
        matches!(
            FieldValue::Float(2.675).cast_to(t("DECIMAL(10,2)")),
            Ok(FieldValue::ScaledInteger(267, 2))
        ),
        "2.675 is 2.67499999… in binary"
    );
    assert_eq!(
        FieldValue::Float(f64::NAN).cast_to(d184),
        Err(CastError::NotANumber { to: d184 })
    );
    assert_eq!(
        FieldValue::Float(1e300).cast_to(d184),
        Err(CastError::Overflow {
            from: "DOUBLE",
            to: d184
        })
    );
    assert_eq!(
        FieldValue::ScaledInteger(1, 19).cast_to(d184),
        Err(CastError::ScaleOutOfRange { scale: 19 })
    );
}

#[test]
fn strings_parse_as_the_target() {
    let s = FieldValue::string;
    assert_eq!(
        s(" 42 ").cast_to(TargetType::BigInt),
        Ok(FieldValue::Integer(42))
    );
    assert_eq!(
        s("-7").cast_to(TargetType::Int),
        Ok(FieldValue::Integer(-7))
    );
    assert_eq!(
        s("99999999999").cast_to(TargetType::Int),
        Err(CastError::Overflow {
            from: "VARCHAR",
            to: TargetType::Int
        })
    );
    for bad in ["", "12.5", "1e3", "abc", "--1", "+"] {
        assert_eq!(
            s(bad).cast_to(TargetType::BigInt),
            Err(CastError::Unparsable {
                text: bad.into(),
                to: TargetType::BigInt
            }),
            "{bad:?}"
        );
    }
    assert!(matches!(
        s("1.10").cast_to(t("DECIMAL(10,2)")),
        Ok(FieldValue::ScaledInteger(110, 2))
    ));
    assert!(matches!(
        s("-0.005").cast_to(t("DECIMAL(10,2)")),
        Ok(FieldValue::ScaledInteger(-1, 2))
    ));
    assert!(matches!(
        s("1.5e2").cast_to(t("DECIMAL(10,0)")),
        Ok(FieldValue::ScaledInteger(150, 0))
    ));
    assert!(matches!(
        s("1e-3").cast_to(t("DECIMAL(10,3)")),
        Ok(FieldValue::ScaledInteger(1, 3))
    ));
    assert!(matches!(
        s(".5").cast_to(t("DECIMAL(10,1)")),
        Ok(FieldValue::ScaledInteger(5, 1))
    ));
    for bad in [".", "1.2.3", "e5", "1e", "1,5", "0x10"] {
        assert!(
            matches!(
                s(bad).cast_to(t("DECIMAL(10,2)")),
                Err(CastError::Unparsable { .. })
            ),
            "{bad:?}"
        );
    }
    assert_eq!(
        s("2.5").cast_to(TargetType::Float),
        Ok(FieldValue::Float(2.5))
    );
    assert_eq!(
        s("yes").cast_to(TargetType::Boolean),
        Ok(FieldValue::Boolean(true))
    );
    assert_eq!(
        s("OFF").cast_to(TargetType::Boolean),
        Ok(FieldValue::Boolean(false))
    );
    assert!(matches!(
        s("maybe").cast_to(TargetType::Boolean),
        Err(CastError::Unparsable { .. })
    ));
    assert_eq!(
        s("2024-02-29").cast_to(TargetType::Date),
        Ok(FieldValue::Date(19_782))
    );
    for bad in [
        "2023-02-29",
        "2024-13-01",
        "2024-00-10",
        "2024-1-01",
        "24-01-01",
        "2024-01-32",
    ] {
        assert!(
            matches!(
                s(bad).cast_to(TargetType::Date),
                Err(CastError::Unparsable { .. })
            ),
            "{bad:?}"
        );
    }
    let ts = s("2024-02-29T12:00:00.5+01:00")
        .cast_to(TargetType::Timestamp(TimeUnit::Millisecond))
        .unwrap();
    assert!(
        matches!(ts, FieldValue::Timestamp(1_709_204_400_500, TimeUnit::Millisecond, Some(z)) if z.offset_minutes() == 60)
    );
    let utc = s("2024-02-29 12:00Z")
        .cast_to(TargetType::Timestamp(TimeUnit::Second))
        .unwrap();
    assert!(matches!(
        utc,
        FieldValue::Timestamp(1_709_208_000, TimeUnit::Second, Some(TimeZone::UTC))
    ));
    for bad in [
        "2024-02-29",
        "2024-02-29 25:00",
        "2024-02-29 12:00:00.1234567890",
        "2024-02-29 12:00+19:00",
    ] {
        assert!(
            s(bad)
                .cast_to(TargetType::Timestamp(TimeUnit::Second))
                .is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn anything_casts_to_varchar_within_its_length() {
    assert_eq!(
        FieldValue::scaled(-5, 1)
            .unwrap()
            .cast_to(TargetType::Varchar(None)),
        Ok(FieldValue::string("-0.5"))
    );
    assert_eq!(
        FieldValue::Boolean(false).cast_to(t("VARCHAR(5)")),
        Ok(FieldValue::string("false"))
    );
    assert_eq!(
        FieldValue::string("héllo!").cast_to(t("VARCHAR(5)")),
        Err(CastError::TooLong { len: 6, max: 5 })
    );
    assert_eq!(
        FieldValue::string("héllo").cast_to(t("VARCHAR(5)")),
        Ok(FieldValue::string("héllo"))
    );
}

#[test]
fn dates_and_timestamps_convert() {
    let ts = FieldValue::Timestamp(
        1_709_251_200,
        TimeUnit::Second,
        TimeZone::from_offset_minutes(-60),
    );
    // 2024-03-01 00:00 UTC is still February 29 at -01:00.
    assert_eq!(ts.cast_to(TargetType::Date), Ok(FieldValue::Date(19_782)));
    assert_eq!(
        FieldValue::Date(1).cast_to(TargetType::Timestamp(TimeUnit::Millisecond)),
        Ok(FieldValue::Timestamp(
            86_400_000,
            TimeUnit::Millisecond,
            None
        ))
    );
    // Dropping precision floors (the instant stays in its second).
    assert!(matches!(
        FieldValue::Timestamp(-1, TimeUnit::Millisecond, None)
            .cast_to(TargetType::Timestamp(TimeUnit::Second)),
        Ok(FieldValue::Timestamp(-1, TimeUnit::Second, None))
    ));
    assert!(matches!(
        FieldValue::Timestamp(i64::MAX / 10, TimeUnit::Second, None)
            .cast_to(TargetType::Timestamp(TimeUnit::Nanosecond)),
        Err(CastError::Overflow { .. })
    ));
}

#[test]
fn unsupported_casts_are_errors_and_null_stays_null() {
    let to = TargetType::Date;
    assert_eq!(
        FieldValue::Integer(1).cast_to(to),
        Err(CastError::Unsupported { from: "BIGINT", to })
    );
    assert_eq!(
        FieldValue::Float(1.0).cast_to(TargetType::Boolean),
        Err(CastError::Unsupported {
            from: "DOUBLE",
            to: TargetType::Boolean
        })
    );
    for target in [
        TargetType::Int,
        TargetType::Float,
        to,
        t("DECIMAL(5,2)"),
        TargetType::Boolean,
    ] {
        assert_eq!(FieldValue::Null.cast_to(target), Ok(FieldValue::Null));
    }
    assert_eq!(
        CastError::Overflow {
            from: "BIGINT",
            to: TargetType::Int
        }
        .to_string(),
        "BIGINT value out of range for INTEGER"
    );
}

#[test]
fn long_decimal_text_rounds_instead_of_overflowing() {
    // Found by the fieldvalue_parse fuzz target: 40 fraction digits overflowed the accumulator.
    let text = format!("0.{}", "2".repeat(40));
    let v = FieldValue::string(&text)
        .cast_to(t("DECIMAL(38,38)"))
        .unwrap();
    assert_eq!(v.to_string(), format!("0.{}", "2".repeat(38)));
    let nines = format!("0.{}", "9".repeat(40));
    assert!(matches!(
        FieldValue::string(&nines).cast_to(t("DECIMAL(38,38)")),
        Err(CastError::Overflow { .. })
    ));
    assert!(matches!(
        FieldValue::string(&"9".repeat(39)).cast_to(t("DECIMAL(38,0)")),
        Err(CastError::Overflow { .. })
    ));
    assert!(
        FieldValue::string(&"9".repeat(38))
            .cast_to(t("DECIMAL(38,0)"))
            .is_ok()
    );
}

proptest::proptest! {
    #[test]
    fn any_text_casts_without_panicking(text in "\\PC{0,60}", digits in "[-+]?[0-9]{0,45}(\\.[0-9]{0,45})?([eE][-+]?[0-9]{1,3})?") {
        for target in [TargetType::Boolean, TargetType::Int, TargetType::BigInt, TargetType::Float,
                       t("DECIMAL(18,4)"), t("DECIMAL(38,38)"), t("DECIMAL(38,0)"), t("VARCHAR(3)"),
                       TargetType::Date, TargetType::Timestamp(TimeUnit::Nanosecond)] {
            let _ = FieldValue::string(&text).cast_to(target);
            if let Ok(v) = FieldValue::string(&digits).cast_to(target) {
                // What parses prints back to text that parses to the same value.
                let again = FieldValue::string(&v.to_string()).cast_to(target);
                if target != TargetType::Float {
                    proptest::prop_assert_eq!(again, Ok(v));
                }
            }
        }
        let _ = TargetType::parse(&text);
    }
}
