//! The laws: `Eq`/`Hash` consistency, `Ord` a total order agreeing with exact arithmetic,
//! checked arithmetic against i128 reference math, lossless casts round-tripping.

use std::cmp::Ordering;
use std::hash::BuildHasher;

use fieldvalue::{
    ArithmeticError, FieldValue, Interval, NullOrder, TargetType, TimeUnit, TimeZone,
};
use proptest::prelude::*;

fn hash(v: &FieldValue) -> u64 {
    std::hash::BuildHasherDefault::<std::hash::DefaultHasher>::default().hash_one(v)
}

/// Leaves from small ranges, so that equal values of different kinds and scales turn up often.
fn leaf() -> impl Strategy<Value = FieldValue> {
    let unit = prop_oneof![
        Just(TimeUnit::Second),
        Just(TimeUnit::Millisecond),
        Just(TimeUnit::Microsecond),
        Just(TimeUnit::Nanosecond)
    ];
    prop_oneof![
        Just(FieldValue::Null),
        any::<bool>().prop_map(FieldValue::Boolean),
        (-3i64..3).prop_map(FieldValue::Integer),
        any::<i64>().prop_map(FieldValue::Integer),
        prop::sample::select(vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            2.0,
            0.1,
            1e-30,
            2.5e-50,
            1e300,
            -1e300,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ])
        .prop_map(FieldValue::Float),
        any::<f64>().prop_map(FieldValue::Float),
        (-300i64..300, 0u8..3).prop_map(|(v, s)| FieldValue::scaled(v, s).unwrap()),
        (any::<i64>(), 0u8..=18).prop_map(|(v, s)| FieldValue::scaled(v, s).unwrap()),
        (-300i128..300, 0u8..3).prop_map(|(v, s)| FieldValue::decimal(v, 38, s).unwrap()),
        (-(10i128.pow(38) - 1)..10i128.pow(38), 0u8..=38)
            .prop_map(|(v, s)| FieldValue::decimal(v, 38, s).unwrap()),
        "[ab]{0,2}".prop_map(|s| FieldValue::string(&s)),
        "[a-z]{10,20}".prop_map(|s| FieldValue::string(&s)),
        (-2i32..2).prop_map(FieldValue::Date),
        (-2i64..2, unit, prop::option::of(-60i16..60)).prop_map(|(v, u, z)| {
            FieldValue::Timestamp(
                v * 1000 / u.nanos().min(1000),
                u,
                z.and_then(TimeZone::from_offset_minutes),
            )
        }),
        (-1i32..2, -1i64..2)
            .prop_map(|(months, micros)| FieldValue::Interval(Interval { months, micros })),
    ]
}

fn value() -> impl Strategy<Value = FieldValue> {
    leaf().prop_recursive(2, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(FieldValue::array),
            prop::collection::vec(("[ab]", inner.clone()), 0..3).prop_map(FieldValue::structure),
            prop::collection::vec(("[ab]", inner), 0..3).prop_map(FieldValue::map),
        ]
    })
}

/// The exact decimal text of a number (floats expand exactly: every f64 is a finite decimal).
fn exact_text(v: &FieldValue) -> Option<String> {
    Some(match v {
        FieldValue::Float(x) if x.is_finite() => format!("{x:.1100}"),
        FieldValue::Integer(_) | FieldValue::ScaledInteger(..) | FieldValue::Decimal(_) => {
            v.to_string()
        }
        _ => return None,
    })
}

/// Compares two decimal texts by value.
fn cmp_text(a: &str, b: &str) -> Ordering {
    fn parts(t: &str) -> (bool, String, String) {
        let (neg, t) = t.strip_prefix('-').map_or((false, t), |r| (true, r));
        let (i, f) = t.split_once('.').unwrap_or((t, ""));
        let i = i.trim_start_matches('0').to_string();
        let f = f.trim_end_matches('0').to_string();
        let zero = i.is_empty() && f.is_empty();
        (neg && !zero, i, f)
    }
    let (na, ia, fa) = parts(a);
    let (nb, ib, fb) = parts(b);
    let mag = ia
        .len()
        .cmp(&ib.len())
        .then_with(|| ia.cmp(&ib))
        .then_with(|| fa.cmp(&fb));
    match (na, nb) {
        (false, true) => Ordering::Greater,
        (true, false) => Ordering::Less,
        (false, false) => mag,
        (true, true) => mag.reverse(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn eq_and_hash_agree(a in value(), b in value()) {
        if a == b {
            prop_assert_eq!(hash(&a), hash(&b), "{:?} == {:?}", a, b);
        }
        prop_assert_eq!(a == b, a.cmp(&b) == Ordering::Equal);
        prop_assert_eq!(a == a.clone(), true);
        // Display and arithmetic never panic, whatever the kinds.
        let _ = (a.to_string(), b.to_string());
        let _ = (a.checked_add(&b), a.checked_sub(&b), a.checked_mul(&b), a.checked_div(&b));
    }

    #[test]
    fn ord_is_antisymmetric_and_transitive(a in value(), b in value(), c in value()) {
        prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
        let mut v = [a, b, c];
        v.sort();
        prop_assert!(v[0] <= v[1] && v[1] <= v[2] && v[0] <= v[2], "{:?}", v);
    }

    #[test]
    fn numbers_order_by_exact_value(a in leaf(), b in leaf()) {
        if let (Some(x), Some(y)) = (exact_text(&a), exact_text(&b)) {
            prop_assert_eq!(a.cmp(&b), cmp_text(&x, &y), "{:?} vs {:?}", a, b);
            prop_assert_eq!(a.sql_cmp(&b), Some(cmp_text(&x, &y)));
        }
    }

    #[test]
    fn sql_comparisons_follow_three_valued_logic(a in value(), b in value()) {
        if a.is_null() || b.is_null() {
            prop_assert_eq!(a.sql_eq(&b), None);
            prop_assert_eq!(a.sql_cmp(&b), None);
        }
        if let Some(eq) = a.sql_eq(&b) {
            prop_assert_eq!(eq, a == b);
        }
        prop_assert_eq!(a.cmp_nulls(&b, NullOrder::First), a.cmp(&b));
        if !a.is_null() && !b.is_null() {
            prop_assert_eq!(a.cmp_nulls(&b, NullOrder::Last), a.cmp(&b));
        } else if a.is_null() != b.is_null() {
            prop_assert_eq!(a.cmp_nulls(&b, NullOrder::Last), a.cmp(&b).reverse());
        }
    }

    #[test]
    fn fixed_point_arithmetic_matches_i128(x in any::<i64>(), s in 0u8..=18, y in any::<i64>(), t in 0u8..=18) {
        let (a, b) = (FieldValue::scaled(x, s).unwrap(), FieldValue::scaled(y, t).unwrap());
        let (x, y) = (i128::from(x), i128::from(y));
        let m = s.max(t);
        let align = |v: i128, from: u8| v * 10i128.pow(u32::from(m - from));
        let exact = |v: i128, sc: u8| FieldValue::decimal(v, 38, sc).unwrap();
        prop_assert_eq!(a.checked_add(&b).unwrap(), exact(align(x, s) + align(y, t), m));
        prop_assert_eq!(a.checked_sub(&b).unwrap(), exact(align(x, s) - align(y, t), m));
        prop_assert_eq!(a.checked_mul(&b).unwrap(), exact(x * y, s + t));
        // Division: the quotient at scale max + 4, within half a unit of the true value.
        match a.checked_div(&b) {
            Err(e) => {
                prop_assert!(y == 0 || matches!(e, ArithmeticError::Overflow { .. }), "{:?}", e);
                prop_assert!(y == 0 || (x != 0 && m + 4 + t - s > 0));
                if y == 0 { prop_assert_eq!(e, ArithmeticError::DivisionByZero); }
            }
            Ok(q) => {
                let (FieldValue::ScaledInteger(..) | FieldValue::Decimal(_)) = q else {
                    return Err(TestCaseError::fail("not exact"));
                };
                let q_text = q.to_string();
                let (qv, qs) = parse_fixed(&q_text);
                prop_assert_eq!(qs, m + 4);
                // q * y / 10^(qs + t) vs x / 10^s: |q*y*10^s - x*10^(qs+t)| <= |y| * 10^s / 2.
                let lhs = qv.checked_mul(y).and_then(|v| v.checked_mul(10i128.pow(u32::from(s))));
                let rhs = 10i128.checked_pow(u32::from(qs + t)).and_then(|p| x.checked_mul(p));
                if let (Some(rhs), Some(lhs)) = (rhs, lhs) {
                    prop_assert!((lhs - rhs).unsigned_abs() * 2 <= y.unsigned_abs() * 10u128.pow(u32::from(s)));
                }
            }
        }
    }

    #[test]
    fn integer_arithmetic_matches_checked_i64(x in any::<i64>(), y in any::<i64>()) {
        let (a, b) = (FieldValue::Integer(x), FieldValue::Integer(y));
        let expect = |r: Option<i64>, op| r.map(FieldValue::Integer).ok_or(ArithmeticError::Overflow { op });
        prop_assert_eq!(a.checked_add(&b), expect(x.checked_add(y), '+'));
        prop_assert_eq!(a.checked_sub(&b), expect(x.checked_sub(y), '-'));
        prop_assert_eq!(a.checked_mul(&b), expect(x.checked_mul(y), '*'));
        if y != 0 {
            prop_assert_eq!(a.checked_div(&b), expect(x.checked_div(y), '/'));
        }
    }

    #[test]
    fn lossless_casts_round_trip(x in any::<i64>(), s in 0u8..=18, f in any::<f64>(), d in -(10i128.pow(38) - 1)..10i128.pow(38), ds in 0u8..=38) {
        let int = FieldValue::Integer(x);
        let dec = TargetType::decimal(38, 0).unwrap();
        prop_assert_eq!(int.cast_to(dec).unwrap().cast_to(TargetType::BigInt).unwrap(), int.clone());
        let varchar = TargetType::Varchar(None);
        prop_assert_eq!(int.cast_to(varchar).unwrap().cast_to(TargetType::BigInt).unwrap(), int);
        // Fixed-point -> text -> DECIMAL(18, s): same value and scale.
        let fixed = FieldValue::scaled(x, s).unwrap();
        let back = fixed.cast_to(varchar).unwrap().cast_to(TargetType::decimal(38, s).unwrap()).unwrap();
        prop_assert_eq!(back.to_string(), fixed.to_string());
        // A wide decimal through text.
        let wide = FieldValue::decimal(d, 38, ds).unwrap();
        let back = wide.cast_to(varchar).unwrap().cast_to(TargetType::decimal(38, ds).unwrap()).unwrap();
        prop_assert_eq!(back.to_string(), wide.to_string());
        // Floats through text, bit for bit (NaN aside).
        if !f.is_nan() {
            let back = FieldValue::Float(f).cast_to(varchar).unwrap().cast_to(TargetType::Float).unwrap();
            prop_assert!(matches!(back, FieldValue::Float(g) if g.to_bits() == f.to_bits()), "{:?} {:?}", f, back);
        }
        // Integers of 53 bits through a float.
        let small = FieldValue::Integer(x >> 11);
        prop_assert_eq!(small.cast_to(TargetType::Float).unwrap().cast_to(TargetType::BigInt).unwrap(), small);
        // A float with a short decimal form through DECIMAL and back.
        let short = (x % 1_000_000) as f64 / 64.0;
        let back = FieldValue::Float(short).cast_to(TargetType::decimal(38, 6).unwrap()).unwrap().cast_to(TargetType::Float).unwrap();
        prop_assert_eq!(back, FieldValue::Float(short));
    }

    #[test]
    fn timestamps_round_trip_through_text(v in -10i64.pow(15)..10i64.pow(15), z in prop::option::of(-1080i16..=1080)) {
        let zone = z.and_then(TimeZone::from_offset_minutes);
        let ts = FieldValue::Timestamp(v, TimeUnit::Microsecond, zone);
        let back = ts.cast_to(TargetType::Varchar(None)).unwrap().cast_to(TargetType::Timestamp(TimeUnit::Microsecond)).unwrap();
        prop_assert!(matches!(back, FieldValue::Timestamp(w, TimeUnit::Microsecond, bz) if w == v && bz == zone), "{:?} -> {:?}", ts, back);
    }
}

/// `"-12.345"` as (-12345, 3).
fn parse_fixed(t: &str) -> (i128, u8) {
    let (i, f) = t.split_once('.').unwrap_or((t, ""));
    let digits: String = format!("{i}{f}");
    (digits.parse().unwrap(), f.len() as u8)
}

proptest! {
    #[test]
    fn float_to_decimal_rounds_the_exact_value_half_away(f in -1e20f64..1e20, s in 0u8..=10, halves in -1000i64..1000) {
        for x in [f, halves as f64 / 8.0] {
            // Reference: the exact expansion, cut after `s` digits, up when the next is 5 or more.
            let text = format!("{:.1100}", x.abs());
            let (int, frac) = text.split_once('.').unwrap();
            let kept: i128 = format!("{int}{}", &frac[..usize::from(s)]).parse().unwrap();
            let up = frac.as_bytes()[usize::from(s)] >= b'5';
            let expect = (kept + i128::from(up)) * if x < 0.0 { -1 } else { 1 };
            let got = FieldValue::Float(x).cast_to(TargetType::decimal(38, s).unwrap()).unwrap();
            prop_assert_eq!(got.to_string(), FieldValue::decimal(expect, 38, s).unwrap().to_string(), "{:?} at {}", x, s);
        }
    }
}
