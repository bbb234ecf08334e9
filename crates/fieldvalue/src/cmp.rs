//! Equality, hashing and ordering of [`FieldValue`]s: for grouping (`Eq`/`Hash`), for ORDER BY
//! (`Ord`, [`FieldValue::cmp_nulls`]) and SQL's three-valued comparison
//! ([`FieldValue::sql_eq`], [`FieldValue::sql_cmp`]).
//!
//! Numbers of every kind compare by their exact value. Each exact number (integer, fixed-point,
//! decimal) has one canonical form, the floor of its value and its fraction in units of
//! 10^-38, so `1`, `1.0` and `1.00` are the same key. A float is the same key when its binary
//! value has such a form (every float with at most 38 fraction digits does: 0.5, 1.0, 2^-20);
//! any other float (0.1 is 0.1000000000000000055…) is never equal to an exact number, and is
//! ordered against one exactly.

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use crate::value::FieldValue;

const FRAC_DIGITS: u32 = 38;
const FRAC_ONE: u128 = 10u128.pow(FRAC_DIGITS);

/// The canonical form of a number: `int + frac / 10^38`, `int` the floor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct Canon {
    int: i128,
    frac: u128,
}

impl Canon {
    /// `v / 10^scale` (scale at most 38).
    #[inline]
    pub(crate) fn exact(v: i128, scale: u8) -> Canon {
        if scale == 0 {
            return Canon { int: v, frac: 0 };
        }
        let scale = u32::from(scale.min(38));
        let p = 10i128.pow(scale);
        Canon {
            int: v.div_euclid(p),
            frac: v.rem_euclid(p) as u128 * 10u128.pow(FRAC_DIGITS - scale),
        }
    }

    /// `-self`.
    fn neg(self) -> Canon {
        if self.frac == 0 {
            Canon {
                int: -self.int,
                frac: 0,
            }
        } else {
            Canon {
                int: -self.int - 1,
                frac: FRAC_ONE - self.frac,
            }
        }
    }
}

/// A finite float as `(negative, mantissa, exponent)` with `|x| = m * 2^e` and `m` odd (or 0).
pub(crate) fn decompose(x: f64) -> (bool, u64, i32) {
    let bits = x.to_bits();
    let neg = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    let (mut m, mut e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1 << 52), exp - 1075)
    };
    if m != 0 {
        let tz = m.trailing_zeros();
        m >>= tz;
        e += tz as i32;
    }
    (neg, m, e)
}

/// The canonical form of a float, if its value has one (finite, under 10^38 in magnitude, at
/// most 38 fraction digits).
pub(crate) fn float_canon(x: f64) -> Option<Canon> {
    if !x.is_finite() || x.abs() >= 1e38 {
        return None;
    }
    if x == 0.0 {
        // Both zeros.
        return Some(Canon { int: 0, frac: 0 });
    }
    let (neg, m, e) = decompose(x);
    let c = if e >= 0 {
        // m < 2^53 and |x| < 10^38 < 2^127, so the shift fits.
        Canon {
            int: i128::from(m) << e,
            frac: 0,
        }
    } else {
        let k = e.unsigned_abs();
        if k > FRAC_DIGITS {
            return None;
        }
        let m = u128::from(m);
        let int = (m >> k) as i128;
        let bits = m & ((1u128 << k) - 1);
        // bits / 2^k = bits * 5^k / 10^k; bits * 5^k < 10^k, times 10^(38-k) < 10^38.
        let frac = bits * 5u128.pow(k) * 10u128.pow(FRAC_DIGITS - k);
        Canon { int, frac }
    };
    Some(if neg { c.neg() } else { c })
}

/// Compares a finite, positive float that has no canonical form (more than 38 fraction
/// digits) with an exact number.
fn cmp_fine_float(x: f64, e: Canon) -> Ordering {
    let (_, m, exp) = decompose(x);
    debug_assert!(exp < -(FRAC_DIGITS as i32));
    let k = exp.unsigned_abs();
    let int = if k >= 64 { 0 } else { i128::from(m >> k) };
    match int.cmp(&e.int) {
        Ordering::Equal => {}
        o => return o,
    }
    // The fraction is fb / 2^k with fb odd and k > 38, so fb * 10^38 / 2^k is not a whole
    // number: the float's fraction lies strictly between q / 10^38 and (q + 1) / 10^38.
    let fb = if k >= 64 { m } else { m & ((1 << k) - 1) };
    let q = mul_shr_1e38(fb, k);
    if e.frac <= q {
        Ordering::Greater
    } else {
        Ordering::Less
    }
}

/// `floor(v * 10^38 / 2^k)` for `v < 2^53` and `v < 2^k`, in 192-bit arithmetic.
fn mul_shr_1e38(v: u64, k: u32) -> u128 {
    let (a, b) = ((FRAC_ONE >> 64) as u64, FRAC_ONE as u64);
    let lo = u128::from(v) * u128::from(b);
    let hi = u128::from(v) * u128::from(a) + (lo >> 64);
    let lo = lo as u64;
    // The result is below 10^38 because v < 2^k, so no bit is lost in the shifts below.
    match k {
        192.. => 0,
        64.. => hi.checked_shr(k - 64).unwrap_or(0),
        _ => (hi << (64 - k)) | u128::from(lo >> k),
    }
}

/// A number's comparable view.
#[derive(Clone, Copy)]
enum Num {
    Exact(Canon),
    Float(f64),
}

fn num(v: &FieldValue) -> Option<Num> {
    match v {
        FieldValue::Float(x) => Some(match float_canon(*x) {
            Some(c) => Num::Exact(c),
            None => Num::Float(*x),
        }),
        _ => v.exact().map(|(v, s)| Num::Exact(Canon::exact(v, s))),
    }
}

/// Compares two numbers by value; NaN is above everything and equal to itself.
fn cmp_num(a: Num, b: Num) -> Ordering {
    match (a, b) {
        (Num::Exact(a), Num::Exact(b)) => a.cmp(&b),
        (Num::Float(a), Num::Float(b)) => cmp_float(a, b),
        (Num::Float(x), Num::Exact(e)) => cmp_float_exact(x, e),
        (Num::Exact(e), Num::Float(x)) => cmp_float_exact(x, e).reverse(),
    }
}

fn cmp_float(a: f64, b: f64) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        // -0.0 and 0.0 compare equal here.
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// A float without a canonical form against an exact number.
fn cmp_float_exact(x: f64, e: Canon) -> Ordering {
    if x.is_nan() {
        return Ordering::Greater;
    }
    // Exact numbers are below 10^38 in magnitude.
    if x >= 1e38 {
        return Ordering::Greater;
    }
    if x <= -1e38 {
        return Ordering::Less;
    }
    if x > 0.0 {
        cmp_fine_float(x, e)
    } else {
        cmp_fine_float(-x, e.neg()).reverse()
    }
}

/// The rank of each kind of value in the total order (all numbers share one).
fn rank(v: &FieldValue) -> u8 {
    match v {
        FieldValue::Null => 0,
        FieldValue::Boolean(_) => 1,
        FieldValue::Integer(_)
        | FieldValue::Float(_)
        | FieldValue::ScaledInteger(..)
        | FieldValue::Decimal(_) => 2,
        FieldValue::String(_) => 3,
        FieldValue::Date(_) => 4,
        FieldValue::Timestamp(..) => 5,
        FieldValue::Interval(_) => 6,
        FieldValue::Array(_) => 7,
        FieldValue::Struct(_) => 8,
        FieldValue::Map(_) => 9,
    }
}

fn instant_nanos(v: i64, unit: crate::value::TimeUnit) -> i128 {
    i128::from(v) * i128::from(unit.nanos())
}

/// Where NULLs go in an ORDER BY.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum NullOrder {
    /// Before every other value (`Ord`'s choice).
    #[default]
    First,
    /// After every other value.
    Last,
}

impl FieldValue {
    /// The ORDER BY comparison with NULLs placed by `nulls` (ascending; reverse the result for
    /// descending, choosing `nulls` for the final order). Otherwise the same as `Ord`.
    pub fn cmp_nulls(&self, other: &FieldValue, nulls: NullOrder) -> Ordering {
        match (self.is_null(), other.is_null(), nulls) {
            (true, true, _) => Ordering::Equal,
            (true, false, NullOrder::First) | (false, true, NullOrder::Last) => Ordering::Less,
            (true, false, NullOrder::Last) | (false, true, NullOrder::First) => Ordering::Greater,
            (false, false, _) => self.cmp(other),
        }
    }

    /// SQL `=`: `None` (unknown) when either side is NULL, or when an array, struct or map
    /// differs only where a NULL is; numbers compare by value (`1 = 1.0` is true); values of
    /// different kinds are not equal.
    pub fn sql_eq(&self, other: &FieldValue) -> Option<bool> {
        match (self, other) {
            (FieldValue::Null, _) | (_, FieldValue::Null) => None,
            (FieldValue::Array(a), FieldValue::Array(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                all_eq(a.iter().zip(b.iter()))
            }
            (FieldValue::Struct(a), FieldValue::Struct(b)) => {
                if a.len() != b.len() || a.iter().zip(b.iter()).any(|(x, y)| x.0 != y.0) {
                    return Some(false);
                }
                all_eq(a.iter().map(|p| p.1).zip(b.iter().map(|p| p.1)))
            }
            (FieldValue::Map(a), FieldValue::Map(b)) => {
                let (a, b) = (a.sorted(), b.sorted());
                if a.len() != b.len() || a.iter().zip(&b).any(|(x, y)| x.0 != y.0) {
                    return Some(false);
                }
                all_eq(a.iter().map(|p| p.1).zip(b.iter().map(|p| p.1)))
            }
            _ => Some(self == other),
        }
    }

    /// SQL `<`, `>` and friends as one comparison: `None` when either side is NULL or the two
    /// are of kinds SQL does not compare (a string with a number, say); numbers compare by
    /// value across kinds.
    pub fn sql_cmp(&self, other: &FieldValue) -> Option<Ordering> {
        if self.is_null() || other.is_null() || rank(self) != rank(other) {
            return None;
        }
        match (self, other) {
            (FieldValue::Array(a), FieldValue::Array(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.sql_cmp(y)? {
                        Ordering::Equal => {}
                        o => return Some(o),
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            (FieldValue::Map(_), _) => None,
            _ => Some(self.cmp(other)),
        }
    }
}

fn all_eq<'a>(pairs: impl Iterator<Item = (&'a FieldValue, &'a FieldValue)>) -> Option<bool> {
    let mut unknown = false;
    for (x, y) in pairs {
        match x.sql_eq(y) {
            Some(false) => return Some(false),
            None => unknown = true,
            Some(true) => {}
        }
    }
    if unknown { None } else { Some(true) }
}

impl PartialEq for FieldValue {
    #[inline]
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (FieldValue::Integer(a), FieldValue::Integer(b)) => a == b,
            (FieldValue::String(a), FieldValue::String(b)) => a.as_str() == b.as_str(),
            _ => self.cmp(other) == Ordering::Equal,
        }
    }
}

impl Eq for FieldValue {}

impl PartialOrd for FieldValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for FieldValue {
    /// A total order: NULL, then booleans, numbers (by value; NaN last), strings (by bytes),
    /// dates, timestamps (by instant), intervals (months, then microseconds), arrays
    /// (element by element), structs (field by field, names then values), maps (entries sorted
    /// by key). Consistent with `Eq`.
    fn cmp(&self, other: &Self) -> Ordering {
        use FieldValue as V;
        match (self, other) {
            (V::Integer(a), V::Integer(b)) => return a.cmp(b),
            (V::ScaledInteger(a, s), V::ScaledInteger(b, t)) if s == t => return a.cmp(b),
            _ => {}
        }
        let (ra, rb) = (rank(self), rank(other));
        if ra != rb {
            return ra.cmp(&rb);
        }
        match (self, other) {
            (V::Null, V::Null) => Ordering::Equal,
            (V::Boolean(a), V::Boolean(b)) => a.cmp(b),
            (V::String(a), V::String(b)) => a.as_str().cmp(b.as_str()),
            (V::Date(a), V::Date(b)) => a.cmp(b),
            (V::Timestamp(a, ua, _), V::Timestamp(b, ub, _)) => {
                instant_nanos(*a, *ua).cmp(&instant_nanos(*b, *ub))
            }
            (V::Interval(a), V::Interval(b)) => a.cmp(b),
            (V::Array(a), V::Array(b)) => a.iter().cmp(b.iter()),
            (V::Struct(a), V::Struct(b)) => a.iter().cmp(b.iter()),
            (V::Map(a), V::Map(b)) => a.sorted().cmp(&b.sorted()),
            // Same rank and none of the above: both are numbers.
            _ => match (num(self), num(other)) {
                (Some(a), Some(b)) => cmp_num(a, b),
                _ => Ordering::Equal,
            },
        }
    }
}

impl Hash for FieldValue {
    /// Consistent with `Eq`: equal numbers hash their shared canonical form, timestamps their
    /// instant, maps their entries in an order-independent way.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            FieldValue::Null => state.write_u8(0),
            FieldValue::Boolean(b) => {
                state.write_u8(1);
                b.hash(state);
            }
            FieldValue::Integer(v) => {
                state.write_u8(2);
                Canon::exact(i128::from(*v), 0).hash(state);
            }
            FieldValue::Float(x) => match float_canon(*x) {
                Some(c) => {
                    state.write_u8(2);
                    c.hash(state);
                }
                None => {
                    state.write_u8(3);
                    let bits = if x.is_nan() {
                        f64::NAN.to_bits()
                    } else {
                        x.to_bits()
                    };
                    state.write_u64(bits);
                }
            },
            FieldValue::ScaledInteger(..) | FieldValue::Decimal(_) => {
                state.write_u8(2);
                let (v, s) = self.exact().unwrap_or_default();
                Canon::exact(v, s).hash(state);
            }
            FieldValue::String(s) => {
                state.write_u8(4);
                s.as_str().hash(state);
            }
            FieldValue::Date(d) => {
                state.write_u8(5);
                d.hash(state);
            }
            FieldValue::Timestamp(v, u, _) => {
                state.write_u8(6);
                instant_nanos(*v, *u).hash(state);
            }
            FieldValue::Interval(iv) => {
                state.write_u8(7);
                iv.hash(state);
            }
            FieldValue::Array(a) => {
                state.write_u8(8);
                a.len().hash(state);
                for v in a.iter() {
                    v.hash(state);
                }
            }
            FieldValue::Struct(f) => {
                state.write_u8(9);
                f.len().hash(state);
                for (k, v) in f.iter() {
                    k.hash(state);
                    v.hash(state);
                }
            }
            FieldValue::Map(f) => {
                state.write_u8(10);
                f.len().hash(state);
                // Entry order is not part of a map's identity: combine per-entry hashes made
                // with a fixed hasher by addition.
                let mut sum = 0u64;
                for (k, v) in f.iter() {
                    let mut h = std::hash::DefaultHasher::new();
                    k.hash(&mut h);
                    v.hash(&mut h);
                    sum = sum.wrapping_add(h.finish());
                }
                state.write_u64(sum);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact_of(x: f64) -> Option<Canon> {
        float_canon(x)
    }

    #[test]
    fn float_canon_matches_decimal_text() {
        assert_eq!(exact_of(0.5), Some(Canon::exact(5, 1)));
        assert_eq!(exact_of(-0.5), Some(Canon::exact(-5, 1)));
        assert_eq!(exact_of(-0.0), Some(Canon::exact(0, 0)));
        assert_eq!(exact_of(1.0), Some(Canon::exact(100, 2)));
        assert_eq!(exact_of(-2.25), Some(Canon::exact(-225, 2)));
        assert_eq!(exact_of(0.1), None);
        assert_eq!(exact_of(f64::NAN), None);
        assert_eq!(exact_of(1e38), None);
    }

    #[test]
    fn fine_floats_order_exactly() {
        // 0.1f64 is 0.1000000000000000055511151231257827…, above 0.1 and below 0.10000000000000001.
        let x = FieldValue::Float(0.1);
        let tenth = FieldValue::scaled(1, 1).unwrap();
        let above = FieldValue::decimal(10_000_000_000_000_001, 38, 17).unwrap();
        assert_eq!(x.cmp(&tenth), Ordering::Greater);
        assert_eq!(tenth.cmp(&x), Ordering::Less);
        assert_eq!(x.cmp(&above), Ordering::Less);
        let neg = FieldValue::Float(-0.1);
        assert_eq!(neg.cmp(&FieldValue::scaled(-1, 1).unwrap()), Ordering::Less);
        assert_eq!(
            neg.cmp(&FieldValue::decimal(-10_000_000_000_000_001, 38, 17).unwrap()),
            Ordering::Greater
        );
    }

    #[test]
    fn mul_shr_is_exact() {
        // 1 * 10^38 / 2^39 = 181898940354585647583.7… -> floor.
        assert_eq!(mul_shr_1e38(1, 39), 10u128.pow(38) >> 39);
        assert_eq!(
            mul_shr_1e38((1 << 53) - 1, 53),
            (10u128.pow(38) / (1 << 53)) * ((1 << 53) - 1)
                + (10u128.pow(38) % (1 << 53)) * ((1 << 53) - 1) / (1 << 53)
        );
        assert_eq!(mul_shr_1e38(3, 200), 0);
    }
}
