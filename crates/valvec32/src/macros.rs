//! The `valvec32!` macro.

/// Builds a [`ValVec32`](crate::ValVec32) like `vec!`: from a list of elements, or `n` clones
/// of one element.
///
/// ```
/// use valvec32::valvec32;
///
/// let empty: valvec32::ValVec32<u8> = valvec32![];
/// assert!(empty.is_empty());
/// assert_eq!(valvec32![1, 2, 3], [1, 2, 3]);
/// assert_eq!(valvec32![7u8; 4], [7, 7, 7, 7]);
/// ```
#[macro_export]
macro_rules! valvec32 {
    () => {
        $crate::ValVec32::new()
    };
    ($elem:expr; $n:expr) => {
        $crate::ValVec32::from_elem($elem, $n)
    };
    ($($x:expr),+ $(,)?) => {
        $crate::ValVec32::from([$($x),+])
    };
}
