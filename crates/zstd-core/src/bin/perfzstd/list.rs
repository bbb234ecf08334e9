//! `-l`: frame information, read from headers and block headers without decoding (block
//! contents are skipped with seeks, so listing a large file reads little of it).

use std::ffi::OsString;
use std::fs::File;
use std::io::{self, BufReader, Read};

use zstd_core::frame::{FrameHeader, MAGIC, SKIPPABLE_MAGIC};

use crate::{Log, describe, size};

/// What `-l` reports about one file.
#[derive(Debug, Default)]
struct Info {
    frames: u64,
    skippable: u64,
    compressed: u64,
    /// The sum of the frames' content sizes; `None` when a frame does not state its size.
    decompressed: Option<u64>,
    frames_with_checksum: u64,
    /// The last frame's checksum (the low 32 bits of XXH64), for `-lv`.
    last_checksum: Option<u32>,
    largest_window: u64,
    dictionary_ids: Vec<u32>,
}

/// Lists each input; `false` when one could not be read.
pub(crate) fn run(inputs: &[OsString], log: Log) -> bool {
    if inputs.is_empty() || inputs.iter().any(|i| i == "-") {
        log.error(
            "",
            "--list needs file names (it does not read standard input)",
        );
        return false;
    }
    let mut ok = true;
    let mut rows = Vec::new();
    for input in inputs {
        let name = input.to_string_lossy().into_owned();
        match inspect(input) {
            Ok(info) => rows.push((name, info)),
            Err(e) => {
                log.error(&name, &e);
                ok = false;
            }
        }
    }
    if log.verbosity >= 3 {
        for (name, info) in &rows {
            print_verbose(name, info);
        }
        return ok;
    }
    if rows.is_empty() {
        return ok;
    }
    println!("Frames  Skips  Compressed  Uncompressed  Ratio  Check  Filename");
    for (name, info) in &rows {
        print_row(name, info);
    }
    if rows.len() > 1 {
        let mut total = Info {
            decompressed: Some(0),
            ..Info::default()
        };
        for (_, info) in &rows {
            total.frames += info.frames;
            total.skippable += info.skippable;
            total.compressed += info.compressed;
            total.decompressed = total
                .decompressed
                .zip(info.decompressed)
                .map(|(a, b)| a + b);
            total.frames_with_checksum += info.frames_with_checksum;
        }
        println!("----------------------------------------------------------------- ");
        print_row(&format!("{} files", rows.len()), &total);
    }
    ok
}

fn check_name(info: &Info) -> &'static str {
    if info.frames_with_checksum == 0 {
        "None"
    } else if info.frames_with_checksum == info.frames {
        "XXH64"
    } else {
        "Mixed"
    }
}

fn print_row(name: &str, info: &Info) {
    let (decompressed, ratio) = match info.decompressed {
        Some(d) if info.compressed > 0 => {
            (size(d), format!("{:.3}", d as f64 / info.compressed as f64))
        }
        Some(d) => (size(d), "-".into()),
        None => ("unknown".into(), "-".into()),
    };
    println!(
        "{:>6} {:>6} {:>11} {:>13} {:>6}  {:<5}  {name}",
        info.frames,
        info.skippable,
        size(info.compressed),
        decompressed,
        ratio,
        check_name(info)
    );
}

fn print_verbose(name: &str, info: &Info) {
    println!("{name}");
    println!("# Zstandard Frames: {}", info.frames);
    if info.skippable > 0 {
        println!("# Skippable Frames: {}", info.skippable);
    }
    let ids: Vec<String> = info.dictionary_ids.iter().map(u32::to_string).collect();
    println!(
        "DictID: {}",
        if ids.is_empty() {
            "0".into()
        } else {
            ids.join(", ")
        }
    );
    println!(
        "Window Size: {} ({} B)",
        size(info.largest_window),
        info.largest_window
    );
    println!(
        "Compressed Size: {} ({} B)",
        size(info.compressed),
        info.compressed
    );
    match info.decompressed {
        Some(d) => {
            println!("Decompressed Size: {} ({d} B)", size(d));
            if info.compressed > 0 {
                println!("Ratio: {:.4}", d as f64 / info.compressed as f64);
            }
        }
        None => println!("Decompressed Size: unknown (a frame does not state it)"),
    }
    match (check_name(info), info.last_checksum) {
        ("XXH64", Some(c)) if info.frames == 1 => println!("Check: XXH64 {c:08x}"),
        (check, _) => println!("Check: {check}"),
    }
    println!();
}

/// Walks the frames of one file.
fn inspect(input: &OsString) -> Result<Info, String> {
    let file = File::open(input).map_err(|e| describe(&e))?;
    let len = file.metadata().map_err(|e| describe(&e))?.len();
    let mut reader = BufReader::new(file);
    walk(&mut reader, len).map_err(|e| match e {
        Walk::Io(e) => describe(&e),
        Walk::Format(message) => message,
    })
}

/// Why a walk stopped.
enum Walk {
    Io(io::Error),
    Format(String),
}

impl From<io::Error> for Walk {
    fn from(e: io::Error) -> Self {
        Walk::Io(e)
    }
}

fn truncated(what: &str) -> Walk {
    Walk::Format(format!("truncated: the file ends inside a {what}"))
}

fn walk(reader: &mut BufReader<File>, len: u64) -> Result<Info, Walk> {
    let mut info = Info {
        compressed: len,
        decompressed: Some(0),
        ..Info::default()
    };
    if len == 0 {
        return Err(Walk::Format("empty file: not a zstd file".into()));
    }
    let mut pos = 0u64;
    while pos < len {
        let magic = u32::from_le_bytes(read_array(reader, &mut pos, len, "frame header")?);
        if magic & 0xFFFF_FFF0 == SKIPPABLE_MAGIC {
            let size = u32::from_le_bytes(read_array(reader, &mut pos, len, "skippable frame")?);
            skip(reader, &mut pos, len, u64::from(size), "skippable frame")?;
            info.skippable += 1;
            continue;
        }
        if magic != MAGIC {
            return Err(Walk::Format(if pos == 4 {
                "unsupported format: not a zstd file".into()
            } else {
                format!("unknown data after the last frame (at byte {})", pos - 4)
            }));
        }
        // The header is at most 18 bytes: read what the file has of them, parse, and step back
        // to the header's end.
        let mut header = [0u8; 18];
        header[..4].copy_from_slice(&magic.to_le_bytes());
        let want = (len - pos).min(14) as usize;
        reader.read_exact(&mut header[4..4 + want])?;
        let parsed = FrameHeader::parse(&header[..4 + want])
            .map_err(|e| Walk::Format(format!("corrupt frame header at byte {}: {e}", pos - 4)))?;
        reader.seek_relative(parsed.header_len as i64 - 4 - want as i64)?;
        pos += parsed.header_len as u64 - 4;
        loop {
            let b = read_array::<3>(reader, &mut pos, len, "block header")?;
            let v = u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16;
            let body = match (v >> 1) & 3 {
                0 | 2 => u64::from(v >> 3),
                1 => 1,
                _ => {
                    return Err(Walk::Format(
                        "corrupt block header (reserved block type)".into(),
                    ));
                }
            };
            skip(reader, &mut pos, len, body, "block")?;
            if v & 1 != 0 {
                break;
            }
        }
        if parsed.has_checksum {
            let c = read_array(reader, &mut pos, len, "checksum")?;
            info.last_checksum = Some(u32::from_le_bytes(c));
            info.frames_with_checksum += 1;
        }
        info.frames += 1;
        info.decompressed = info
            .decompressed
            .zip(parsed.content_size)
            .map(|(a, b)| a + b);
        info.largest_window = info.largest_window.max(parsed.window_size);
        if parsed.dictionary_id != 0 && !info.dictionary_ids.contains(&parsed.dictionary_id) {
            info.dictionary_ids.push(parsed.dictionary_id);
        }
    }
    Ok(info)
}

fn read_array<const N: usize>(
    reader: &mut BufReader<File>,
    pos: &mut u64,
    len: u64,
    what: &str,
) -> Result<[u8; N], Walk> {
    if len - *pos < N as u64 {
        return Err(truncated(what));
    }
    let mut b = [0u8; N];
    reader.read_exact(&mut b)?;
    *pos += N as u64;
    Ok(b)
}

fn skip(
    reader: &mut BufReader<File>,
    pos: &mut u64,
    len: u64,
    n: u64,
    what: &str,
) -> Result<(), Walk> {
    if len - *pos < n {
        return Err(truncated(what));
    }
    reader.seek_relative(n as i64)?;
    *pos += n;
    Ok(())
}
