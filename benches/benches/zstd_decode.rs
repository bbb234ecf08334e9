//! zstd-core's decoder against libzstd (C, through the `zstd` crate) and ruzstd (Rust), each
//! decoding whole frames into a buffer, measured in the same run.
//!
//! Ids (suite `zstd-core`):
//! - `decode/silesia/{file}/l{1,3,19}/{peer}`: the Silesia files in `../shared/corpus/silesia`
//!   (compressed there at level 19; levels 1 and 3 are made here with libzstd, checksum on as
//!   the `zstd` command does).
//! - `decode/generated/{text,binary,repetitive}/l{1,3,19}/{peer}`: the default corpus, 4 MiB
//!   of each kind; with `--corpus DIR`, `decode/corpus/{file}/l{level}/{peer}` for every file in
//!   DIR instead.
//! - `decode/small/{1,4,16,64}k/{reused,fresh}/{peer}`: one frame of each kind at that size (level 3),
//!   decoded with a context kept from call to call, or a new context each call.
//!
//! Every frame is checked to decode byte-exact with all three decoders before it is timed.

use std::cell::RefCell;
use std::rc::Rc;

use perfkit_benches::data::{binary, repetitive, text};
use perfkit_benches::{Suite, files, iter};

/// The frames one iteration decodes, and the bytes they decode to.
struct Work {
    frames: Vec<Vec<u8>>,
    originals: Vec<Vec<u8>>,
}

impl Work {
    fn total(&self) -> usize {
        self.originals.iter().map(Vec::len).sum()
    }

    /// Panics unless every decoder gives back the originals: a benchmark of a wrong answer
    /// measures nothing.
    fn verify(&self, id: &str) {
        for (frame, want) in self.frames.iter().zip(&self.originals) {
            let ours = zstd_core::bulk::decompress(frame, want.len()).expect("zstd-core decodes");
            assert!(&ours == want, "{id}: zstd-core output differs");
            let c = zstd::bulk::decompress(frame, want.len()).expect("libzstd decodes");
            assert!(&c == want, "{id}: libzstd output differs");
            let mut out = vec![0; want.len()];
            let n = ruzstd::decoding::FrameDecoder::new()
                .decode_all(frame, &mut out)
                .expect("ruzstd decodes");
            assert!(out[..n] == want[..], "{id}: ruzstd output differs");
        }
    }
}

/// Which context each call uses.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Reused,
    Fresh,
}

/// Adds `{id}/libzstd` and `{id}/ruzstd`: ours against each peer on `work`. Both sides of a
/// comparison write into one shared output buffer, so neither gets luckier memory placement.
fn compare(suite: &mut Suite, id: &str, work: impl FnOnce() -> Work, ctx: Context) {
    let (vs_c, vs_rust) = (format!("{id}/libzstd"), format!("{id}/ruzstd"));
    if !suite.selects(&vs_c) && !suite.selects(&vs_rust) {
        return; // not in this run: skip the set-up
    }
    let work = work();
    work.verify(id);
    let total = work.total() as u64;
    let largest = work.originals.iter().map(Vec::len).max().unwrap_or(0);
    let frames = Rc::new(work.frames);
    let out = Rc::new(RefCell::new(vec![0u8; largest]));

    let ours = || {
        let (frames, out) = (Rc::clone(&frames), Rc::clone(&out));
        let mut dec = zstd_core::bulk::Decompressor::new().expect("context");
        iter(move || {
            let mut out = out.borrow_mut();
            let mut n = 0;
            for f in frames.iter() {
                if ctx == Context::Fresh {
                    dec = zstd_core::bulk::Decompressor::new().expect("context");
                }
                n += dec.decompress_to_buffer(f, &mut out).expect("decodes");
            }
            n
        })
    };
    let libzstd = {
        let (frames, out) = (Rc::clone(&frames), Rc::clone(&out));
        let mut dec = zstd::bulk::Decompressor::new().expect("context");
        iter(move || {
            let mut out = out.borrow_mut();
            let mut n = 0;
            for f in frames.iter() {
                if ctx == Context::Fresh {
                    dec = zstd::bulk::Decompressor::new().expect("context");
                }
                n += dec.decompress_to_buffer(f, &mut out[..]).expect("decodes");
            }
            n
        })
    };
    let ruzstd = {
        let (frames, out) = (Rc::clone(&frames), Rc::clone(&out));
        let mut dec = ruzstd::decoding::FrameDecoder::new();
        iter(move || {
            let mut out = out.borrow_mut();
            let mut n = 0;
            for f in frames.iter() {
                if ctx == Context::Fresh {
                    dec = ruzstd::decoding::FrameDecoder::new();
                }
                n += dec.decode_all(f, &mut out).expect("decodes");
            }
            n
        })
    };
    suite
        .time(&vs_c, ("zstd-core", ours()), ("libzstd", libzstd))
        .bytes(total);
    suite
        .time(&vs_rust, ("zstd-core", ours()), ("ruzstd", ruzstd))
        .bytes(total);
}

/// Compresses `data` with libzstd at `level`, checksum on (as the `zstd` command does).
fn compress(data: &[u8], level: i32) -> Vec<u8> {
    let mut c = zstd::bulk::Compressor::new(level).expect("level");
    c.include_checksum(true).expect("checksum");
    c.compress(data).expect("compresses")
}

/// The default corpus: one input of each kind.
fn generated(n: usize, seed: u64) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("text", text(n, seed)),
        ("binary", binary(n, seed + 1)),
        ("repetitive", repetitive(n, seed + 2)),
    ]
}

fn silesia(suite: &mut Suite) {
    let Some(shared) = perfkit_benches::shared_dir() else {
        // Each benchmark is reported as skipped, so its gate is not judged.
        for file in ["dickens", "mr", "nci", "ooffice", "xml"] {
            for level in [1, 3, 19] {
                for peer in ["libzstd", "ruzstd"] {
                    suite.skip(
                        &format!("decode/silesia/{file}/l{level}/{peer}"),
                        "../shared (the Silesia corpus) not found beside the project",
                    );
                }
            }
        }
        return;
    };
    let dir = shared.join("corpus/silesia");
    for path in files(&dir) {
        let stem = path
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let at_19 = std::fs::read(&path).expect("readable");
        let original = std::cell::OnceCell::new();
        for level in [1, 3, 19] {
            let work = || {
                let original: &Vec<u8> = original
                    .get_or_init(|| zstd::decode_all(&at_19[..]).expect("a valid .zst file"));
                let frame = if level == 19 {
                    at_19.clone()
                } else {
                    compress(original, level)
                };
                Work {
                    frames: vec![frame],
                    originals: vec![original.clone()],
                }
            };
            compare(
                suite,
                &format!("decode/silesia/{stem}/l{level}"),
                work,
                Context::Reused,
            );
        }
    }
}

fn corpus(suite: &mut Suite) {
    let given = perfkit_benches::corpus_dir();
    if given.is_some() {
        // The user's files replace the default corpus: its rows are reported as skipped, so
        // their gates are not judged.
        for kind in ["text", "binary", "repetitive"] {
            for level in [1, 3, 19] {
                for peer in ["libzstd", "ruzstd"] {
                    suite.skip(
                        &format!("decode/generated/{kind}/l{level}/{peer}"),
                        "--corpus replaces the generated corpus",
                    );
                }
            }
        }
    }
    let inputs: Vec<(String, String, Vec<u8>)> = match given {
        Some(dir) => files(&dir)
            .into_iter()
            .map(|p| {
                let name = p
                    .file_name()
                    .expect("file name")
                    .to_string_lossy()
                    .into_owned();
                let data = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                ("corpus".to_owned(), name, data)
            })
            .collect(),
        None => generated(4 << 20, 40)
            .into_iter()
            .map(|(name, data)| ("generated".to_owned(), name.to_owned(), data))
            .collect(),
    };
    for (group, name, data) in inputs {
        for level in [1, 3, 19] {
            let work = || Work {
                frames: vec![compress(&data, level)],
                originals: vec![data.clone()],
            };
            compare(
                suite,
                &format!("decode/{group}/{name}/l{level}"),
                work,
                Context::Reused,
            );
        }
    }
}

fn small(suite: &mut Suite) {
    for kib in [1usize, 4, 16, 64] {
        let inputs: Vec<Vec<u8>> = generated(kib << 10, 50 + kib as u64)
            .into_iter()
            .map(|(_, d)| d)
            .collect();
        for (ctx, name) in [(Context::Reused, "reused"), (Context::Fresh, "fresh")] {
            let work = || Work {
                frames: inputs
                    .iter()
                    .map(|d| zstd::bulk::compress(d, 3).expect("compresses"))
                    .collect(),
                originals: inputs.clone(),
            };
            compare(suite, &format!("decode/small/{kib}k/{name}"), work, ctx);
        }
    }
}

fn main() {
    let mut suite = Suite::new("zstd-core");
    silesia(&mut suite);
    corpus(&mut suite);
    small(&mut suite);
    suite.main();
}
