//! `perfzstd`: a Zstandard command-line tool built on zstd-core, interoperable with the
//! reference `zstd` tool (the same options for the common tasks, the same files in and out).
//!
//! `perfzstd FILE` writes `FILE.zst`, `perfzstd -d FILE.zst` writes `FILE`, `-c` writes to
//! standard output, `-l` lists frames, `-t` checks integrity and `-b#` benchmarks levels; run
//! `perfzstd --help` for the whole list. Output files are written under a temporary name and
//! renamed when complete, so an error never leaves a partial output file behind.

mod args;
mod bench;
mod list;

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, BufReader, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use args::{Command, Mode, Options};

/// The copy buffer: one block, so each read feeds the encoder or decoder a whole block.
const BUFFER: usize = 128 * 1024;

fn main() -> ExitCode {
    let command = match args::parse(std::env::args_os().skip(1)) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("perfzstd: {e} (see perfzstd --help)");
            return ExitCode::FAILURE;
        }
    };
    match command {
        Command::Help => {
            print!("{}", args::HELP);
            ExitCode::SUCCESS
        }
        Command::Version => {
            println!(
                "perfzstd {} (zstd-core, pure-Rust Zstandard, RFC 8878)",
                env!("CARGO_PKG_VERSION")
            );
            ExitCode::SUCCESS
        }
        Command::Run(o) => {
            if run(o) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Messages on standard error, as loud as the verbosity allows.
#[derive(Clone, Copy)]
pub(crate) struct Log {
    verbosity: i32,
}

impl Log {
    pub(crate) fn error(self, what: &str, message: &str) {
        if self.verbosity >= 1 {
            if what.is_empty() {
                eprintln!("perfzstd: {message}");
            } else {
                eprintln!("perfzstd: {what}: {message}");
            }
        }
    }

    pub(crate) fn info(self, level: i32, message: &str) {
        if self.verbosity >= level {
            eprintln!("{message}");
        }
    }
}

/// Runs the parsed command line; `false` when anything failed (each failure already printed).
fn run(mut o: Options) -> bool {
    let log = Log {
        verbosity: o.verbosity,
    };
    let max = *zstd_core::compression_level_range().end();
    if o.level > 19 && !o.ultra {
        log.info(
            1,
            &format!(
                "perfzstd: warning: level {} needs --ultra; using level 19",
                o.level
            ),
        );
        o.level = 19;
    } else if o.level > max {
        log.info(
            1,
            &format!(
                "perfzstd: warning: level {} is above {max}; using {max}",
                o.level
            ),
        );
        o.level = max;
    }
    let dictionary = match &o.dictionary {
        None => None,
        Some(path) => match fs::read(path) {
            Ok(d) => Some(d),
            Err(e) => {
                log.error(&path.display().to_string(), &describe(&e));
                return false;
            }
        },
    };
    let dictionary = dictionary.as_deref();
    match o.mode {
        Mode::List => return list::run(&o.inputs, log),
        Mode::Bench => return bench::run(&o, dictionary, log),
        Mode::Compress | Mode::Decompress | Mode::Test => {}
    }
    if o.inputs.is_empty() {
        o.inputs.push(OsString::from("-"));
    }
    if o.output.is_some() && o.inputs.len() > 1 {
        log.error("", "-o takes one input file");
        return false;
    }
    // Like `zstd`: the per-file summary is not printed when the data goes to standard output.
    let to_stdout = o.to_stdout || (o.output.is_none() && o.inputs.iter().any(|i| i == "-"));
    let log = Log {
        verbosity: if to_stdout && o.verbosity == 2 {
            1
        } else {
            o.verbosity
        },
    };
    let mut ok = true;
    for input in &o.inputs {
        if let Err(message) = process(input, &o, dictionary, log) {
            log.error(&display_name(input), &message);
            ok = false;
        }
    }
    ok
}

/// Where the input comes from.
enum Source {
    Stdin,
    File {
        path: PathBuf,
        file: File,
        /// The length of a regular file (the frame header states it).
        len: Option<u64>,
        permissions: fs::Permissions,
        modified: Option<std::time::SystemTime>,
    },
}

/// Where the output goes.
enum Destination {
    Stdout,
    /// `-t`: decoded and dropped.
    Discard,
    /// A new file, written as `temp` and renamed to `path` when complete.
    NewFile {
        path: PathBuf,
        temp: PathBuf,
    },
    /// An existing file that is not a regular file (`/dev/null`, a pipe): written in place.
    Special {
        path: PathBuf,
    },
}

/// Compresses, decompresses or tests one input.
fn process(input: &OsStr, o: &Options, dictionary: Option<&[u8]>, log: Log) -> Result<(), String> {
    let source = open_source(input, o)?;
    let destination = destination(&source, o)?;
    let name = display_name(input);
    let (writer, file): (Box<dyn Write>, Option<File>) = match &destination {
        Destination::Stdout => (
            Box::new(BufWriter::with_capacity(BUFFER, io::stdout().lock())),
            None,
        ),
        Destination::Discard => (Box::new(io::sink()), None),
        Destination::NewFile { temp, .. } => {
            let f = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(temp)
                .map_err(|e| format!("cannot create {}: {}", temp.display(), describe(&e)))?;
            let handle = f.try_clone().map_err(|e| describe(&e))?;
            (Box::new(BufWriter::with_capacity(BUFFER, f)), Some(handle))
        }
        Destination::Special { path } => {
            let f = fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| format!("cannot open {}: {}", path.display(), describe(&e)))?;
            (Box::new(BufWriter::with_capacity(BUFFER, f)), None)
        }
    };
    let result = transform(&source, writer, o, dictionary);
    let (read, written) = match result {
        Ok(sizes) => sizes,
        Err(e) => {
            if let Destination::NewFile { temp, .. } = &destination {
                // Best effort: the error being reported matters more than a failed cleanup.
                let _ = fs::remove_file(temp);
            }
            return Err(e);
        }
    };
    if let (Destination::NewFile { path, temp }, Some(file)) = (&destination, file) {
        finish_file(&source, file, temp, path).inspect_err(|_| {
            let _ = fs::remove_file(temp);
        })?;
    }
    let out_name = match &destination {
        Destination::Stdout => "stdout".to_string(),
        Destination::Discard => String::new(),
        Destination::NewFile { path, .. } | Destination::Special { path } => {
            path.display().to_string()
        }
    };
    match o.mode {
        Mode::Compress => {
            let percent = if read == 0 {
                0.0
            } else {
                written as f64 * 100.0 / read as f64
            };
            log.info(
                2,
                &format!(
                    "{name:<20}:{percent:6.2}%   ({} => {}, {out_name})",
                    size(read),
                    size(written)
                ),
            );
        }
        Mode::Decompress => log.info(2, &format!("{name:<20}: {written} bytes")),
        _ => log.info(2, &format!("{name:<20}: {written} bytes, OK")),
    }
    if o.remove_source
        && !matches!(destination, Destination::Stdout | Destination::Discard)
        && let Source::File { path, .. } = &source
    {
        fs::remove_file(path).map_err(|e| format!("cannot remove it: {}", describe(&e)))?;
    }
    Ok(())
}

fn open_source(input: &OsStr, o: &Options) -> Result<Source, String> {
    if input == "-" {
        if io::stdin().is_terminal() && !o.force {
            return Err("standard input is a terminal; not reading from it (use -f)".into());
        }
        return Ok(Source::Stdin);
    }
    let path = PathBuf::from(input);
    let meta = fs::metadata(&path).map_err(|e| describe(&e))?;
    if meta.is_dir() {
        return Err("is a directory; ignored".into());
    }
    let file = File::open(&path).map_err(|e| describe(&e))?;
    Ok(Source::File {
        path,
        file,
        len: meta.is_file().then_some(meta.len()),
        permissions: meta.permissions(),
        modified: meta.modified().ok(),
    })
}

/// Picks the output: standard output, `-o`, or the input's name with `.zst` added or removed.
fn destination(source: &Source, o: &Options) -> Result<Destination, String> {
    if o.mode == Mode::Test {
        return Ok(Destination::Discard);
    }
    let path = match (&o.output, source) {
        (Some(p), _) => p.clone(),
        (None, Source::Stdin) => PathBuf::new(),
        (None, Source::File { .. }) if o.to_stdout => PathBuf::new(),
        (None, Source::File { path, .. }) => derived_name(path, o.mode)?,
    };
    if path.as_os_str().is_empty() {
        if o.mode == Mode::Compress && io::stdout().is_terminal() && !o.force {
            return Err(
                "standard output is a terminal; not writing compressed data to it (use -f or -o)"
                    .into(),
            );
        }
        return Ok(Destination::Stdout);
    }
    match fs::metadata(&path) {
        Ok(meta) if !meta.is_file() => {
            if meta.is_dir() {
                return Err(format!("{} is a directory", path.display()));
            }
            Ok(Destination::Special { path })
        }
        Ok(_) => {
            if !o.force {
                return Err(format!(
                    "{} already exists; not overwritten (use -f)",
                    path.display()
                ));
            }
            if let Source::File { path: from, .. } = source
                && same_file(from, &path)
            {
                return Err(format!("{} is the input itself", path.display()));
            }
            Ok(Destination::NewFile {
                temp: temp_name(&path),
                path,
            })
        }
        Err(_) => Ok(Destination::NewFile {
            temp: temp_name(&path),
            path,
        }),
    }
}

/// `FILE` → `FILE.zst` when compressing; `FILE.zst` → `FILE` and `FILE.tzst` → `FILE.tar` when
/// decompressing.
fn derived_name(path: &Path, mode: Mode) -> Result<PathBuf, String> {
    let mut name = path.as_os_str().to_owned();
    if mode == Mode::Compress {
        name.push(".zst");
        return Ok(PathBuf::from(name));
    }
    match path.extension().and_then(OsStr::to_str) {
        Some("zst") => return Ok(path.with_extension("")),
        Some("tzst") => return Ok(path.with_extension("tar")),
        _ => {}
    }
    Err("unknown suffix (.zst or .tzst expected); name the output with -o".into())
}

/// A hidden name beside `path` for the file being written.
fn temp_name(path: &Path) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(path.file_name().unwrap_or(OsStr::new("out")));
    name.push(format!(".perfzstd-{}.tmp", std::process::id()));
    path.with_file_name(name)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Gives the finished output the input's permissions and modification time, then its name.
fn finish_file(source: &Source, file: File, temp: &Path, path: &Path) -> Result<(), String> {
    if let Source::File {
        permissions,
        modified,
        ..
    } = source
    {
        // Like `zstd`, best effort: a file system without permissions or times still gets
        // the data.
        let _ = file.set_permissions(permissions.clone());
        if let Some(modified) = modified {
            let _ = file.set_modified(*modified);
        }
    }
    drop(file);
    fs::rename(temp, path)
        .map_err(|e| format!("cannot rename to {}: {}", path.display(), describe(&e)))
}

/// Runs the mode's transformation from `source` into `writer`; returns (bytes read, bytes
/// written).
fn transform(
    source: &Source,
    writer: Box<dyn Write>,
    o: &Options,
    dictionary: Option<&[u8]>,
) -> Result<(u64, u64), String> {
    let (reader, length): (Box<dyn Read + '_>, Option<u64>) = match source {
        Source::Stdin => (Box::new(io::stdin().lock()), None),
        Source::File { file, len, .. } => (Box::new(file), *len),
    };
    let mut reader = Counting {
        inner: reader,
        count: 0,
    };
    let mut writer = Counting {
        inner: writer,
        count: 0,
    };
    let result = if o.mode == Mode::Compress {
        compress(&mut reader, &mut writer, length, o, dictionary)
    } else {
        decompress(&mut reader, &mut writer, o, dictionary)
    };
    result.map_err(|e| describe(&e))?;
    if o.mode != Mode::Compress && reader.count == 0 {
        return Err("unexpected end of file (the input is empty)".into());
    }
    Ok((reader.count, writer.count))
}

fn compress(
    reader: &mut impl Read,
    writer: &mut impl Write,
    length: Option<u64>,
    o: &Options,
    dictionary: Option<&[u8]>,
) -> io::Result<()> {
    use zstd_core::stream::write::Encoder;
    let mut encoder = match dictionary {
        Some(d) => Encoder::with_dictionary(writer, o.level, d)?,
        None => Encoder::new(writer, o.level)?,
    };
    encoder.include_checksum(o.checksum)?;
    encoder.set_pledged_src_size(length)?;
    copy(reader, &mut encoder)?;
    encoder.finish()?.flush()
}

fn decompress(
    reader: &mut impl Read,
    writer: &mut impl Write,
    o: &Options,
    dictionary: Option<&[u8]>,
) -> io::Result<()> {
    use zstd_core::stream::read::Decoder;
    let buffered = BufReader::with_capacity(BUFFER, reader);
    let mut decoder = match dictionary {
        Some(d) => Decoder::with_dictionary(buffered, d)?,
        None => Decoder::with_buffer(buffered)?,
    };
    decoder.set_verify_checksum(o.checksum);
    if let Some(log) = o.window_log_max {
        decoder.window_log_max(log)?;
    }
    copy(&mut decoder, writer)?;
    writer.flush()
}

/// `io::copy` with a block-sized buffer.
fn copy(reader: &mut impl Read, writer: &mut impl Write) -> io::Result<()> {
    let mut buf = vec![0u8; BUFFER];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        writer.write_all(&buf[..n])?;
    }
}

/// A reader or writer that counts the bytes through it.
struct Counting<T> {
    inner: T,
    count: u64,
}

impl<T: Read> Read for Counting<T> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        Ok(n)
    }
}

impl<T: Write> Write for Counting<T> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A one-line description of an error, with a hint where there is one.
pub(crate) fn describe(e: &io::Error) -> String {
    if let Some(inner) = e
        .get_ref()
        .and_then(|i| i.downcast_ref::<zstd_core::Error>())
    {
        let text = inner.to_string();
        let text = text.strip_prefix("zstd: ").unwrap_or(&text);
        return match inner {
            zstd_core::Error::BadMagic { .. } => format!("unsupported format ({text})"),
            zstd_core::Error::WindowTooLarge { .. } => {
                format!("{text}; allow it with --memory=#")
            }
            _ => text.to_string(),
        };
    }
    let mut text = e.to_string();
    if let Some(at) = text.find(" (os error") {
        text.truncate(at);
    }
    text
}

fn display_name(input: &OsStr) -> String {
    if input == "-" {
        "stdin".to_string()
    } else {
        input.to_string_lossy().into_owned()
    }
}

/// A byte count the way `zstd` prints one: `18 B`, `3.45 MiB`.
pub(crate) fn size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.2} {}", UNITS[unit])
}
