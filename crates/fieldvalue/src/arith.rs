//! Checked arithmetic on [`FieldValue`]s.
//!
//! - NULL with anything is NULL.
//! - `Integer` with `Integer` is an `Integer` (`BIGINT`): overflow is an error, division
//!   truncates toward zero.
//! - Exact numbers with a fixed-point or decimal side are computed exactly in `i128` with the
//!   scales aligned: addition and subtraction at the larger scale, multiplication at the sum of
//!   the scales (rounded to 38 if beyond), division at the larger scale plus 4 (capped at 38),
//!   rounded half away from zero. The result is a `ScaledInteger` when it fits one and no side
//!   was a `Decimal`, else a 38-digit `Decimal`; beyond 38 digits it is an overflow error.
//! - With a float side, both are floats; a finite pair giving an infinite result is an
//!   overflow error.
//! - Division by zero is an error for every kind of number.

use std::fmt;

use crate::value::{FieldValue, MAX_DECIMAL_PRECISION, MAX_SCALED_SCALE};

/// Why an arithmetic operation has no result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArithmeticError {
    /// The result does not fit its type (`BIGINT`, 38 decimal digits, a finite float).
    Overflow {
        /// The operation (`+`, `-`, `*`, `/`).
        op: char,
    },
    /// The divisor is zero.
    DivisionByZero,
    /// The operation is not defined on these kinds of value.
    TypeMismatch {
        /// The operation.
        op: char,
        /// The SQL type of the left side.
        left: &'static str,
        /// The SQL type of the right side.
        right: &'static str,
    },
}

impl fmt::Display for ArithmeticError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArithmeticError::Overflow { op } => write!(f, "numeric overflow in `{op}`"),
            ArithmeticError::DivisionByZero => f.write_str("division by zero"),
            ArithmeticError::TypeMismatch { op, left, right } => {
                write!(f, "operator `{op}` is not defined for {left} and {right}")
            }
        }
    }
}

impl std::error::Error for ArithmeticError {}

#[derive(Clone, Copy)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

impl Op {
    fn symbol(self) -> char {
        match self {
            Op::Add => '+',
            Op::Sub => '-',
            Op::Mul => '*',
            Op::Div => '/',
        }
    }
}

/// `10^0` to `10^38`.
const POW10: [i128; 39] = {
    let mut t = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

/// `10^n` as an `i128`, `None` past 10^38.
#[inline]
pub(crate) fn pow10(n: u32) -> Option<i128> {
    POW10.get(n as usize).copied()
}

/// `n / d` rounded half away from zero (`d != 0`).
pub(crate) fn div_round(n: i128, d: i128) -> Option<i128> {
    let q = n.checked_div(d)?;
    let r = n % d;
    // |r| >= |d| - |r| means the remainder is at least half the divisor.
    if r.unsigned_abs() >= d.unsigned_abs() - r.unsigned_abs() {
        let away = if (n < 0) == (d < 0) { 1 } else { -1 };
        q.checked_add(away)
    } else {
        Some(q)
    }
}

/// `value / 10^from` at `to` digits: exact when growing, rounded half away from zero when
/// shrinking; `None` on overflow.
pub(crate) fn rescale(value: i128, from: u8, to: u8) -> Option<i128> {
    if to >= from {
        value.checked_mul(pow10(u32::from(to - from))?)
    } else {
        match pow10(u32::from(from - to)) {
            Some(p) => div_round(value, p),
            // More than 38 digits dropped from a value of at most 39: it rounds to 0.
            None => Some(0),
        }
    }
}

/// An exact number as a correctly rounded float (the nearest one).
pub(crate) fn exact_to_f64(v: i128, scale: u8) -> f64 {
    if scale == 0 {
        return v as f64;
    }
    // Both operands exact as floats: one correctly rounded division.
    if v.unsigned_abs() < 1 << 53 && scale <= 22 {
        return v as f64 / 10f64.powi(i32::from(scale));
    }
    let mut buf = crate::display::StackBuf::<96>::new();
    match crate::display::write_fixed(&mut buf, v, scale) {
        Ok(()) => buf.as_str().parse().unwrap_or(f64::NAN),
        Err(_) => v as f64 / 10f64.powi(i32::from(scale)),
    }
}

impl FieldValue {
    /// `self + rhs`, checked (see the [module docs](crate::arith) for the result types).
    pub fn checked_add(&self, rhs: &FieldValue) -> Result<FieldValue, ArithmeticError> {
        arith(self, rhs, Op::Add)
    }

    /// `self - rhs`, checked.
    pub fn checked_sub(&self, rhs: &FieldValue) -> Result<FieldValue, ArithmeticError> {
        arith(self, rhs, Op::Sub)
    }

    /// `self * rhs`, checked.
    pub fn checked_mul(&self, rhs: &FieldValue) -> Result<FieldValue, ArithmeticError> {
        arith(self, rhs, Op::Mul)
    }

    /// `self / rhs`, checked; division by zero is [`ArithmeticError::DivisionByZero`].
    pub fn checked_div(&self, rhs: &FieldValue) -> Result<FieldValue, ArithmeticError> {
        arith(self, rhs, Op::Div)
    }
}

fn arith(a: &FieldValue, b: &FieldValue, op: Op) -> Result<FieldValue, ArithmeticError> {
    use FieldValue as V;
    let overflow = ArithmeticError::Overflow { op: op.symbol() };
    match (a, b) {
        (V::Null, _) | (_, V::Null) => Ok(V::Null),
        (V::Integer(x), V::Integer(y)) => {
            let r = match op {
                Op::Add => x.checked_add(*y),
                Op::Sub => x.checked_sub(*y),
                Op::Mul => x.checked_mul(*y),
                Op::Div if *y == 0 => return Err(ArithmeticError::DivisionByZero),
                Op::Div => x.checked_div(*y),
            };
            r.map(V::Integer).ok_or(overflow)
        }
        (V::Float(_), _) | (_, V::Float(_)) => {
            let (Some(x), Some(y)) = (as_f64(a), as_f64(b)) else {
                return Err(mismatch(a, b, op));
            };
            let r = match op {
                Op::Add => x + y,
                Op::Sub => x - y,
                Op::Mul => x * y,
                Op::Div if y == 0.0 => return Err(ArithmeticError::DivisionByZero),
                Op::Div => x / y,
            };
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(overflow);
            }
            Ok(V::Float(r))
        }
        _ => {
            let (Some((x, s)), Some((y, t))) = (a.exact(), b.exact()) else {
                return Err(mismatch(a, b, op));
            };
            // A `ScaledInteger` built directly with a scale over 18 has no defined value.
            if s > MAX_SCALED_SCALE && !matches!(a, V::Decimal(_))
                || t > MAX_SCALED_SCALE && !matches!(b, V::Decimal(_))
            {
                return Err(overflow);
            }
            let wide = matches!(a, V::Decimal(_)) || matches!(b, V::Decimal(_));
            let (v, scale) = exact_op(x, s, y, t, op)?;
            V::from_exact(v, scale, wide).ok_or(overflow)
        }
    }
}

/// The exact result `(unscaled, scale)` of `x / 10^s op y / 10^t`.
fn exact_op(x: i128, s: u8, y: i128, t: u8, op: Op) -> Result<(i128, u8), ArithmeticError> {
    let overflow = ArithmeticError::Overflow { op: op.symbol() };
    match op {
        Op::Add | Op::Sub => {
            let scale = s.max(t);
            let x = rescale(x, s, scale).ok_or(overflow.clone())?;
            let y = rescale(y, t, scale).ok_or(overflow.clone())?;
            let r = match op {
                Op::Add => x.checked_add(y),
                _ => x.checked_sub(y),
            };
            Ok((r.ok_or(overflow)?, scale))
        }
        Op::Mul => {
            // Two i64-range factors cannot overflow an i128: skip the checked 128-bit multiply.
            let r = match (i64::try_from(x), i64::try_from(y)) {
                (Ok(a), Ok(b)) => i128::from(a) * i128::from(b),
                _ => x.checked_mul(y).ok_or(overflow.clone())?,
            };
            let scale = s + t;
            if scale > MAX_DECIMAL_PRECISION {
                let r = rescale(r, scale, MAX_DECIMAL_PRECISION).ok_or(overflow)?;
                Ok((r, MAX_DECIMAL_PRECISION))
            } else {
                Ok((r, scale))
            }
        }
        Op::Div => {
            if y == 0 {
                return Err(ArithmeticError::DivisionByZero);
            }
            let scale = (s.max(t) + 4).min(MAX_DECIMAL_PRECISION);
            // x/10^s / (y/10^t) = x * 10^(scale + t - s) / y / 10^scale.
            let shift = u32::from(scale + t) - u32::from(s);
            let n = pow10(shift)
                .and_then(|p| x.checked_mul(p))
                .ok_or(overflow.clone())?;
            Ok((div_round(n, y).ok_or(overflow)?, scale))
        }
    }
}

fn as_f64(v: &FieldValue) -> Option<f64> {
    match v {
        FieldValue::Float(x) => Some(*x),
        _ => v.exact().map(|(v, s)| exact_to_f64(v, s)),
    }
}

fn mismatch(a: &FieldValue, b: &FieldValue, op: Op) -> ArithmeticError {
    ArithmeticError::TypeMismatch {
        op: op.symbol(),
        left: a.type_name(),
        right: b.type_name(),
    }
}
