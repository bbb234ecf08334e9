//! The value type of a streaming SQL engine, its record and a keyed table: cheap to clone,
//! exact in its arithmetic, fast to stream.
//!
//! ```
//! use fieldvalue::{FieldValue, Schema, StreamRecord, TargetType};
//!
//! let schema = Schema::new(["symbol", "price", "quantity"]).unwrap();
//! let trade = StreamRecord::new(
//!     schema,
//!     [
//!         FieldValue::string("AAPL"),
//!         FieldValue::scaled(1_892_500, 4).unwrap(), // 189.2500
//!         FieldValue::Integer(300),
//!     ],
//! )
//! .unwrap();
//!
//! let quantity = trade.get_by_name("quantity").unwrap();
//! let quantity = quantity.cast_to("DECIMAL(18,4)".parse::<TargetType>().unwrap()).unwrap();
//! let notional = trade.get(1).unwrap().checked_mul(&quantity).unwrap();
//! assert_eq!(notional.to_string(), "56775.00000000");
//! // Fixed-point values of different scales are equal, and hash alike, when their values are.
//! assert_eq!(notional, FieldValue::scaled(5_677_500, 2).unwrap());
//! // A record clone is reference-count bumps.
//! let copy = trade.clone();
//! assert_eq!(copy.to_string(), "{symbol: AAPL, price: 189.2500, quantity: 300}");
//! ```
//!
//! - [`FieldValue`]: NULL, booleans, integers, floats, fixed-point ([`FieldValue::ScaledInteger`])
//!   and wide ([`Decimal`]) decimals, strings ([`Str`]: inline up to 15 bytes, shared beyond),
//!   dates, timestamps, intervals, arrays, structs and maps ([`Fields`]). `Display` writes
//!   without allocating; arithmetic is checked ([`ArithmeticError`]); `Eq`/`Hash` group
//!   numerically equal values together, `Ord` is a total order, [`FieldValue::sql_eq`] and
//!   [`FieldValue::sql_cmp`] are SQL's three-valued comparisons.
//! - [`TargetType`] and [`FieldValue::cast_to`]: casts to a type parsed once, with typed
//!   [`CastError`]s instead of saturation or defaults.
//! - [`Schema`], [`StreamRecord`], [`RecordMeta`]: shared field names, records whose clone is
//!   reference-count bumps.
//! - [`Table`]: records by key with O(1) lookup, batched streaming and a rayon `par_transform`.
//! - With the `serde` feature, `Serialize`/`Deserialize` that keep every value's type.
//!
//! Figures (against a baseline of the clone-heavy design this replaces) are in the README and
//! `docs/BENCHMARKS.md`: `cargo xtask bench --filter fieldvalue`.

#![forbid(unsafe_code)]

pub mod arith;
mod cast;
mod cmp;
mod display;
mod fields;
mod record;
#[cfg(feature = "serde")]
mod serde_impl;
mod table;
mod value;

pub use arith::ArithmeticError;
pub use cast::{CastError, TargetType, TypeParseError};
pub use cmp::NullOrder;
pub use fields::Fields;
pub use record::{Headers, RecordError, RecordMeta, Schema, StreamRecord};
pub use table::Table;
pub use value::{
    Decimal, FieldValue, INLINE_STR_MAX, Interval, MAX_DECIMAL_PRECISION, MAX_SCALED_SCALE, Str,
    TimeUnit, TimeZone,
};

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
