//! The value type of a streaming SQL engine: cheap to clone, exact in its arithmetic, fast to stream.
//!
//! This crate is a placeholder laid down by the workspace foundation; the fieldvalue issue fills it.
//! It will hold:
//!
//! - `FieldValue`: NULL, booleans, integers, floats, fixed-point and wide decimals, shared strings,
//!   dates, timestamps, intervals, arrays, structs and maps, with exact `Display`, checked
//!   arithmetic, SQL three-valued comparison and `Eq`/`Hash`/`Ord` fit for grouping and sorting.
//! - `TargetType` and `cast_to`: casts to a type parsed once from its SQL name, with typed errors.
//! - `Schema`, `StreamRecord` and `Table`: shared schemas, records whose clone is reference-count
//!   bumps, and batched streaming of a keyed table.
//!
//! See `docs/ARCHITECTURE.md`.

#![forbid(unsafe_code)]
