//! The conformance data in `../shared/conformance`: decodecorpus frames (with and without a
//! dictionary) and the zstd project's golden files.

use zstd_core::bulk::Decompressor;

use crate::support::{files, shared};

const CAPACITY: usize = 1 << 30;

fn decode_corpus(dir: &str, dict: Option<&[u8]>) -> (usize, Vec<String>) {
    let Some(root) = shared(dir) else {
        return (0, vec![]);
    };
    let base = root.join("conformance").join(dir);
    let mut ctx = match dict {
        Some(d) => Decompressor::with_dictionary(d).unwrap(),
        None => Decompressor::new().unwrap(),
    };
    let mut failures = Vec::new();
    let frames = files(&base.join("frames"));
    for f in &frames {
        let name = f.file_stem().unwrap().to_string_lossy().into_owned();
        let want = std::fs::read(base.join("orig").join(&name)).unwrap();
        let src = std::fs::read(f).unwrap();
        match ctx.decompress(&src, CAPACITY) {
            Ok(got) if got == want => {}
            Ok(got) => failures.push(format!(
                "{name}: wrong output ({} bytes, want {})",
                got.len(),
                want.len()
            )),
            Err(e) => failures.push(format!("{name}: {e}")),
        }
        match stream(&src, dict) {
            Ok(got) if got == want => {}
            Ok(_) => failures.push(format!("{name}: streaming: wrong output")),
            Err(e) => failures.push(format!("{name}: streaming: {e}")),
        }
    }
    (frames.len(), failures)
}

/// Decodes with the streaming reader, 4 KiB at a time, any window allowed.
fn stream(src: &[u8], dict: Option<&[u8]>) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let input = std::io::BufReader::with_capacity(4096, src);
    let mut d = match dict {
        Some(d) => zstd_core::stream::read::Decoder::with_dictionary(input, d)?,
        None => zstd_core::stream::read::Decoder::with_buffer(input)?,
    };
    d.window_log_max(zstd_core::WINDOW_LOG_MAX)?;
    let mut out = Vec::new();
    d.read_to_end(&mut out)?;
    Ok(out)
}

#[test]
fn decodecorpus_frames() {
    let (n, failures) = decode_corpus("decodecorpus", None);
    eprintln!(
        "decodecorpus: {} of {n} frames decoded byte-exact",
        n - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn decodecorpus_frames_with_dictionary() {
    let Some(root) = shared("decodecorpus-dict") else {
        return;
    };
    let dict = std::fs::read(root.join("conformance/decodecorpus-dict/dictionary")).unwrap();
    let (n, failures) = decode_corpus("decodecorpus-dict", Some(&dict));
    eprintln!(
        "decodecorpus-dict: {} of {n} frames decoded byte-exact",
        n - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn golden_decompression() {
    let Some(root) = shared("golden_decompression") else {
        return;
    };
    let dir = root.join("conformance/golden/golden-decompression");
    let mut ctx = Decompressor::new().unwrap();
    let mut count = 0;
    for f in files(&dir)
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "zst"))
    {
        let want = std::fs::read(f.with_extension("")).unwrap();
        let got = ctx
            .decompress(&std::fs::read(f).unwrap(), CAPACITY)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(got, want, "{}", f.display());
        let streamed = stream(&std::fs::read(f).unwrap(), None)
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(streamed, want, "{}: streaming", f.display());
        count += 1;
    }
    eprintln!("golden-decompression: {count} files decoded byte-exact");
    assert!(count > 0);
}

#[test]
fn golden_decompression_errors() {
    let Some(root) = shared("golden_decompression_errors") else {
        return;
    };
    let dir = root.join("conformance/golden/golden-decompression-errors");
    let mut ctx = Decompressor::new().unwrap();
    let mut count = 0;
    for f in files(&dir) {
        let src = std::fs::read(&f).unwrap();
        let r = ctx.decompress(&src, CAPACITY);
        assert!(
            r.is_err(),
            "{} must be rejected, decoded to {} bytes",
            f.display(),
            r.unwrap().len()
        );
        assert!(
            stream(&src, None).is_err(),
            "{}: streaming must reject it",
            f.display()
        );
        eprintln!(
            "{}: rejected: {}",
            f.file_name().unwrap().to_string_lossy(),
            r.unwrap_err()
        );
        count += 1;
    }
    assert!(count > 0);
}
