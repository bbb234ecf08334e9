//! fieldvalue's integration tests: one binary, a module per area.

mod bugs;
mod casts;
mod display;
mod laws;
mod records;
mod serde_json_roundtrip;
mod values;
