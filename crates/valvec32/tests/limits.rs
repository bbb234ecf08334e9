//! The u32 limit: every length conversion is checked; overflow is an error in `try_*` methods
//! and a clear panic elsewhere; nothing is ever truncated into a short reservation.

use valvec32::{TryReserveErrorKind, ValVec32};

use crate::support::{counts, expect_panic};

const OVERFLOW: &str = "capacity overflow: a ValVec32 holds at most u32::MAX (4294967295) elements and isize::MAX bytes";

/// A slice of `n` unit values: zero bytes, so any length is a valid slice.
fn units(n: usize) -> &'static [()] {
    // SAFETY: a slice of a zero-sized type occupies no memory; a dangling aligned pointer is
    // valid for any length.
    unsafe { std::slice::from_raw_parts(std::ptr::NonNull::<()>::dangling().as_ptr(), n) }
}

#[test]
fn try_reserve_past_u32_is_capacity_overflow() {
    let mut v: ValVec32<u8> = ValVec32::new();
    v.push(1);
    let before = counts();
    let e = v.try_reserve(u32::MAX as usize).unwrap_err();
    assert!(v.try_reserve_exact(u32::MAX as usize).is_err());
    assert!(v.try_reserve(usize::MAX).is_err());
    assert!(ValVec32::<u8>::try_with_capacity(u32::MAX as usize + 1).is_err());
    assert!(ValVec32::<u8>::try_with_capacity(usize::MAX).is_err());
    let after = counts();
    assert_eq!(
        (after.allocs, after.reallocs),
        (before.allocs, before.reallocs),
        "nothing was allocated for an impossible request"
    );
    assert_eq!(e.kind(), TryReserveErrorKind::CapacityOverflow);
    assert_eq!(e.to_string(), OVERFLOW);
    assert_eq!(v, [1]);
}

#[test]
fn byte_size_past_isize_is_capacity_overflow() {
    let e = ValVec32::<[u8; 1 << 40]>::try_with_capacity(1 << 24).unwrap_err();
    assert_eq!(e.kind(), TryReserveErrorKind::CapacityOverflow);
}

#[test]
fn infallible_methods_panic_clearly() {
    assert_eq!(
        expect_panic(|| drop(ValVec32::<u8>::with_capacity(u32::MAX as usize + 1))),
        OVERFLOW
    );
    let mut v: ValVec32<u8> = ValVec32::new();
    v.push(0);
    assert_eq!(expect_panic(|| v.reserve(u32::MAX as usize)), OVERFLOW);
    assert_eq!(
        expect_panic(|| v.reserve_exact(u32::MAX as usize)),
        OVERFLOW
    );
    assert_eq!(v, [0]);
}

#[test]
fn long_slices_never_truncate() {
    // u32::MAX + 5 would truncate to 4 if converted with `as u32`.
    let long = units(u32::MAX as usize + 5);
    let mut v: ValVec32<()> = ValVec32::new();
    assert!(v.try_reserve(long.len()).is_err());
    assert_eq!(expect_panic(|| v.extend_from_slice(long)), OVERFLOW);
    assert_eq!(expect_panic(|| drop(ValVec32::from(long))), OVERFLOW);
    assert!(v.is_empty());
    let n = u32::MAX as usize + 1;
    // SAFETY: unit values need no storage: a dangling pointer describes a zero-byte buffer of
    // any capacity, and `()` needs no initialization.
    let big: Vec<()> = unsafe { Vec::from_raw_parts(std::ptr::NonNull::dangling().as_ptr(), n, n) };
    let back = ValVec32::try_from_vec(big).unwrap_err();
    assert_eq!(
        back.len(),
        u32::MAX as usize + 1,
        "the Vec comes back whole"
    );
}

#[test]
fn exactly_u32_max_fits() {
    let full = units(u32::MAX as usize);
    let mut v: ValVec32<()> = ValVec32::new();
    v.try_reserve(full.len()).unwrap();
    // SAFETY: unit values need no initialization, and u32::MAX <= capacity (u32::MAX).
    unsafe { v.set_len(full.len()) };
    assert_eq!(v.len(), u32::MAX as usize);
    assert_eq!(v.len_u32(), u32::MAX);
    assert_eq!(expect_panic(|| v.push(())), OVERFLOW);
    assert_eq!(
        v.try_push(()).unwrap_err().error().kind(),
        TryReserveErrorKind::CapacityOverflow
    );
    assert_eq!(expect_panic(|| v.insert(0, ())), OVERFLOW);
    assert_eq!(v.len(), u32::MAX as usize);
    v.truncate(0);
}
