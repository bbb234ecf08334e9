//! zstd-core's encoder against libzstd (C, through the `zstd` crate) at the same level, and
//! ruzstd's `Fastest` level for reference, measured in the same run.
//!
//! Ids (suite `zstd-core`):
//! - `encode/silesia/{file}/l{level}/libzstd`: compress time of one Silesia file (from
//!   `../shared/corpus/silesia`) at levels -5, -1, 1, 2, 3, 5, 7, 9 and 12, each side with a
//!   context kept from call to call, checksums off on both.
//! - `encode-size/silesia/{file}/l{level}/libzstd`: the frames' sizes (our bytes / libzstd's).
//! - `encode/silesia/{file}/l1-vs-fastest/ruzstd` and `encode-size/.../l1-vs-fastest/ruzstd`:
//!   our level 1 against ruzstd's `Fastest`, time and size.
//! - `encode/small/{1,4,16,64}k/l{1,3}/reused/libzstd`: the default corpus's three kinds (text,
//!   binary, repetitive) at that size, each compressed with a context kept from call to call.
//! - `encode/incompressible/l{1,3}/libzstd`: 1 MiB of random bytes (every block stored raw by
//!   both), where the work is deciding that nothing pays.
//!
//! Every frame is checked to decode byte-exact with libzstd before anything is timed.

use std::cell::RefCell;
use std::rc::Rc;

use perfkit_benches::data::{binary, random_bytes, repetitive, text};
use perfkit_benches::{Suite, files, iter};

/// The levels of the table.
const LEVELS: [i32; 9] = [-5, -1, 1, 2, 3, 5, 7, 9, 12];

/// Ours and libzstd's contexts at `level`, with the same settings (no checksum, content size
/// on: libzstd's defaults).
fn contexts(level: i32) -> (zstd_core::bulk::Compressor, zstd::bulk::Compressor<'static>) {
    let mut ours = zstd_core::bulk::Compressor::new(level).expect("level");
    ours.include_checksum(false).expect("setting");
    let theirs = zstd::bulk::Compressor::new(level).expect("level");
    (ours, theirs)
}

/// Panics unless `frame` decodes to `data` with libzstd: a benchmark of a wrong answer measures
/// nothing.
fn verify(id: &str, frame: &[u8], data: &[u8]) {
    let back = zstd::bulk::decompress(frame, data.len()).expect("libzstd decodes our frame");
    assert!(back == data, "{id}: our frame decodes to other bytes");
}

/// Adds the time and size comparisons of compressing `inputs` at `level`, ours against libzstd.
fn against_libzstd(
    suite: &mut Suite,
    id: &str,
    size_id: &str,
    inputs: &Rc<Vec<Vec<u8>>>,
    level: i32,
) {
    let total: usize = inputs.iter().map(Vec::len).sum();
    if suite.selects(size_id) {
        let (mut ours, mut theirs) = contexts(level);
        let mut our_bytes = 0;
        let mut their_bytes = 0;
        for data in inputs.iter() {
            let frame = ours.compress(data).expect("compresses");
            verify(id, &frame, data);
            our_bytes += frame.len();
            their_bytes += theirs.compress(data).expect("compresses").len();
        }
        suite.value(
            size_id,
            "bytes",
            ("zstd-core", move || our_bytes as f64),
            ("libzstd", move || their_bytes as f64),
        );
    }
    if !suite.selects(id) {
        return;
    }
    let (mut ours, mut theirs) = contexts(level);
    for data in inputs.iter() {
        verify(id, &ours.compress(data).expect("compresses"), data);
    }
    // Both sides write into one shared buffer, so neither gets luckier memory placement.
    let largest = inputs.iter().map(Vec::len).max().unwrap_or(0);
    let out = Rc::new(RefCell::new(vec![
        0u8;
        zstd_core::bulk::compress_bound(largest)
            + 1024
    ]));
    let ours_run = {
        let (inputs, out) = (Rc::clone(inputs), Rc::clone(&out));
        iter(move || {
            let mut out = out.borrow_mut();
            inputs
                .iter()
                .map(|d| ours.compress_to_buffer(d, &mut out).expect("fits"))
                .sum::<usize>()
        })
    };
    let theirs_run = {
        let (inputs, out) = (Rc::clone(inputs), Rc::clone(&out));
        iter(move || {
            let mut out = out.borrow_mut();
            inputs
                .iter()
                .map(|d| theirs.compress_to_buffer(d, &mut out[..]).expect("fits"))
                .sum::<usize>()
        })
    };
    suite
        .time(id, ("zstd-core", ours_run), ("libzstd", theirs_run))
        .bytes(total as u64);
}

/// Our level 1 against ruzstd's `Fastest`: time and size.
fn against_ruzstd(suite: &mut Suite, id: &str, size_id: &str, data: &Rc<Vec<u8>>) {
    let fastest = || {
        ruzstd::encoding::compress_to_vec(&data[..], ruzstd::encoding::CompressionLevel::Fastest)
    };
    let (mut ours, _) = contexts(1);
    if suite.selects(size_id) {
        let frame = ours.compress(data).expect("compresses");
        verify(id, &frame, data);
        let theirs = fastest();
        verify(id, &theirs, data);
        let (a, b) = (frame.len() as f64, theirs.len() as f64);
        suite.value(
            size_id,
            "bytes",
            ("zstd-core l1", move || a),
            ("ruzstd fastest", move || b),
        );
    }
    if !suite.selects(id) {
        return;
    }
    let ours_run = {
        let data = Rc::clone(data);
        let mut out = vec![0u8; zstd_core::bulk::compress_bound(data.len())];
        iter(move || ours.compress_to_buffer(&data, &mut out).expect("fits"))
    };
    let theirs_run = {
        let data = Rc::clone(data);
        iter(move || {
            ruzstd::encoding::compress_to_vec(
                &data[..],
                ruzstd::encoding::CompressionLevel::Fastest,
            )
            .len()
        })
    };
    suite
        .time(
            id,
            ("zstd-core l1", ours_run),
            ("ruzstd fastest", theirs_run),
        )
        .bytes(data.len() as u64);
}

fn silesia(suite: &mut Suite) {
    let Some(shared) = perfkit_benches::shared_dir() else {
        // Each benchmark is reported as skipped, so its gate is not judged.
        for file in ["dickens", "mr", "nci", "ooffice", "xml"] {
            let mut ids: Vec<String> = LEVELS
                .iter()
                .flat_map(|l| {
                    [
                        format!("encode/silesia/{file}/l{l}/libzstd"),
                        format!("encode-size/silesia/{file}/l{l}/libzstd"),
                    ]
                })
                .collect();
            ids.push(format!("encode/silesia/{file}/l1-vs-fastest/ruzstd"));
            ids.push(format!("encode-size/silesia/{file}/l1-vs-fastest/ruzstd"));
            for id in ids {
                suite.skip(
                    &id,
                    "../shared (the Silesia corpus) not found beside the project",
                );
            }
        }
        return;
    };
    for path in files(&shared.join("corpus/silesia")) {
        let stem = path
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let wanted = LEVELS.iter().any(|l| {
            suite.selects(&format!("encode/silesia/{stem}/l{l}/libzstd"))
                || suite.selects(&format!("encode-size/silesia/{stem}/l{l}/libzstd"))
        }) || suite.selects(&format!("encode/silesia/{stem}/l1-vs-fastest/ruzstd"))
            || suite.selects(&format!("encode-size/silesia/{stem}/l1-vs-fastest/ruzstd"));
        if !wanted {
            continue; // skip decoding the file
        }
        let at_19 = std::fs::read(&path).expect("readable");
        let original = zstd::decode_all(&at_19[..]).expect("a valid .zst file");
        let inputs = Rc::new(vec![original]);
        for level in LEVELS {
            against_libzstd(
                suite,
                &format!("encode/silesia/{stem}/l{level}/libzstd"),
                &format!("encode-size/silesia/{stem}/l{level}/libzstd"),
                &inputs,
                level,
            );
        }
        let data = Rc::new(inputs[0].clone());
        against_ruzstd(
            suite,
            &format!("encode/silesia/{stem}/l1-vs-fastest/ruzstd"),
            &format!("encode-size/silesia/{stem}/l1-vs-fastest/ruzstd"),
            &data,
        );
    }
}

fn small(suite: &mut Suite) {
    for kib in [1usize, 4, 16, 64] {
        let n = kib << 10;
        let seed = 70 + kib as u64;
        let inputs = Rc::new(vec![
            text(n, seed),
            binary(n, seed + 1),
            repetitive(n, seed + 2),
        ]);
        for level in [1, 3] {
            let id = format!("encode/small/{kib}k/l{level}/reused/libzstd");
            let size_id = format!("encode-size/small/{kib}k/l{level}/libzstd");
            against_libzstd(suite, &id, &size_id, &inputs, level);
        }
    }
}

fn incompressible(suite: &mut Suite) {
    let inputs = Rc::new(vec![random_bytes(1 << 20, 91)]);
    for level in [1, 3] {
        let id = format!("encode/incompressible/l{level}/libzstd");
        let size_id = format!("encode-size/incompressible/l{level}/libzstd");
        against_libzstd(suite, &id, &size_id, &inputs, level);
    }
}

fn main() {
    let mut suite = Suite::new("zstd-core");
    silesia(&mut suite);
    small(&mut suite);
    incompressible(&mut suite);
    suite.main();
}
