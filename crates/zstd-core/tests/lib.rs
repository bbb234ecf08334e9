//! zstd-core's integration tests: one binary, one module per concern.

mod support;

mod conformance;
mod encode;
mod libzstd;
mod mutation;
mod silesia;
mod stream;
