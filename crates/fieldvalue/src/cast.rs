//! Casts: [`TargetType`], parsed once from a SQL type name, and [`FieldValue::cast_to`].

use std::fmt;
use std::str::FromStr;

use crate::arith::{div_round, exact_to_f64, pow10, rescale};
use crate::display::{StackBuf, days_from_civil, write_value};
use crate::value::{FieldValue, MAX_DECIMAL_PRECISION, MAX_SCALED_SCALE, TimeUnit, TimeZone};

/// A type to cast to, parsed once from its SQL name (`"DECIMAL(18,4)".parse()`) and then used
/// for every value, so no cast matches strings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TargetType {
    /// `BOOLEAN`, `BOOL`.
    Boolean,
    /// `TINYINT` (8 bits; the value stays a `FieldValue::Integer`, range-checked).
    TinyInt,
    /// `SMALLINT`, `INT2` (16 bits).
    SmallInt,
    /// `INTEGER`, `INT`, `INT4` (32 bits).
    Int,
    /// `BIGINT`, `INT8`, `LONG` (64 bits).
    BigInt,
    /// `FLOAT`, `DOUBLE`, `DOUBLE PRECISION`, `REAL`, `FLOAT8` (all 64-bit).
    Float,
    /// `DECIMAL(p,s)`, `NUMERIC(p,s)` (`DECIMAL` alone is `DECIMAL(38,0)`, `DECIMAL(p)` is
    /// `DECIMAL(p,0)`). Values of precision 18 or less become `ScaledInteger`s, wider ones
    /// `Decimal`s.
    Decimal {
        /// Digits in all, 1-38.
        precision: u8,
        /// Digits after the point, at most the precision.
        scale: u8,
    },
    /// `VARCHAR`, `VARCHAR(n)`, `STRING`, `TEXT`, `CHAR VARYING(n)`: the value's text, at most
    /// `n` characters when a length is given (a longer one is an error, not truncated).
    Varchar(Option<u32>),
    /// `DATE`.
    Date,
    /// `TIMESTAMP` (microseconds), `TIMESTAMP(p)` with p 0, 3, 6 or 9 digits after the seconds.
    Timestamp(TimeUnit),
}

impl TargetType {
    /// `DECIMAL(precision, scale)`, checked.
    pub fn decimal(precision: u8, scale: u8) -> Result<TargetType, TypeParseError> {
        if !(1..=MAX_DECIMAL_PRECISION).contains(&precision) {
            return Err(TypeParseError::Precision(precision));
        }
        if scale > precision {
            return Err(TypeParseError::Scale { precision, scale });
        }
        Ok(TargetType::Decimal { precision, scale })
    }

    /// Parses a SQL type name (case and spacing do not matter).
    pub fn parse(name: &str) -> Result<TargetType, TypeParseError> {
        let unknown = || TypeParseError::Unknown(name.trim().into());
        let upper = name.trim().to_ascii_uppercase();
        let (base, args) = match upper.find('(') {
            Some(open) => {
                let close = upper.rfind(')').filter(|&c| c == upper.len() - 1);
                let close = close.ok_or_else(unknown)?;
                (upper[..open].trim(), Some(&upper[open + 1..close]))
            }
            None => (upper.as_str(), None),
        };
        let base = base.split_whitespace().collect::<Vec<_>>().join(" ");
        let nums: Vec<u32> = match args {
            Some(a) => a
                .split(',')
                .map(|n| n.trim().parse::<u32>().map_err(|_| unknown()))
                .collect::<Result<_, _>>()?,
            None => Vec::new(),
        };
        let no_args = |t: TargetType| {
            if args.is_none() {
                Ok(t)
            } else {
                Err(unknown())
            }
        };
        match base.as_str() {
            "BOOLEAN" | "BOOL" => no_args(TargetType::Boolean),
            "TINYINT" | "INT1" => no_args(TargetType::TinyInt),
            "SMALLINT" | "INT2" => no_args(TargetType::SmallInt),
            "INTEGER" | "INT" | "INT4" => no_args(TargetType::Int),
            "BIGINT" | "INT8" | "LONG" => no_args(TargetType::BigInt),
            "FLOAT" | "DOUBLE" | "DOUBLE PRECISION" | "REAL" | "FLOAT8" | "FLOAT4" => {
                no_args(TargetType::Float)
            }
            "DECIMAL" | "NUMERIC" | "DEC" => {
                let narrow = |n: u32| u8::try_from(n).unwrap_or(u8::MAX);
                match nums[..] {
                    [] => TargetType::decimal(38, 0),
                    [p] => TargetType::decimal(narrow(p), 0),
                    [p, s] => TargetType::decimal(narrow(p), narrow(s)),
                    _ => Err(unknown()),
                }
            }
            "VARCHAR" | "STRING" | "TEXT" | "CHAR VARYING" | "CHARACTER VARYING" => {
                match nums[..] {
                    [] if args.is_none() => Ok(TargetType::Varchar(None)),
                    [n] if n > 0 => Ok(TargetType::Varchar(Some(n))),
                    _ => Err(unknown()),
                }
            }
            "DATE" => no_args(TargetType::Date),
            "TIMESTAMP" => match nums[..] {
                [] if args.is_none() => Ok(TargetType::Timestamp(TimeUnit::Microsecond)),
                [0] => Ok(TargetType::Timestamp(TimeUnit::Second)),
                [3] => Ok(TargetType::Timestamp(TimeUnit::Millisecond)),
                [6] => Ok(TargetType::Timestamp(TimeUnit::Microsecond)),
                [9] => Ok(TargetType::Timestamp(TimeUnit::Nanosecond)),
                _ => Err(unknown()),
            },
            _ => Err(unknown()),
        }
    }
}

impl FromStr for TargetType {
    type Err = TypeParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TargetType::parse(s)
    }
}

impl fmt::Display for TargetType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetType::Boolean => f.write_str("BOOLEAN"),
            TargetType::TinyInt => f.write_str("TINYINT"),
            TargetType::SmallInt => f.write_str("SMALLINT"),
            TargetType::Int => f.write_str("INTEGER"),
            TargetType::BigInt => f.write_str("BIGINT"),
            TargetType::Float => f.write_str("DOUBLE"),
            TargetType::Decimal { precision, scale } => write!(f, "DECIMAL({precision},{scale})"),
            TargetType::Varchar(None) => f.write_str("VARCHAR"),
            TargetType::Varchar(Some(n)) => write!(f, "VARCHAR({n})"),
            TargetType::Date => f.write_str("DATE"),
            TargetType::Timestamp(u) => write!(f, "TIMESTAMP({})", u.digits()),
        }
    }
}

/// A SQL type name that is not a [`TargetType`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeParseError {
    /// Not a type name this crate knows, or malformed arguments.
    Unknown(Box<str>),
    /// A decimal precision outside 1-38.
    Precision(u8),
    /// A decimal scale larger than its precision.
    Scale {
        /// The precision.
        precision: u8,
        /// The scale.
        scale: u8,
    },
}

impl fmt::Display for TypeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TypeParseError::Unknown(name) => write!(f, "unknown SQL type `{name}`"),
            TypeParseError::Precision(p) => {
                write!(f, "decimal precision {p} is outside 1-38")
            }
            TypeParseError::Scale { precision, scale } => {
                write!(f, "decimal scale {scale} exceeds the precision {precision}")
            }
        }
    }
}

impl std::error::Error for TypeParseError {}

/// Why a value cannot be cast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CastError {
    /// The value is outside the target's range (or precision).
    Overflow {
        /// The SQL type of the value.
        from: &'static str,
        /// The target.
        to: TargetType,
    },
    /// A float NaN has no integer or decimal value.
    NotANumber {
        /// The target.
        to: TargetType,
    },
    /// An infinite float has no integer or decimal value.
    Infinite {
        /// The target.
        to: TargetType,
    },
    /// The value's own scale is invalid (a `ScaledInteger` built with a scale over 18).
    ScaleOutOfRange {
        /// The scale found.
        scale: u8,
    },
    /// A string that is not a valid literal of the target type.
    Unparsable {
        /// The text (as given).
        text: Box<str>,
        /// The target.
        to: TargetType,
    },
    /// A string longer than the `VARCHAR(n)` it is cast to.
    TooLong {
        /// Its length in characters.
        len: usize,
        /// The limit.
        max: u32,
    },
    /// There is no cast between these types.
    Unsupported {
        /// The SQL type of the value.
        from: &'static str,
        /// The target.
        to: TargetType,
    },
}

impl fmt::Display for CastError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CastError::Overflow { from, to } => write!(f, "{from} value out of range for {to}"),
            CastError::NotANumber { to } => write!(f, "cannot cast NaN to {to}"),
            CastError::Infinite { to } => write!(f, "cannot cast an infinite float to {to}"),
            CastError::ScaleOutOfRange { scale } => {
                write!(f, "fixed-point scale {scale} is over the limit of 18")
            }
            CastError::Unparsable { text, to } => {
                write!(f, "invalid input for {to}: {text:?}")
            }
            CastError::TooLong { len, max } => {
                write!(
                    f,
                    "a string of {len} characters does not fit VARCHAR({max})"
                )
            }
            CastError::Unsupported { from, to } => write!(f, "cannot cast {from} to {to}"),
        }
    }
}

impl std::error::Error for CastError {}

impl FieldValue {
    /// This value as `target`. NULL casts to NULL for every target. Numbers are range-checked
    /// (never saturated), rounded half away from zero where digits are dropped; NaN and
    /// infinities do not cast to integers or decimals; strings are parsed as literals of the
    /// target; any value casts to `VARCHAR` as its `Display` text.
    pub fn cast_to(&self, target: TargetType) -> Result<FieldValue, CastError> {
        if let FieldValue::ScaledInteger(_, s) = self
            && *s > MAX_SCALED_SCALE
        {
            return Err(CastError::ScaleOutOfRange { scale: *s });
        }
        let from = self.type_name();
        let overflow = CastError::Overflow { from, to: target };
        let unsupported = CastError::Unsupported { from, to: target };
        match (self, target) {
            (FieldValue::Null, _) => Ok(FieldValue::Null),
            (FieldValue::String(s), TargetType::Varchar(None)) => Ok(FieldValue::String(s.clone())),
            (_, TargetType::Varchar(max)) => to_varchar(self, max),
            (FieldValue::String(s), _) => parse_as(s, target),
            (_, TargetType::Boolean) => match self {
                FieldValue::Boolean(b) => Ok(FieldValue::Boolean(*b)),
                FieldValue::Integer(v) => Ok(FieldValue::Boolean(*v != 0)),
                _ => Err(unsupported),
            },
            (
                _,
                TargetType::TinyInt | TargetType::SmallInt | TargetType::Int | TargetType::BigInt,
            ) => {
                let v: i128 = match self {
                    FieldValue::Boolean(b) => i128::from(*b),
                    FieldValue::Float(x) => float_to_int(*x, target)?,
                    _ => match self.exact() {
                        Some((v, s)) => rescale(v, s, 0).ok_or(overflow.clone())?,
                        None => return Err(unsupported),
                    },
                };
                int_in_range(v, target).ok_or(overflow)
            }
            (_, TargetType::Float) => match self {
                FieldValue::Float(x) => Ok(FieldValue::Float(*x)),
                _ => match self.exact() {
                    Some((v, s)) => Ok(FieldValue::Float(exact_to_f64(v, s))),
                    None => Err(unsupported),
                },
            },
            (_, TargetType::Decimal { precision, scale }) => {
                let v = match self {
                    FieldValue::Float(x) => float_to_scaled(*x, scale, target)?,
                    _ => match self.exact() {
                        Some((v, s)) => rescale(v, s, scale).ok_or(overflow.clone())?,
                        None => return Err(unsupported),
                    },
                };
                decimal_in_range(v, precision, scale).ok_or(overflow)
            }
            (FieldValue::Date(d), TargetType::Date) => Ok(FieldValue::Date(*d)),
            (FieldValue::Timestamp(v, unit, zone), TargetType::Date) => {
                let offset = zone.map_or(0, |z| i128::from(z.offset_minutes()) * 60_000_000_000);
                let nanos = i128::from(*v) * i128::from(unit.nanos()) + offset;
                let days = nanos.div_euclid(86_400_000_000_000);
                i32::try_from(days)
                    .map(FieldValue::Date)
                    .map_err(|_| overflow)
            }
            (FieldValue::Date(d), TargetType::Timestamp(unit)) => {
                let per_day = 86_400_000_000_000 / i128::from(unit.nanos());
                let v = i64::try_from(i128::from(*d) * per_day).map_err(|_| overflow)?;
                Ok(FieldValue::Timestamp(v, unit, None))
            }
            (FieldValue::Timestamp(v, from_unit, zone), TargetType::Timestamp(unit)) => {
                convert_unit(*v, *from_unit, unit)
                    .map(|v| FieldValue::Timestamp(v, unit, *zone))
                    .ok_or(overflow)
            }
            _ => Err(unsupported),
        }
    }
}

/// `v` counted in `from` units, counted in `to` units (floored when precision is dropped).
fn convert_unit(v: i64, from: TimeUnit, to: TimeUnit) -> Option<i64> {
    let (f, t) = (from.nanos(), to.nanos());
    if f >= t {
        v.checked_mul(f / t)
    } else {
        Some(v.div_euclid(t / f))
    }
}

fn int_in_range(v: i128, target: TargetType) -> Option<FieldValue> {
    let (lo, hi) = match target {
        TargetType::TinyInt => (i128::from(i8::MIN), i128::from(i8::MAX)),
        TargetType::SmallInt => (i128::from(i16::MIN), i128::from(i16::MAX)),
        TargetType::Int => (i128::from(i32::MIN), i128::from(i32::MAX)),
        _ => (i128::from(i64::MIN), i128::from(i64::MAX)),
    };
    (lo..=hi)
        .contains(&v)
        .then_some(FieldValue::Integer(v as i64))
}

/// `value / 10^scale` as a `DECIMAL(precision, scale)` value: a `ScaledInteger` up to
/// precision 18, a `Decimal` beyond; `None` if it has more digits than the precision.
fn decimal_in_range(value: i128, precision: u8, scale: u8) -> Option<FieldValue> {
    if value.unsigned_abs() >= pow10(u32::from(precision))?.unsigned_abs() {
        return None;
    }
    if precision <= MAX_SCALED_SCALE {
        // |value| < 10^18 < 2^63.
        Some(FieldValue::ScaledInteger(value as i64, scale))
    } else {
        FieldValue::decimal(value, precision, scale)
    }
}

fn float_to_int(x: f64, to: TargetType) -> Result<i128, CastError> {
    if x.is_nan() {
        return Err(CastError::NotANumber { to });
    }
    if x.is_infinite() {
        return Err(CastError::Infinite { to });
    }
    let r = x.round();
    if r.abs() >= 1e38 {
        return Err(CastError::Overflow { from: "DOUBLE", to });
    }
    Ok(r as i128)
}

/// `x` rounded to `scale` digits, half away from zero, as an unscaled integer, from the float's
/// exact binary value.
fn float_to_scaled(x: f64, scale: u8, to: TargetType) -> Result<i128, CastError> {
    if x.is_nan() {
        return Err(CastError::NotANumber { to });
    }
    if x.is_infinite() {
        return Err(CastError::Infinite { to });
    }
    let overflow = CastError::Overflow { from: "DOUBLE", to };
    if x.abs() >= 1e38 {
        return Err(overflow);
    }
    // Rust's fixed-precision float text is exact up to the last digit, which it rounds from the
    // exact value with ties to even. A tie at `scale` digits is a value with exactly one digit
    // more, a 5: `x = m * 2^e` (m odd) is one when `e == -(scale + 1)`. For those the text with
    // one more digit is exact and `rescale` rounds it half away from zero.
    let tie = x != 0.0 && crate::cmp::decompose(x).2 == -(i32::from(scale) + 1);
    let digits = usize::from(scale) + usize::from(tie);
    let mut buf = StackBuf::<96>::new();
    std::fmt::Write::write_fmt(&mut buf, format_args!("{x:.digits$}"))
        .map_err(|_| overflow.clone())?;
    match parse_decimal(buf.as_str()) {
        Ok((v, s)) => rescale(v, s, scale).ok_or(overflow),
        Err(_) => Err(overflow),
    }
}

fn to_varchar(v: &FieldValue, max: Option<u32>) -> Result<FieldValue, CastError> {
    let s = match v {
        FieldValue::String(s) => s.clone(),
        _ => {
            let mut text = String::new();
            // Writing to a `String` cannot fail.
            let _ = write_value(&mut text, v);
            text.into()
        }
    };
    if let Some(max) = max {
        let len = s.chars().count();
        if len > max as usize {
            return Err(CastError::TooLong { len, max });
        }
    }
    Ok(FieldValue::String(s))
}

fn parse_as(text: &str, target: TargetType) -> Result<FieldValue, CastError> {
    let unparsable = || CastError::Unparsable {
        text: text.into(),
        to: target,
    };
    let overflow = CastError::Overflow {
        from: "VARCHAR",
        to: target,
    };
    let t = text.trim();
    match target {
        TargetType::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" | "t" | "yes" | "y" | "on" | "1" => Ok(FieldValue::Boolean(true)),
            "false" | "f" | "no" | "n" | "off" | "0" => Ok(FieldValue::Boolean(false)),
            _ => Err(unparsable()),
        },
        TargetType::TinyInt | TargetType::SmallInt | TargetType::Int | TargetType::BigInt => {
            let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(unparsable());
            }
            let v = t.parse::<i128>().map_err(|_| overflow.clone())?;
            int_in_range(v, target).ok_or(overflow)
        }
        TargetType::Float => t
            .parse::<f64>()
            .map(FieldValue::Float)
            .map_err(|_| unparsable()),
        TargetType::Decimal { precision, scale } => {
            let (v, s) = parse_decimal(t).map_err(|e| match e {
                NumError::Invalid => unparsable(),
                NumError::Overflow => overflow.clone(),
            })?;
            let v = rescale(v, s, scale).ok_or(overflow.clone())?;
            decimal_in_range(v, precision, scale).ok_or(overflow)
        }
        TargetType::Date => parse_date(t)
            .and_then(|d| i32::try_from(d).ok())
            .map(FieldValue::Date)
            .ok_or_else(unparsable),
        TargetType::Timestamp(unit) => {
            let (nanos, zone) = parse_timestamp(t).ok_or_else(unparsable)?;
            let v = nanos.div_euclid(i128::from(unit.nanos()));
            let v = i64::try_from(v).map_err(|_| overflow)?;
            Ok(FieldValue::Timestamp(v, unit, zone))
        }
        TargetType::Varchar(_) => Err(unparsable()),
    }
}

/// Why decimal text did not parse.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum NumError {
    Invalid,
    Overflow,
}

/// Parses `[+-]digits[.digits][e[+-]digits]` exactly, as `(unscaled, scale)` with scale at most
/// 38 (further fraction digits are rounded half away from zero).
pub(crate) fn parse_decimal(text: &str) -> Result<(i128, u8), NumError> {
    let t = text.trim();
    let (neg, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let (mantissa, exp) = match t.find(['e', 'E']) {
        Some(i) => {
            let e = &t[i + 1..];
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(NumError::Invalid);
            }
            (&t[..i], e.parse::<i32>().map_err(|_| NumError::Invalid)?)
        }
        None => (t, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return Err(NumError::Invalid);
    }
    let limit = 10i128.pow(38);
    let mut v: i128 = 0;
    let push = |v: i128, b: u8| {
        v.checked_mul(10)
            .map(|v| v + i128::from(b - b'0'))
            .filter(|v| *v < limit)
    };
    for b in int.bytes() {
        v = push(v, b).ok_or(NumError::Overflow)?;
    }
    let mut scale: i32 = 0;
    let mut frac_digits = frac.bytes();
    for b in frac_digits.by_ref() {
        match push(v, b) {
            Some(next) if scale - exp < 38 => v = next,
            _ => {
                // No room for this digit: round on it and drop the rest.
                if b >= b'5' {
                    v += 1;
                }
                break;
            }
        }
        scale += 1;
    }
    let mut scale = scale - exp;
    while scale < 0 {
        v = v
            .checked_mul(10)
            .filter(|v| *v < limit)
            .ok_or(NumError::Overflow)?;
        scale += 1;
    }
    if scale > 38 {
        v = pow10((scale - 38) as u32).map_or(0, |p| div_round(v, p).unwrap_or(0));
        scale = 38;
    }
    Ok((if neg { -v } else { v }, scale as u8))
}

fn two_digits(b: &[u8]) -> Option<u32> {
    match b {
        [a @ b'0'..=b'9', c @ b'0'..=b'9'] => Some(u32::from(a - b'0') * 10 + u32::from(c - b'0')),
        _ => None,
    }
}

/// `[-]YYYY-MM-DD` (four or more year digits) as days since 1970-01-01.
pub(crate) fn parse_date(t: &str) -> Option<i64> {
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let mut parts = t.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if y.len() < 4 || y.len() > 6 || !y.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i64 = y.parse().ok()?;
    let y = if neg { -y } else { y };
    let (m, d) = (two_digits(m.as_bytes())?, two_digits(d.as_bytes())?);
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `DATE[T| ]HH:MM[:SS[.fffffffff]][Z|±HH[:MM]]` as nanoseconds since the epoch (UTC) and the
/// zone it was written in, if any.
pub(crate) fn parse_timestamp(t: &str) -> Option<(i128, Option<TimeZone>)> {
    let split = t.find(['T', 't', ' '])?;
    let days = parse_date(&t[..split])?;
    let rest = t[split + 1..].trim_start();
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone_text) = rest.split_at(zone_at);
    let b = time.trim_end().as_bytes();
    if b.len() < 5 || b[2] != b':' {
        return None;
    }
    let (h, mi) = (two_digits(&b[0..2])?, two_digits(&b[3..5])?);
    let (mut s, mut nanos) = (0, 0u64);
    if b.len() > 5 {
        if b[5] != b':' || b.len() < 8 {
            return None;
        }
        s = two_digits(&b[6..8])?;
        if b.len() > 8 {
            let frac = &b[9..];
            if b[8] != b'.' || frac.is_empty() || frac.len() > 9 {
                return None;
            }
            for (i, &c) in frac.iter().enumerate() {
                if !c.is_ascii_digit() {
                    return None;
                }
                nanos += u64::from(c - b'0') * 10u64.pow(8 - i as u32);
            }
        }
    }
    if h > 23 || mi > 59 || s > 59 {
        return None;
    }
    let zone = match zone_text.as_bytes() {
        [] => None,
        [b'Z' | b'z'] => Some(TimeZone::UTC),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (zh, zm) = match rest {
                [a, b] => (two_digits(&[*a, *b])?, 0),
                [a, b, b':', c, d] | [a, b, c, d] => {
                    (two_digits(&[*a, *b])?, two_digits(&[*c, *d])?)
                }
                _ => return None,
            };
            if zm > 59 {
                return None;
            }
            let minutes = i16::try_from(zh * 60 + zm).ok()?;
            Some(TimeZone::from_offset_minutes(if *sign == b'-' {
                -minutes
            } else {
                minutes
            })?)
        }
        _ => return None,
    };
    let local = i128::from(days) * 86_400_000_000_000
        + i128::from(h * 3600 + mi * 60 + s) * 1_000_000_000
        + i128::from(nanos);
    let offset = zone.map_or(0, |z| i128::from(z.offset_minutes()) * 60_000_000_000);
    Some((local - offset, zone))
}
