//! Layout, construction and sharing of values.

use std::sync::Arc;

use fieldvalue::{FieldValue, Fields, INLINE_STR_MAX, Str, TimeZone};

#[test]
fn sizes() {
    // The figure the docs state; see `FieldValue`'s docs for why not 16.
    assert_eq!(std::mem::size_of::<FieldValue>(), 24);
    assert_eq!(std::mem::size_of::<Option<FieldValue>>(), 24);
    assert_eq!(std::mem::size_of::<Str>(), 16);
    assert_eq!(INLINE_STR_MAX, 15);
}

#[test]
fn short_strings_are_inline_and_long_ones_shared() {
    let short = "x".repeat(INLINE_STR_MAX);
    let long = "y".repeat(INLINE_STR_MAX + 1);
    assert!(Str::new(&short).is_inline());
    assert!(!Str::new(&long).is_inline());
    assert!(Str::from(short.clone()).is_inline());
    assert!(!Str::from(long.clone()).is_inline());
    assert_eq!(Str::new(&short).as_str(), short);
    assert_eq!(Str::new(&long).as_str(), long);
    assert_eq!(Str::new("").as_str(), "");
    // Multi-byte text at the boundary.
    let s = "éééééééa"; // 15 bytes
    assert!(Str::new(s).is_inline());
    assert_eq!(&*Str::new(s), s);
}

#[test]
fn cloning_shares_long_strings_and_containers() {
    let long = FieldValue::string(&"z".repeat(100));
    let copy = long.clone();
    let (FieldValue::String(a), FieldValue::String(b)) = (&long, &copy) else {
        unreachable!()
    };
    assert!(std::ptr::eq(a.as_str().as_ptr(), b.as_str().as_ptr()));

    let arr = FieldValue::array([FieldValue::Integer(1), long.clone()]);
    let FieldValue::Array(inner) = &arr else {
        unreachable!()
    };
    assert_eq!(Arc::strong_count(inner), 1);
    let copy = arr.clone();
    assert_eq!(Arc::strong_count(inner), 2);
    drop(copy);
    assert_eq!(Arc::strong_count(inner), 1);
}

#[test]
fn checked_constructors() {
    assert!(FieldValue::scaled(1, 18).is_some());
    assert!(FieldValue::scaled(1, 19).is_none());
    assert!(FieldValue::decimal(10i128.pow(38) - 1, 38, 0).is_some());
    assert!(FieldValue::decimal(10i128.pow(38), 38, 0).is_none());
    assert!(FieldValue::decimal(999, 3, 2).is_some());
    assert!(FieldValue::decimal(1000, 3, 2).is_none());
    assert!(FieldValue::decimal(1, 3, 4).is_none());
    assert!(FieldValue::decimal(1, 0, 0).is_none());
    assert!(FieldValue::decimal(1, 39, 0).is_none());
    assert_eq!(
        TimeZone::from_offset_minutes(18 * 60).map(|z| z.offset_minutes()),
        Some(1080)
    );
    assert!(TimeZone::from_offset_minutes(18 * 60 + 1).is_none());
}

#[test]
fn fields_switch_to_an_index_past_the_threshold_and_keep_order() {
    let mut f = Fields::default();
    for i in 0..=Fields::INDEX_THRESHOLD {
        assert!(!f.is_indexed(), "indexed at {i} fields");
        f.insert(format!("f{i}").into(), FieldValue::Integer(i as i64));
    }
    assert!(f.is_indexed());
    f.insert("last".into(), FieldValue::Null);
    // Lookups agree with the pair order both before and after the switch.
    for (i, (name, v)) in f.iter().enumerate() {
        assert_eq!(f.position(name), Some(i));
        assert_eq!(f.get(name), Some(v));
    }
    assert_eq!(f.get("f3"), Some(&FieldValue::Integer(3)));
    assert_eq!(f.get("missing"), None);
    // Replacing keeps the position and returns the old value.
    assert_eq!(
        f.insert("f3".into(), FieldValue::Boolean(true)),
        Some(FieldValue::Integer(3))
    );
    assert_eq!(f.position("f3"), Some(3));
    assert_eq!(f.len(), Fields::INDEX_THRESHOLD + 2);
}

#[test]
fn struct_and_map_duplicates_replace() {
    let s = FieldValue::structure([("a", FieldValue::Integer(1)), ("a", FieldValue::Integer(2))]);
    assert_eq!(s.to_string(), "{a: 2}");
}

#[test]
fn type_names() {
    assert_eq!(FieldValue::Null.type_name(), "NULL");
    assert_eq!(FieldValue::scaled(1, 1).unwrap().type_name(), "DECIMAL");
    assert_eq!(FieldValue::string("a").type_name(), "VARCHAR");
    assert_eq!(FieldValue::from(None::<i64>), FieldValue::Null);
    assert_eq!(FieldValue::from(Some(3i64)), FieldValue::Integer(3));
}
