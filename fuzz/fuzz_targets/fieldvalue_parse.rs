//! Any text through fieldvalue's parsers: SQL type names, casts of strings to every target,
//! and JSON values. No panic; whatever parses displays and round-trips.
#![no_main]

use fieldvalue::{FieldValue, TargetType, TimeUnit};
use libfuzzer_sys::fuzz_target;

const TARGETS: [TargetType; 9] = [
    TargetType::Boolean,
    TargetType::Int,
    TargetType::BigInt,
    TargetType::Float,
    TargetType::Decimal { precision: 18, scale: 4 },
    TargetType::Decimal { precision: 38, scale: 20 },
    TargetType::Varchar(Some(8)),
    TargetType::Date,
    TargetType::Timestamp(TimeUnit::Nanosecond),
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(t) = TargetType::parse(text) {
        assert_eq!(TargetType::parse(&t.to_string()), Ok(t));
    }
    let value = FieldValue::string(text);
    for target in TARGETS {
        if let Ok(v) = value.cast_to(target) {
            // A parsed value's text parses back to an equal value.
            let again = FieldValue::string(&v.to_string()).cast_to(target);
            if !matches!(target, TargetType::Float) {
                assert_eq!(again.as_ref(), Ok(&v), "{text:?} as {target}");
            }
        }
    }
    if let Ok(v) = serde_json::from_str::<FieldValue>(text) {
        let json = serde_json::to_string(&v).unwrap();
        let back: FieldValue = serde_json::from_str(&json).unwrap();
        assert_eq!(format!("{back:?}"), format!("{v:?}"));
    }
});
