//! valvec32's integration tests: one binary, one module per concern.

mod support;

mod api;
mod growth;
mod limits;
mod model;
mod panic_safety;
mod zst;
