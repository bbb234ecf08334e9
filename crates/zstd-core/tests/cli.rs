//! The `perfzstd` command-line tool, run as a user runs it: on files in a scratch directory,
//! through pipes, and against the reference `zstd` tool where it is installed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use zstd_core::frame::FrameHeader;

use crate::support::{binary, text};

/// A scratch directory, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(test: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("perfzstd-{test}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("scratch directory");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, data: &[u8]) -> PathBuf {
        let p = self.path(name);
        fs::write(&p, data).expect("write scratch file");
        p
    }

    fn read(&self, name: &str) -> Vec<u8> {
        fs::read(self.path(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// The names in the directory, sorted (hidden files included: a leftover temporary file
    /// shows here).
    fn names(&self) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(&self.0)
            .expect("read scratch directory")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Runs `perfzstd` in this directory.
    fn run(&self, args: &[&str]) -> Output {
        self.run_with_input(args, None)
    }

    fn run_with_input(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        run_in(&self.0, env!("CARGO_BIN_EXE_perfzstd"), args, stdin)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn run_in(dir: &Path, program: &str, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e}"));
    if let Some(data) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        let data = data.to_vec();
        // A thread, so a child that writes before reading everything cannot deadlock us.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&data);
        });
    }
    child.wait_with_output().expect("wait for the child")
}

#[track_caller]
fn assert_ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A failed run: exit status 1 and exactly one line on standard error, naming `about`.
#[track_caller]
fn assert_one_line_error(out: &Output, about: &str, what: &str) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{what}: stderr {stderr}");
    assert_eq!(
        stderr.lines().count(),
        1,
        "{what}: one line expected: {stderr}"
    );
    assert!(stderr.starts_with("perfzstd: "), "{what}: {stderr}");
    assert!(stderr.contains(about), "{what}: {about:?} not in {stderr}");
    stderr
}

/// Decodes with libzstd.
fn libzstd_decode(frame: &[u8]) -> Vec<u8> {
    zstd::stream::decode_all(frame).expect("libzstd decodes perfzstd's output")
}

#[test]
fn compresses_and_decompresses_files_keeping_sources() {
    let dir = Scratch::new("files");
    let data = text(300_000, 1);
    dir.write("a.txt", &data);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir.path("a.txt"), fs::Permissions::from_mode(0o640)).unwrap();
    }
    let out = dir.run(&["a.txt"]);
    assert_ok(&out, "compress");
    let frame = dir.read("a.txt.zst");
    assert_eq!(libzstd_decode(&frame), data);
    let header = FrameHeader::parse(&frame).unwrap();
    assert_eq!(header.content_size, Some(data.len() as u64));
    assert!(
        header.has_checksum,
        "checksums are on by default, as in zstd"
    );
    assert_eq!(dir.read("a.txt"), data, "the source is kept");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path("a.txt.zst"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o640,
            "the output has the input's permissions"
        );
    }
    // The summary line goes to standard error; nothing to standard output.
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("a.txt.zst"));

    fs::remove_file(dir.path("a.txt")).unwrap();
    assert_ok(&dir.run(&["-d", "a.txt.zst"]), "decompress");
    assert_eq!(dir.read("a.txt"), data);
    assert_ok(&dir.run(&["-d", "a.txt.zst", "-o", "b.txt"]), "-o");
    assert_eq!(dir.read("b.txt"), data);
    // `.tzst` names a compressed tar file.
    fs::rename(dir.path("a.txt.zst"), dir.path("x.tzst")).unwrap();
    assert_ok(&dir.run(&["-d", "x.tzst"]), ".tzst");
    assert_eq!(dir.read("x.tar"), data);
    assert_eq!(
        dir.names(),
        ["a.txt", "b.txt", "x.tar", "x.tzst"],
        "no other files"
    );
}

#[test]
fn levels_fast_levels_and_ultra() {
    let dir = Scratch::new("levels");
    let data = text(200_000, 2);
    dir.write("in", &data);
    let mut sizes = Vec::new();
    for (args, name) in [
        (vec!["--fast=5", "-o", "f5"], "f5"),
        (vec!["--fast", "-o", "f1"], "f1"),
        (vec!["-1", "-o", "l1"], "l1"),
        (vec!["-o", "l3"], "l3"),
        (vec!["-9", "-o", "l9"], "l9"),
        (vec!["-19", "-o", "l19"], "l19"),
        (vec!["--ultra", "-22", "-o", "l22"], "l22"),
    ] {
        let mut full = args.clone();
        full.push("in");
        assert_ok(&dir.run(&full), name);
        let frame = dir.read(name);
        assert_eq!(libzstd_decode(&frame), data, "{name}");
        sizes.push((name, frame.len()));
    }
    // Each level's output is exactly what the library makes at that level.
    for (name, level) in [("f5", -5), ("f1", -1), ("l1", 1), ("l3", 3), ("l9", 9)] {
        let mut enc = zstd_core::stream::write::Encoder::new(Vec::new(), level).unwrap();
        enc.include_checksum(true).unwrap();
        enc.set_pledged_src_size(Some(data.len() as u64)).unwrap();
        enc.write_all(&data).unwrap();
        assert_eq!(
            dir.read(name),
            enc.finish().unwrap(),
            "{name} = level {level}"
        );
    }
    assert!(
        sizes[0].1 > sizes[2].1 && sizes[2].1 > sizes[4].1,
        "{sizes:?}"
    );
    // Above 19 without --ultra: a warning, and level 19.
    let out = dir.run(&["-22", "in", "-o", "no-ultra"]);
    assert_ok(&out, "-22 without --ultra");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--ultra"));
    assert_eq!(dir.read("no-ultra"), dir.read("l19"));
    // Out of range: a clear error.
    assert_one_line_error(
        &dir.run(&["--fast=9", "in"]),
        "--fast=1 to --fast=7",
        "--fast=9",
    );
}

#[test]
fn standard_input_and_output() {
    let dir = Scratch::new("stdio");
    let data = binary(150_000, 3);
    // No file: standard input to standard output.
    let out = dir.run_with_input(&[], Some(&data));
    assert_ok(&out, "stdin to stdout");
    assert_eq!(libzstd_decode(&out.stdout), data);
    assert!(out.stderr.is_empty(), "quiet when writing to stdout");
    let header = FrameHeader::parse(&out.stdout).unwrap();
    assert_eq!(header.content_size, None, "the size of a pipe is not known");
    let out = dir.run_with_input(&["-d"], Some(&out.stdout));
    assert_ok(&out, "decompress stdin");
    assert_eq!(out.stdout, data);
    // `-` and `-c`.
    let frame = zstd::bulk::compress(&data, 5).unwrap();
    let out = dir.run_with_input(&["-dc", "-"], Some(&frame));
    assert_ok(&out, "-dc -");
    assert_eq!(out.stdout, data);
    dir.write("f", &data);
    let out = dir.run(&["-c", "-7", "f"]);
    assert_ok(&out, "-c");
    assert_eq!(libzstd_decode(&out.stdout), data);
    assert_eq!(dir.names(), ["f"], "-c writes no file");
    // stdin to a named file.
    let out = dir.run_with_input(&["-o", "g.zst"], Some(&data));
    assert_ok(&out, "stdin to -o");
    assert_eq!(libzstd_decode(&dir.read("g.zst")), data);
}

#[test]
fn errors_are_one_line_and_leave_no_partial_output() {
    let dir = Scratch::new("errors");
    let data = text(400_000, 4);
    dir.write("a", &data);
    assert_ok(&dir.run(&["-q", "a"]), "compress");
    let frame = dir.read("a.zst");

    // Missing input.
    assert_one_line_error(&dir.run(&["missing"]), "missing", "missing file");
    // Existing output without -f: refused, untouched; with -f: replaced.
    dir.write("a.zst", b"keep me");
    assert_one_line_error(&dir.run(&["a"]), "already exists", "existing output");
    assert_eq!(dir.read("a.zst"), b"keep me");
    assert_ok(&dir.run(&["-f", "a"]), "-f");
    assert_eq!(dir.read("a.zst"), frame);

    // Corrupt data in the middle (the frame's blocks are decoded into the output before the
    // damage is found), a truncated frame, a bad checksum, an empty file, not zstd at all.
    let mut corrupt = frame.clone();
    let mid = corrupt.len() / 2;
    for b in &mut corrupt[mid..mid + 64] {
        *b ^= 0x5A;
    }
    dir.write("corrupt.zst", &corrupt);
    dir.write("truncated.zst", &frame[..frame.len() - 100]);
    let mut bad_sum = frame.clone();
    *bad_sum.last_mut().unwrap() ^= 1;
    dir.write("badsum.zst", &bad_sum);
    dir.write("empty.zst", b"");
    dir.write("text.zst", b"this is not a zstd frame");
    let before = dir.names();
    for (name, about) in [
        ("corrupt.zst", "corrupt.zst: "),
        ("truncated.zst", "truncated.zst: input ends inside"),
        ("badsum.zst", "checksum"),
        ("empty.zst", "unexpected end of file"),
        ("text.zst", "unsupported format"),
    ] {
        assert_one_line_error(&dir.run(&["-d", name]), about, name);
        assert_eq!(
            dir.names(),
            before,
            "{name}: no output file, no temporary file"
        );
        assert_one_line_error(&dir.run(&["-t", name]), about, name);
    }
    // An existing output file survives a failed -f run.
    dir.write("truncated", b"old");
    assert_one_line_error(&dir.run(&["-df", "truncated.zst"]), "input ends", "-df");
    assert_eq!(dir.read("truncated"), b"old");
    // --no-check skips the checksum.
    let out = dir.run(&["-d", "--no-check", "badsum.zst", "-c"]);
    assert_ok(&out, "--no-check");
    assert_eq!(out.stdout, data);
    // A name without .zst cannot be decompressed to a derived name.
    assert_one_line_error(&dir.run(&["-d", "a"]), "unknown suffix", "no suffix");
    // Several inputs: the good ones are done, the run fails.
    fs::remove_file(dir.path("a.zst")).unwrap();
    dir.write("b", &data[..1000]);
    let out = dir.run(&["-q", "a", "nothere", "b"]);
    assert_one_line_error(&out, "nothere", "one missing among three");
    assert_eq!(libzstd_decode(&dir.read("a.zst")), data);
    assert_eq!(libzstd_decode(&dir.read("b.zst")), &data[..1000]);
    // Bad usage.
    assert_one_line_error(&dir.run(&["-y", "a"]), "unknown option -y", "-y");
    assert_one_line_error(&dir.run(&["-o", "x", "a", "b"]), "-o takes one input", "-o");
    // Quiet twice: not even errors.
    let out = dir.run(&["-qq", "nothere"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stderr.is_empty());
}

#[test]
fn remove_source_and_checksum_switch() {
    let dir = Scratch::new("rm");
    let data = text(50_000, 5);
    dir.write("a", &data);
    assert_ok(&dir.run(&["--rm", "--no-check", "a"]), "--rm");
    assert_eq!(dir.names(), ["a.zst"]);
    let frame = dir.read("a.zst");
    assert!(!FrameHeader::parse(&frame).unwrap().has_checksum);
    assert_ok(&dir.run(&["-d", "--rm", "a.zst"]), "-d --rm");
    assert_eq!(dir.names(), ["a"]);
    assert_eq!(dir.read("a"), data);
    // With -c the source stays (as in zstd).
    let out = dir.run(&["--rm", "-c", "a"]);
    assert_ok(&out, "--rm -c");
    assert_eq!(dir.names(), ["a"]);
}

#[test]
fn dictionaries() {
    let dir = Scratch::new("dict");
    let samples: Vec<Vec<u8>> = (0..300)
        .map(|i| text(400 + i % 200, 100 + i as u64))
        .collect();
    let dict = zstd::dict::from_samples(&samples, 4096).expect("train a dictionary");
    dir.write("dict", &dict);
    let data = text(3000, 7);
    dir.write("a", &data);
    assert_ok(&dir.run(&["-q", "-D", "dict", "a"]), "-D compress");
    let frame = dir.read("a.zst");
    let mut dec = zstd::bulk::Decompressor::with_dictionary(&dict).unwrap();
    assert_eq!(dec.decompress(&frame, data.len()).unwrap(), data);
    let out = dir.run(&["-d", "-D", "dict", "-c", "a.zst"]);
    assert_ok(&out, "-D decompress");
    assert_eq!(out.stdout, data);
    // Without the dictionary: an error that says what is wrong.
    assert_one_line_error(&dir.run(&["-d", "-c", "a.zst"]), "dictionary", "no -D");
    assert_one_line_error(
        &dir.run(&["-D", "nodict", "a"]),
        "nodict",
        "missing dictionary",
    );
}

#[test]
fn test_and_list() {
    let dir = Scratch::new("list");
    let data = text(100_000, 8);
    // Two frames with a skippable frame between them; the second without a checksum.
    let mut file = zstd_core::bulk::compress(&data, 3).unwrap();
    file.extend_from_slice(&[0x5A, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    file.extend_from_slice(&zstd::bulk::compress(&data[..5000], 1).unwrap());
    dir.write("two.zst", &file);
    let out = dir.run(&["-t", "two.zst"]);
    assert_ok(&out, "-t");
    let out = dir.run(&["-l", "two.zst"]);
    assert_ok(&out, "-l");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    let fields: Vec<&str> = lines[1].split_whitespace().collect();
    let ratio = 105_000.0 / file.len() as f64;
    let size = |n: usize| format!("{:.2}", n as f64 / 1024.0);
    assert_eq!(
        fields,
        [
            "2",
            "1",
            &size(file.len()),
            "KiB",
            &size(105_000),
            "KiB",
            &format!("{ratio:.3}"),
            "Mixed",
            "two.zst"
        ]
    );
    let out = dir.run(&["-lv", "two.zst"]);
    assert_ok(&out, "-lv");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("# Zstandard Frames: 2\n"), "{stdout}");
    assert!(stdout.contains("# Skippable Frames: 1\n"), "{stdout}");
    assert!(stdout.contains(&format!(
        "Compressed Size: {} KiB ({} B)",
        size(file.len()),
        file.len()
    )));
    // A frame without a content size (streaming): decompressed size unknown.
    dir.write("stream.zst", &zstd_core::encode_all(&data[..], 1).unwrap());
    let out = dir.run(&["-l", "stream.zst", "two.zst"]);
    assert_ok(&out, "-l two files");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.lines().nth(1).unwrap().contains("unknown"),
        "{stdout}"
    );
    assert!(
        stdout.lines().last().unwrap().contains("2 files"),
        "{stdout}"
    );
    // Truncated and foreign files.
    dir.write("cut.zst", &file[..file.len() - 10]);
    assert_one_line_error(&dir.run(&["-l", "cut.zst"]), "truncated", "-l truncated");
    dir.write("no.zst", b"hello");
    assert_one_line_error(&dir.run(&["-l", "no.zst"]), "not a zstd file", "-l foreign");
}

#[test]
fn benchmark_mode() {
    let dir = Scratch::new("bench");
    let data = text(200_000, 9);
    dir.write("sample", &data);
    let out = dir.run(&["-b1", "-e3", "-i0", "sample"]);
    assert_ok(&out, "-b1 -e3");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    for (line, level) in lines.iter().zip(1..) {
        let expected = zstd_core::bulk::Compressor::new(level)
            .unwrap()
            .compress(&data)
            .unwrap()
            .len();
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields[0], format!("{level}#sample"), "{line}");
        assert_eq!(fields[2], data.len().to_string(), "{line}");
        assert_eq!(fields[4], expected.to_string(), "{line}");
        assert_eq!(
            fields[5],
            format!("(x{:.3}),", data.len() as f64 / expected as f64)
        );
        assert!(line.ends_with("MB/s") && fields[7] == "MB/s,", "{line}");
    }
    // The cluster form zstd accepts.
    let out = dir.run(&["-b2e2i0", "sample"]);
    assert_ok(&out, "-b2e2i0");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .starts_with(" 2#sample")
    );
}

/// Where the reference `zstd` tool is installed: each tool decodes the other's files.
#[test]
fn interoperates_with_the_reference_tool() {
    let reference = Command::new("zstd").arg("-V").output();
    if !reference.is_ok_and(|o| o.status.success()) {
        eprintln!("interoperates_with_the_reference_tool: skipped, `zstd` is not installed");
        return;
    }
    let dir = Scratch::new("interop");
    let data = [text(500_000, 10), binary(300_000, 11)].concat();
    dir.write("in", &data);
    for level in ["--fast=3", "-1", "-3", "-9", "-19"] {
        let ours = format!("ours{level}.zst");
        let theirs = format!("theirs{level}.zst");
        assert_ok(&dir.run(&["-q", level, "in", "-o", &ours]), &ours);
        let out = run_in(&dir.0, "zstd", &["-q", "-d", "-c", &ours], None);
        assert_ok(&out, "zstd -d on perfzstd's file");
        assert_eq!(out.stdout, data, "zstd -d {ours}");
        let out = run_in(&dir.0, "zstd", &["-q", level, "in", "-o", &theirs], None);
        assert_ok(&out, "zstd compress");
        let out = dir.run(&["-d", "-c", &theirs]);
        assert_ok(&out, "perfzstd -d on zstd's file");
        assert_eq!(out.stdout, data, "perfzstd -d {theirs}");
        // Both tools report the same sizes and checksum kind.
        let a = dir.run(&["-l", &ours]);
        let b = run_in(&dir.0, "zstd", &["-l", &ours], None);
        assert_ok(&a, "perfzstd -l");
        assert_ok(&b, "zstd -l");
        let row = |o: &Output| -> Vec<String> {
            let s = String::from_utf8_lossy(&o.stdout).into_owned();
            let line = s.lines().nth(1).unwrap_or_default().to_string();
            let f: Vec<String> = line.split_whitespace().map(str::to_string).collect();
            // Frames, skips, ratio, check, name.
            vec![
                f[0].clone(),
                f[1].clone(),
                f[f.len() - 3].clone(),
                f[f.len() - 2].clone(),
            ]
        };
        assert_eq!(row(&a), row(&b), "{ours}: -l rows");
    }
    // Dictionaries across tools.
    let samples: Vec<Vec<u8>> = (0..200).map(|i| text(500, 300 + i)).collect();
    dir.write("dict", &zstd::dict::from_samples(&samples, 4096).unwrap());
    let small = text(2000, 12);
    dir.write("small", &small);
    assert_ok(
        &dir.run(&["-q", "-D", "dict", "small", "-o", "small.ours"]),
        "-D",
    );
    let out = run_in(
        &dir.0,
        "zstd",
        &["-q", "-d", "-c", "-D", "dict", "small.ours"],
        None,
    );
    assert_ok(&out, "zstd -d -D");
    assert_eq!(out.stdout, small);
    let out = run_in(
        &dir.0,
        "zstd",
        &["-q", "-D", "dict", "small", "-o", "small.theirs"],
        None,
    );
    assert_ok(&out, "zstd -D");
    let out = dir.run(&["-d", "-c", "-D", "dict", "small.theirs"]);
    assert_ok(&out, "perfzstd -d -D");
    assert_eq!(out.stdout, small);
}
