//! The command line, parsed the way the reference `zstd` tool reads it.
//!
//! Hand-written rather than with an argument-parsing crate: `zstd`'s grammar puts numbers inside
//! short-option clusters (`-19`, `-b1e19i3`, `-dT0`), which the usual parsers read as flags.

use std::ffi::OsString;
use std::path::PathBuf;

/// What the run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Compress,
    Decompress,
    /// Decompress and discard, to check integrity.
    Test,
    /// Print frame information.
    List,
    /// Compress and decompress in memory, timing both, per level.
    Bench,
}

/// Everything the command line sets.
#[derive(Debug)]
pub(crate) struct Options {
    pub(crate) mode: Mode,
    pub(crate) level: i32,
    pub(crate) ultra: bool,
    pub(crate) to_stdout: bool,
    pub(crate) output: Option<PathBuf>,
    pub(crate) force: bool,
    pub(crate) remove_source: bool,
    pub(crate) dictionary: Option<PathBuf>,
    /// `--check` / `--no-check`: write checksums when compressing (default on), verify them when
    /// decompressing (default on).
    pub(crate) checksum: bool,
    /// 0 silent, 1 errors only, 2 default, 3 and up more detail.
    pub(crate) verbosity: i32,
    /// `--memory=#`: the largest window a frame may ask for, as a log2.
    pub(crate) window_log_max: Option<u32>,
    pub(crate) bench_end: Option<i32>,
    /// Seconds to spend on each measurement (`-i#`; 0 runs each once).
    pub(crate) bench_seconds: u32,
    /// Inputs; `-` is standard input. Empty means standard input.
    pub(crate) inputs: Vec<OsString>,
}

/// What the command line asks for.
#[derive(Debug)]
pub(crate) enum Command {
    Run(Options),
    Help,
    Version,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            mode: Mode::Compress,
            level: zstd_core::DEFAULT_COMPRESSION_LEVEL,
            ultra: false,
            to_stdout: false,
            output: None,
            force: false,
            remove_source: false,
            dictionary: None,
            checksum: true,
            verbosity: 2,
            window_log_max: None,
            bench_end: None,
            bench_seconds: 3,
            inputs: Vec::new(),
        }
    }
}

/// Parses the arguments after the program name.
pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    let mut o = Options::default();
    let mut args = args.into_iter();
    let mut only_files = false;
    while let Some(arg) = args.next() {
        if only_files || arg == "-" || !arg.to_string_lossy().starts_with('-') {
            o.inputs.push(arg);
            continue;
        }
        let Some(text) = arg.to_str() else {
            return Err(format!("bad option: {}", arg.to_string_lossy()));
        };
        if text == "--" {
            only_files = true;
        } else if let Some(long) = text.strip_prefix("--") {
            if let Some(command) = long_option(long, &mut o)? {
                return Ok(command);
            }
        } else {
            let mut cluster = Cluster {
                chars: &text.as_bytes()[1..],
                at: 0,
            };
            while let Some(c) = cluster.next() {
                match c {
                    b'0'..=b'9' => {
                        cluster.at -= 1;
                        o.level = cluster.number(text)? as i32;
                    }
                    b'd' => o.mode = Mode::Decompress,
                    b'z' => o.mode = Mode::Compress,
                    b't' => o.mode = Mode::Test,
                    b'l' => o.mode = Mode::List,
                    b'c' => o.to_stdout = true,
                    b'f' => o.force = true,
                    b'k' => o.remove_source = false,
                    b'q' => o.verbosity -= 1,
                    b'v' => o.verbosity += 1,
                    b'h' | b'H' => return Ok(Command::Help),
                    b'V' => return Ok(Command::Version),
                    b'b' => {
                        o.mode = Mode::Bench;
                        if cluster.at_digit() {
                            o.level = cluster.number(text)? as i32;
                        }
                    }
                    b'e' => o.bench_end = Some(cluster.number(text)? as i32),
                    b'i' => o.bench_seconds = cluster.number(text)?,
                    // Threads: perfzstd compresses on one thread; accepted so scripts that pass
                    // `-T0` keep working.
                    b'T' => {
                        cluster.number(text)?;
                    }
                    b'o' | b'D' => {
                        if !cluster.done() {
                            return Err(format!("-{} must be followed by a file name", c as char));
                        }
                        let value = args
                            .next()
                            .ok_or_else(|| format!("-{} needs a file name", c as char))?;
                        if c == b'o' {
                            o.output = Some(PathBuf::from(value));
                        } else {
                            o.dictionary = Some(PathBuf::from(value));
                        }
                    }
                    _ => return Err(format!("unknown option -{} (in {text})", c as char)),
                }
            }
        }
    }
    Ok(Command::Run(o))
}

/// A long option without its `--`; `Some` when it ends parsing (help, version).
fn long_option(long: &str, o: &mut Options) -> Result<Option<Command>, String> {
    let (name, value) = match long.split_once('=') {
        Some((n, v)) => (n, Some(v)),
        None => (long, None),
    };
    let no_value = |o: &mut Options, f: fn(&mut Options)| {
        if value.is_some() {
            Err(format!("--{name} takes no value"))
        } else {
            f(o);
            Ok(None)
        }
    };
    match name {
        "compress" => no_value(o, |o| o.mode = Mode::Compress),
        "decompress" | "uncompress" => no_value(o, |o| o.mode = Mode::Decompress),
        "test" => no_value(o, |o| o.mode = Mode::Test),
        "list" => no_value(o, |o| o.mode = Mode::List),
        "stdout" => no_value(o, |o| o.to_stdout = true),
        "force" => no_value(o, |o| o.force = true),
        "rm" => no_value(o, |o| o.remove_source = true),
        "keep" => no_value(o, |o| o.remove_source = false),
        "check" => no_value(o, |o| o.checksum = true),
        "no-check" => no_value(o, |o| o.checksum = false),
        "quiet" => no_value(o, |o| o.verbosity -= 1),
        "verbose" => no_value(o, |o| o.verbosity += 1),
        "ultra" => no_value(o, |o| o.ultra = true),
        "help" => Ok(Some(Command::Help)),
        "version" => Ok(Some(Command::Version)),
        "fast" => {
            let n = match value {
                None => 1,
                Some(v) => parse_number(v, "--fast")?,
            };
            let min = -*zstd_core::compression_level_range().start();
            if n == 0 || n > min as u32 {
                return Err(format!(
                    "--fast={n}: perfzstd supports --fast=1 to --fast={min}"
                ));
            }
            o.level = -(n as i32);
            Ok(None)
        }
        "threads" => {
            parse_number(value.unwrap_or(""), "--threads")?;
            Ok(None)
        }
        "memory" => {
            let bytes = parse_size(value.unwrap_or(""))?;
            // The smallest power of two at least `bytes`.
            let log = 64 - bytes.saturating_sub(1).leading_zeros();
            if !(10..=31).contains(&log) {
                return Err(format!(
                    "--memory={}: the window limit must be between 1 KiB and 2 GiB",
                    value.unwrap_or("")
                ));
            }
            o.window_log_max = Some(log);
            Ok(None)
        }
        _ => Err(format!("unknown option --{name}")),
    }
}

/// The characters of one short-option cluster (`-b1e3i1`).
struct Cluster<'a> {
    chars: &'a [u8],
    at: usize,
}

impl Cluster<'_> {
    fn next(&mut self) -> Option<u8> {
        let c = *self.chars.get(self.at)?;
        self.at += 1;
        Some(c)
    }

    fn done(&self) -> bool {
        self.at == self.chars.len()
    }

    fn at_digit(&self) -> bool {
        self.chars.get(self.at).is_some_and(u8::is_ascii_digit)
    }

    /// The decimal number that follows.
    fn number(&mut self, whole: &str) -> Result<u32, String> {
        let start = self.at;
        while self.at_digit() {
            self.at += 1;
        }
        let digits = std::str::from_utf8(&self.chars[start..self.at]).expect("ASCII digits");
        parse_number(digits, whole)
    }
}

fn parse_number(digits: &str, option: &str) -> Result<u32, String> {
    if digits.is_empty() {
        return Err(format!("{option}: a number is missing"));
    }
    digits
        .parse()
        .map_err(|_| format!("{option}: {digits} is not a number in range"))
}

/// A size with an optional `K`/`KB`/`KiB`, `M`…, `G`… suffix (all binary, as in `zstd`).
fn parse_size(text: &str) -> Result<u64, String> {
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, suffix) = text.split_at(split);
    let n = u64::from(parse_number(digits, "--memory")?);
    let shift = match suffix {
        "" => 0,
        "K" | "KB" | "KiB" => 10,
        "M" | "MB" | "MiB" => 20,
        "G" | "GB" | "GiB" => 30,
        _ => return Err(format!("--memory={text}: unknown size suffix {suffix}")),
    };
    Ok(n << shift)
}

/// The `--help` text.
pub(crate) const HELP: &str = "\
Compress or decompress files in the Zstandard format (RFC 8878); perfzstd reads and writes
the same files as the reference `zstd` tool. Reads standard input when INPUT is `-` or absent.

Usage: perfzstd [OPTIONS...] [INPUT... | -] [-o OUTPUT]

Modes:
  (default)             compress INPUT to INPUT.zst
  -d, --decompress      decompress INPUT.zst to INPUT
  -t, --test            decompress and discard: check integrity
  -l, --list            print frame information (sizes, ratio, checksum)
  -b#                   benchmark levels # (default 3) to -e# on each INPUT (or generated text),
                        at least -i# seconds per measurement (default 3; 0: run once);
                        prints ratio and compress/decompress MB/s like `zstd -b`

Options:
  -#                    compression level, 1 to 19 (default 3); 20 to 22 need --ultra
  --fast[=#]            fast levels -1 to -7 (default 1)
  --ultra               allow levels 20 to 22
  -c, --stdout          write to standard output
  -o FILE               write to FILE (one INPUT only)
  -f, --force           overwrite existing files; read from or write compressed data to a terminal
  --rm                  remove INPUT after success (not with -c)
  -k, --keep            keep INPUT (default)
  -D DICT               compress or decompress with the dictionary DICT
  --check, --no-check   write a checksum when compressing, verify it when decompressing
                        (default: both on)
  --memory=#            decompress frames with windows up to # bytes (K, M, G suffixes;
                        default 128M)
  -T#, --threads=#      accepted for compatibility; perfzstd uses one thread
  -q, --quiet           less output (-qq: not even errors)
  -v, --verbose         more output
  -h, --help            this text
  -V, --version         the version
";
