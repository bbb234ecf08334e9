//! zstd-core's integration tests: one binary, one module per concern.

mod alloc_count;
mod support;

mod cli;
mod conformance;
mod encode;
mod libzstd;
mod mutation;
mod silesia;
mod stream;
