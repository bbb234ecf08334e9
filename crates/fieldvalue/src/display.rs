//! `Display` for [`FieldValue`]: digits are laid out in a stack buffer and written to the
//! formatter in one piece; nothing is allocated.

use std::fmt::{self, Write};

use crate::value::{FieldValue, Interval, TimeUnit, TimeZone};

/// A small stack buffer that collects the text of one scalar.
pub(crate) struct StackBuf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> StackBuf<N> {
    pub(crate) fn new() -> Self {
        StackBuf {
            bytes: [0; N],
            len: 0,
        }
    }

    #[inline]
    fn push(&mut self, b: u8) {
        // Callers size the buffer for the longest text they write; a byte past the end is
        // dropped rather than panicking, and `fmt::Write` reports it as an error.
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
            self.len += 1;
        }
    }

    /// `v` as exactly `width` digits (leading zeros; `v` must be below `10^width`).
    #[inline]
    fn push_fixed(&mut self, mut v: u64, width: usize) {
        let end = self.len + width;
        if end > N {
            return;
        }
        for i in (self.len..end).rev() {
            self.bytes[i] = b'0' + (v % 10) as u8;
            v /= 10;
        }
        self.len = end;
    }

    /// `v` in decimal, no padding.
    #[inline]
    fn push_u64(&mut self, v: u64) {
        let digits = if v == 0 { 1 } else { v.ilog10() as usize + 1 };
        self.push_fixed(v, digits);
    }

    fn push_i64(&mut self, v: i64) {
        if v < 0 {
            self.push(b'-');
        }
        self.push_u64(v.unsigned_abs());
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation are pushed, and `write_str` copies whole `&str`s.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl<const N: usize> Write for StackBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        if end > N {
            return Err(fmt::Error);
        }
        self.bytes[self.len..end].copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// A `fmt::Write` that gathers small pieces in a stack buffer and passes them on in large
/// ones: a record's text is some 30 pieces, and each write to a `Formatter` is a dynamic call.
pub(crate) struct Gather<'a, W: Write> {
    buf: [u8; 256],
    len: usize,
    out: &'a mut W,
}

impl<'a, W: Write> Gather<'a, W> {
    pub(crate) fn new(out: &'a mut W) -> Self {
        Gather {
            buf: [0; 256],
            len: 0,
            out,
        }
    }

    /// Passes on what is gathered.
    pub(crate) fn flush(&mut self) -> fmt::Result {
        // Only whole `&str`s are gathered, so the bytes are UTF-8.
        let text = std::str::from_utf8(&self.buf[..self.len]).map_err(|_| fmt::Error)?;
        self.out.write_str(text)?;
        self.len = 0;
        Ok(())
    }
}

impl<W: Write> Write for Gather<'_, W> {
    #[inline]
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.len + s.len() > self.buf.len() {
            self.flush()?;
            if s.len() > self.buf.len() {
                return self.out.write_str(s);
            }
        }
        self.buf[self.len..self.len + s.len()].copy_from_slice(s.as_bytes());
        self.len += s.len();
        Ok(())
    }
}

/// Writes `unscaled / 10^scale` exactly: a `-` whenever the value is negative (also between
/// -1 and 0), the integer part (at least one digit), and exactly `scale` fraction digits.
pub(crate) fn write_fixed(f: &mut impl Write, unscaled: i128, scale: u8) -> fmt::Result {
    // Digits are written from the end: at most 39 of them, a point, a leading zero and a sign.
    let mut buf = [b'0'; 42];
    let mut pos = buf.len();
    let scale = usize::from(scale).min(38);
    let mut abs = unscaled.unsigned_abs();
    let mut written = 0;
    // The same loop twice: a u64 division is several times faster than a u128 one, and almost
    // every value fits.
    if let Ok(mut small) = u64::try_from(abs) {
        while small != 0 || written <= scale {
            if written == scale && scale > 0 {
                pos -= 1;
                buf[pos] = b'.';
            }
            pos -= 1;
            buf[pos] = b'0' + (small % 10) as u8;
            small /= 10;
            written += 1;
        }
    } else {
        while abs != 0 || written <= scale {
            if written == scale && scale > 0 {
                pos -= 1;
                buf[pos] = b'.';
            }
            pos -= 1;
            buf[pos] = b'0' + (abs % 10) as u8;
            abs /= 10;
            written += 1;
        }
    }
    if unscaled < 0 {
        pos -= 1;
        buf[pos] = b'-';
    }
    // Only ASCII was written.
    f.write_str(std::str::from_utf8(&buf[pos..]).unwrap_or_default())
}

/// The civil date (year, month, day) of `days` since 1970-01-01 (proleptic Gregorian; Howard
/// Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Days since 1970-01-01 of a civil date (the inverse of [`civil_from_days`]); the caller checks
/// that the month and day are valid.
pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn push_date<const N: usize>(out: &mut StackBuf<N>, days: i64) {
    let (y, m, d) = civil_from_days(days);
    if y < 0 {
        out.push(b'-');
    }
    let ya = y.unsigned_abs();
    if ya < 10_000 {
        out.push_fixed(ya, 4);
    } else {
        out.push_u64(ya);
    }
    out.push(b'-');
    out.push_fixed(u64::from(m), 2);
    out.push(b'-');
    out.push_fixed(u64::from(d), 2);
}

/// `YYYY-MM-DD HH:MM:SS[.fff…][+HH:MM]`, the fraction as many digits as the unit has, the time
/// in the time zone when there is one (with its offset), else in UTC without an offset.
pub(crate) fn write_timestamp(
    f: &mut impl Write,
    value: i64,
    unit: TimeUnit,
    zone: Option<TimeZone>,
) -> fmt::Result {
    // In the unit itself, with i64 arithmetic when the offset fits (it always does but for
    // values within a day of the i64 range); i128 otherwise.
    let per_sec = 1_000_000_000 / unit.nanos();
    let offset = zone.map_or(0, |z| i64::from(z.offset_minutes()) * 60 * per_sec);
    let per_day = 86_400 * per_sec;
    let (days, rest) = match value.checked_add(offset) {
        Some(local) => (local.div_euclid(per_day), local.rem_euclid(per_day)),
        None => {
            let local = i128::from(value) + i128::from(offset);
            (
                local.div_euclid(i128::from(per_day)) as i64,
                local.rem_euclid(i128::from(per_day)) as i64,
            )
        }
    };
    let (secs, frac) = ((rest / per_sec) as u64, (rest % per_sec) as u64);
    let mut out = StackBuf::<48>::new();
    push_date(&mut out, days);
    out.push(b' ');
    out.push_fixed(secs / 3600, 2);
    out.push(b':');
    out.push_fixed(secs / 60 % 60, 2);
    out.push(b':');
    out.push_fixed(secs % 60, 2);
    let digits = usize::from(unit.digits());
    if digits > 0 {
        out.push(b'.');
        out.push_fixed(frac, digits);
    }
    if let Some(z) = zone {
        let off = z.offset_minutes();
        out.push(if off < 0 { b'-' } else { b'+' });
        let off = u64::from(off.unsigned_abs());
        out.push_fixed(off / 60, 2);
        out.push(b':');
        out.push_fixed(off % 60, 2);
    }
    f.write_str(out.as_str())
}

/// ISO 8601 duration: `P1Y2M3DT4H5M6.000007S` (`PT0S` when zero); each part carries its own
/// sign when negative.
fn write_interval(f: &mut impl Write, iv: Interval) -> fmt::Result {
    let mut out = StackBuf::<96>::new();
    out.push(b'P');
    let (years, months) = (iv.months / 12, iv.months % 12);
    if years != 0 {
        out.push_i64(i64::from(years));
        out.push(b'Y');
    }
    if months != 0 {
        out.push_i64(i64::from(months));
        out.push(b'M');
    }
    let day = 86_400_000_000i64;
    let (days, micros) = (iv.micros / day, iv.micros % day);
    if days != 0 {
        out.push_i64(days);
        out.push(b'D');
    }
    if micros != 0 || (iv.months == 0 && days == 0) {
        out.push(b'T');
        let (h, m) = (micros / 3_600_000_000, micros / 60_000_000 % 60);
        let us = micros % 60_000_000;
        if h != 0 {
            out.push_i64(h);
            out.push(b'H');
        }
        if m != 0 {
            out.push_i64(m);
            out.push(b'M');
        }
        if us != 0 || (h == 0 && m == 0) {
            if us % 1_000_000 == 0 {
                out.push_i64(us / 1_000_000);
            } else {
                write_fixed(&mut out, i128::from(us), 6)?;
            }
            out.push(b'S');
        }
    }
    f.write_str(out.as_str())
}

/// Writes `v` as its `Display` text.
pub(crate) fn write_value(f: &mut impl Write, v: &FieldValue) -> fmt::Result {
    match v {
        FieldValue::Null => f.write_str("NULL"),
        FieldValue::Boolean(b) => f.write_str(if *b { "true" } else { "false" }),
        FieldValue::Integer(v) => {
            let mut out = StackBuf::<20>::new();
            out.push_i64(*v);
            f.write_str(out.as_str())
        }
        FieldValue::Float(v) => write!(f, "{v:?}"),
        FieldValue::ScaledInteger(v, s) => write_fixed(f, i128::from(*v), *s),
        FieldValue::Decimal(d) => write_fixed(f, d.value(), d.scale()),
        FieldValue::String(s) => f.write_str(s),
        FieldValue::Date(d) => {
            let mut out = StackBuf::<24>::new();
            push_date(&mut out, i64::from(*d));
            f.write_str(out.as_str())
        }
        FieldValue::Timestamp(v, unit, zone) => write_timestamp(f, *v, *unit, *zone),
        FieldValue::Interval(iv) => write_interval(f, *iv),
        FieldValue::Array(items) => {
            f.write_char('[')?;
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write_value(f, v)?;
            }
            f.write_char(']')
        }
        FieldValue::Struct(fields) | FieldValue::Map(fields) => {
            f.write_char('{')?;
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                f.write_str(k)?;
                f.write_str(": ")?;
                write_value(f, v)?;
            }
            f.write_char('}')
        }
    }
}

impl fmt::Display for FieldValue {
    /// SQL-style text: `NULL`, `true`, `42`, `1.5` (a float always shows a point or an exponent),
    /// `-0.50` (fixed-point keeps its scale), the string itself, `2024-02-29`,
    /// `2024-02-29 12:00:00.000+05:30`, `P1Y2M`, `[1, 2]`, `{a: 1, b: x}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Array(_) | FieldValue::Struct(_) | FieldValue::Map(_) => {
                let mut out = Gather::new(f);
                write_value(&mut out, self)?;
                out.flush()
            }
            _ => write_value(f, self),
        }
    }
}

impl FieldValue {
    /// The `Display` text as a `String`: a thin wrapper over `Display`. To avoid the allocation,
    /// `write!` into a buffer you keep.
    pub fn to_display_string(&self) -> String {
        self.to_string()
    }
}
