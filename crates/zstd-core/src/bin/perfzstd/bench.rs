//! `-b#`: in-memory benchmark of compression and decompression per level, printed like
//! `zstd -b` (one line per file and level: sizes, ratio, compress and decompress MB/s).

use std::ffi::OsString;
use std::time::{Duration, Instant};

use zstd_core::bulk::{Compressor, Decompressor, compress_bound};

use crate::args::Options;
use crate::{Log, describe};

/// Benchmarks each input (generated text when there is none) at each level; `false` when one
/// failed.
pub(crate) fn run(o: &Options, dictionary: Option<&[u8]>, log: Log) -> bool {
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    if o.inputs.is_empty() {
        inputs.push(("Synthetic text".into(), synthetic(10_000_000)));
    }
    let mut ok = true;
    for input in &o.inputs {
        let name = display(input);
        if input == "-" {
            log.error("", "-b needs files (it does not read standard input)");
            return false;
        }
        match std::fs::read(input) {
            Ok(data) => inputs.push((name, data)),
            Err(e) => {
                log.error(&name, &describe(&e));
                ok = false;
            }
        }
    }
    let first = o.level;
    let last = o.bench_end.unwrap_or(first).max(first);
    let seconds = Duration::from_secs(u64::from(o.bench_seconds));
    for (name, data) in &inputs {
        for level in first..=last {
            match bench_one(data, level, dictionary, seconds) {
                Ok(r) => println!(
                    "{level:>2}#{name:<18}:{:>10} ->{:>10} (x{:.3}),{:>7.1} MB/s,{:>7.1} MB/s",
                    data.len(),
                    r.compressed,
                    data.len() as f64 / r.compressed as f64,
                    mb_per_s(data.len(), r.compress),
                    mb_per_s(data.len(), r.decompress),
                ),
                Err(message) => {
                    log.error(name, &format!("level {level}: {message}"));
                    ok = false;
                }
            }
        }
    }
    ok
}

fn display(input: &OsString) -> String {
    let path = std::path::Path::new(input);
    path.file_name()
        .unwrap_or(input)
        .to_string_lossy()
        .into_owned()
}

/// One file at one level: the compressed size and the best time per run of each direction.
struct Result {
    compressed: usize,
    compress: f64,
    decompress: f64,
}

fn bench_one(
    data: &[u8],
    level: i32,
    dictionary: Option<&[u8]>,
    seconds: Duration,
) -> std::result::Result<Result, String> {
    let mut compressor = match dictionary {
        Some(d) => Compressor::with_dictionary(level, d),
        None => Compressor::new(level),
    }
    .map_err(|e| describe(&e))?;
    let mut decompressor = match dictionary {
        Some(d) => Decompressor::with_dictionary(d),
        None => Decompressor::new(),
    }
    .map_err(|e| describe(&e))?;
    let mut compressed = vec![0u8; compress_bound(data.len())];
    let mut compressed_len = 0;
    let compress = best_time(seconds, || {
        compressed_len = compressor.compress_to_buffer(data, &mut compressed)?;
        Ok(())
    })
    .map_err(|e| describe(&e))?;
    let frame = &compressed[..compressed_len];
    let mut decoded = vec![0u8; data.len()];
    let mut decoded_len = 0;
    let decompress = best_time(seconds, || {
        decoded_len = decompressor.decompress_to_buffer(frame, &mut decoded)?;
        Ok(())
    })
    .map_err(|e| describe(&e))?;
    if decoded[..decoded_len] != *data {
        return Err("the decompressed data differs from the input".into());
    }
    Ok(Result {
        compressed: compressed_len,
        compress,
        decompress,
    })
}

/// The best seconds per run of `f` over batches for at least `budget` (one run when the budget
/// is zero). Batches grow until each lasts 50 ms, so small inputs are timed over many runs.
fn best_time(budget: Duration, mut f: impl FnMut() -> std::io::Result<()>) -> std::io::Result<f64> {
    let start = Instant::now();
    let mut batch = 1u32;
    let mut best = f64::INFINITY;
    loop {
        let t = Instant::now();
        for _ in 0..batch {
            f()?;
        }
        let elapsed = t.elapsed();
        best = best.min(elapsed.as_secs_f64() / f64::from(batch));
        if start.elapsed() >= budget {
            return Ok(best);
        }
        if elapsed < Duration::from_millis(50) {
            batch = batch.saturating_mul(2);
        }
    }
}

fn mb_per_s(bytes: usize, seconds: f64) -> f64 {
    if seconds > 0.0 {
        bytes as f64 / seconds / 1e6
    } else {
        f64::INFINITY
    }
}

/// Text-like sample data for a benchmark without files: words of skewed frequency, so it
/// compresses about as well as English prose.
fn synthetic(n: usize) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "the",
        "of",
        "and",
        "to",
        "in",
        "a",
        "is",
        "that",
        "for",
        "it",
        "as",
        "was",
        "with",
        "be",
        "by",
        "on",
        "not",
        "he",
        "this",
        "are",
        "or",
        "his",
        "from",
        "at",
        "which",
        "but",
        "have",
        "an",
        "had",
        "they",
        "you",
        "were",
        "their",
        "one",
        "all",
        "we",
        "compression",
        "frame",
        "block",
        "literal",
        "sequence",
        "offset",
        "window",
        "entropy",
        "dictionary",
        "benchmark",
        "throughput",
        "decoder",
        "encoder",
        "table",
    ];
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut out = Vec::with_capacity(n + 16);
    let mut line = 0;
    while out.len() < n {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Squaring a uniform draw skews it towards the frequent words at the front.
        let u = (state >> 40) as f64 / (1u64 << 24) as f64;
        let word = WORDS[((u * u) * WORDS.len() as f64) as usize];
        out.extend_from_slice(word.as_bytes());
        line += word.len() + 1;
        if line > 72 {
            out.push(b'\n');
            line = 0;
        } else {
            out.push(b' ');
        }
    }
    out.truncate(n);
    out
}
