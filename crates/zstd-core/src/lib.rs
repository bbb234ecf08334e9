//! A pure-Rust Zstandard (RFC 8878) implementation.
//!
//! This crate is a placeholder laid down by the workspace foundation; the decoder and encoder
//! issues fill it. It will mirror the `zstd` crate's API so a user can switch by changing the import:
//!
//! - `decode_all` / `encode_all`, `bulk::{compress, decompress, Compressor, Decompressor}`,
//!   `stream::{read, write}::{Encoder, Decoder}`.
//! - Frame inspection (`frame::FrameHeader`, `frame_content_size`, `find_frame_compressed_size`).
//! - A typed `Error` naming what is wrong with bad input, convertible into `std::io::Error`.
//! - Levels -7 to 22 following libzstd's parameter table, dictionaries, checksums.
//! - A `perfzstd` command-line tool interoperable with the reference `zstd` tool.
//!
//! Its hot loops use the kernels of `zstd-simd`; see `docs/ARCHITECTURE.md`.
