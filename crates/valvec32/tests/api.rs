//! Each method against what `Vec` does, with exact expectations.

use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::mem::size_of;

use valvec32::{ValVec32, valvec32};

use crate::support::{counts, expect_panic};

#[test]
fn header_is_16_bytes() {
    assert_eq!(size_of::<ValVec32<u64>>(), 16);
    assert_eq!(size_of::<ValVec32<u8>>(), 16);
    assert_eq!(size_of::<ValVec32<[u8; 100]>>(), 16);
    assert_eq!(size_of::<Option<ValVec32<u64>>>(), 16);
    assert_eq!(size_of::<Vec<u64>>(), 24);
}

#[test]
fn send_and_sync_like_vec() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ValVec32<u64>>();
    send_sync::<valvec32::IntoIter<String>>();
    send_sync::<valvec32::Drain<'static, String>>();
}

#[test]
fn new_allocates_nothing() {
    let before = counts();
    let v: ValVec32<u64> = ValVec32::new();
    assert_eq!((v.len(), v.capacity()), (0, 0));
    drop(v);
    let d: ValVec32<String> = ValVec32::default();
    assert!(d.is_empty());
    drop(d);
    assert_eq!(counts().allocs, before.allocs);
}

#[test]
fn push_pop_and_growth_sequence() {
    let mut v = ValVec32::new();
    let mut caps = vec![];
    for i in 0..100u64 {
        v.push(i);
        if caps.last() != Some(&v.capacity()) {
            caps.push(v.capacity());
        }
    }
    // Vec's minimum for 8-byte elements, then doubling.
    assert_eq!(caps, [4, 8, 16, 32, 64, 128]);
    assert_eq!(v.len(), 100);
    assert_eq!(v.len_u32(), 100);
    assert_eq!(v.capacity_u32(), 128);
    assert_eq!(v.pop(), Some(99));
    assert_eq!(v.len(), 99);
    assert_eq!(v.iter().sum::<u64>(), (0..99).sum());
    let mut e: ValVec32<u8> = ValVec32::new();
    e.push(1);
    assert_eq!(e.capacity(), 8, "Vec's minimum for 1-byte elements");
    assert_eq!(e.pop(), Some(1));
    assert_eq!(e.pop(), None);
}

#[test]
fn with_capacity_is_exact() {
    let v: ValVec32<u32> = ValVec32::with_capacity(10);
    assert_eq!(v.capacity(), 10);
    let v: ValVec32<u32> = ValVec32::try_with_capacity(3).unwrap();
    assert_eq!(v.capacity(), 3);
    let v: ValVec32<u32> = ValVec32::with_capacity(0);
    assert_eq!(v.capacity(), 0);
}

#[test]
fn insert_remove_swap_remove() {
    let mut v: ValVec32<i32> = valvec32![1, 2, 3];
    v.insert(0, 0);
    v.insert(4, 4);
    v.insert(2, 9);
    assert_eq!(v, [0, 1, 9, 2, 3, 4]);
    assert_eq!(v.remove(2), 9);
    assert_eq!(v.remove(0), 0);
    assert_eq!(v, [1, 2, 3, 4]);
    assert_eq!(v.swap_remove(0), 1);
    assert_eq!(v, [4, 2, 3]);
    assert_eq!(v.swap_remove(2), 3);
    assert_eq!(v, [4, 2]);
}

#[test]
fn index_panics_match_vec() {
    let mut v: ValVec32<i32> = valvec32![1, 2, 3];
    assert_eq!(
        expect_panic(|| v.insert(5, 0)),
        "insertion index (is 5) should be <= len (is 3)"
    );
    assert_eq!(
        expect_panic(|| {
            let _ = v.remove(3);
        }),
        "removal index (is 3) should be < len (is 3)"
    );
    assert_eq!(
        expect_panic(|| {
            let _ = v.swap_remove(7);
        }),
        "swap_remove index (is 7) should be < len (is 3)"
    );
    assert_eq!(
        expect_panic(|| drop(v.split_off(4))),
        "`at` split index (is 4) should be <= len (is 3)"
    );
    assert_eq!(
        expect_panic(|| drop(v.drain(2..5))),
        "range end index 5 out of range for slice of length 3"
    );
    #[allow(clippy::reversed_empty_ranges, reason = "testing the panic")]
    let msg = expect_panic(|| drop(v.drain(2..1)));
    assert_eq!(msg, "slice index starts at 2 but ends at 1");
    assert_eq!(v, [1, 2, 3], "a panicking call leaves the vector unchanged");
}

#[test]
fn truncate_clear_resize() {
    let mut v: ValVec32<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
    let cap = v.capacity();
    v.truncate(10);
    assert_eq!(v.len(), 4);
    v.truncate(2);
    assert_eq!(v, ["a", "b"]);
    v.resize(4, "z".to_string());
    assert_eq!(v, ["a", "b", "z", "z"]);
    v.resize(1, String::new());
    assert_eq!(v, ["a"]);
    let mut n = 0;
    v.resize_with(3, || {
        n += 1;
        n.to_string()
    });
    assert_eq!(v, ["a", "1", "2"]);
    v.clear();
    assert!(v.is_empty());
    assert_eq!(v.capacity(), cap, "clear keeps the buffer");
}

#[test]
fn extend_variants() {
    let mut v: ValVec32<u16> = ValVec32::new();
    v.extend_from_slice(&[1, 2, 3]);
    v.extend([4u16, 5]);
    v.extend(&[6u16, 7]);
    v.extend((8..10u16).filter(|_| true)); // size_hint lower bound 0
    v.extend(std::iter::empty::<u16>());
    assert_eq!(v, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    let collected: ValVec32<u16> = (0..1000).collect();
    assert_eq!(collected.len(), 1000);
    assert!(collected.iter().copied().eq(0..1000));
    let strings: ValVec32<String> = (0..50)
        .map(|i| i.to_string())
        .filter(|s| s.len() < 3)
        .collect();
    assert_eq!(strings.len(), 50);
    assert_eq!(strings[49], "49");
}

#[test]
fn extend_from_slice_reserves_once() {
    let mut v: ValVec32<u64> = ValVec32::new();
    let src: Vec<u64> = (0..100_000).collect();
    let before = counts();
    v.extend_from_slice(&src);
    let after = counts();
    assert_eq!(after.allocs - before.allocs, 1);
    assert_eq!(after.reallocs - before.reallocs, 0);
    assert_eq!(v.capacity(), 100_000);
    assert_eq!(v, src);
}

#[test]
fn append_and_split_off() {
    let mut a: ValVec32<String> = valvec32!["a".to_string(), "b".to_string()];
    let mut b: ValVec32<String> = valvec32!["c".to_string()];
    a.append(&mut b);
    assert!(b.is_empty());
    assert_eq!(a, ["a", "b", "c"]);
    let tail = a.split_off(1);
    assert_eq!(a, ["a"]);
    assert_eq!(tail, ["b", "c"]);
    assert_eq!(tail.capacity(), 2);
    let mut c = tail.clone();
    let all = c.split_off(0);
    assert!(c.is_empty());
    assert_eq!(all, ["b", "c"]);
}

#[test]
fn drain_ranges() {
    let mut v: ValVec32<u32> = (0..10).collect();
    let d: Vec<u32> = v.drain(2..5).collect();
    assert_eq!(d, [2, 3, 4]);
    assert_eq!(v, [0, 1, 5, 6, 7, 8, 9]);
    let mut d = v.drain(1..=3);
    assert_eq!(d.len(), 3);
    assert_eq!(d.next_back(), Some(6));
    assert_eq!(d.as_slice(), [1, 5]);
    drop(d); // the rest is dropped, the tail closes up
    assert_eq!(v, [0, 7, 8, 9]);
    assert_eq!(v.drain(..).rev().collect::<Vec<_>>(), [9, 8, 7, 0]);
    assert!(v.is_empty());
    let mut w: ValVec32<String> = (0..5).map(|i| i.to_string()).collect();
    std::mem::forget(w.drain(1..3));
    assert_eq!(
        w,
        ["0"],
        "a leaked drain keeps only the head, never a moved-out slot"
    );
    // Nothing was moved out, so the slots are intact: take them back (miri checks no leak).
    // SAFETY: the drain yielded nothing, so elements 1..5 are still initialized.
    unsafe { w.set_len(5) };
    assert_eq!(w, ["0", "1", "2", "3", "4"]);
}

#[test]
fn retain_and_retain_mut() {
    let mut v: ValVec32<u32> = (0..20).collect();
    v.retain(|&x| x % 3 == 0);
    assert_eq!(v, [0, 3, 6, 9, 12, 15, 18]);
    v.retain_mut(|x| {
        *x += 1;
        *x % 2 == 0
    });
    assert_eq!(v, [4, 10, 16]);
    let mut s: ValVec32<String> = (0..6).map(|i| i.to_string()).collect();
    s.retain(|x| x != "2" && x != "3");
    assert_eq!(s, ["0", "1", "4", "5"]);
}

#[test]
fn dedup_family() {
    let mut v: ValVec32<u32> = valvec32![1, 1, 2, 3, 3, 3, 1, 4, 4];
    v.dedup();
    assert_eq!(v, [1, 2, 3, 1, 4]);
    let mut w: ValVec32<i32> = valvec32![10, 11, 20, 25, 31, 1];
    w.dedup_by_key(|x| *x / 10);
    assert_eq!(w, [10, 20, 31, 1]);
    let mut s: ValVec32<&str> = valvec32!["foo", "FOO", "bar", "Bar", "baz"];
    s.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    assert_eq!(s, ["foo", "bar", "baz"]);
    let mut one: ValVec32<u8> = valvec32![5];
    one.dedup();
    assert_eq!(one, [5]);
}

#[test]
fn reserve_and_shrink() {
    let mut v: ValVec32<u64> = ValVec32::new();
    v.reserve(10);
    assert_eq!(
        v.capacity(),
        10,
        "a request larger than the policy's step is taken as is"
    );
    v.extend_from_slice(&[1; 10]);
    v.reserve(1);
    assert_eq!(v.capacity(), 20, "then the policy doubles");
    v.reserve_exact(15);
    assert_eq!(v.capacity(), 25);
    v.try_reserve(5).unwrap();
    v.try_reserve_exact(100).unwrap();
    assert_eq!(v.capacity(), 110);
    v.shrink_to(50);
    assert_eq!(v.capacity(), 50);
    v.shrink_to_fit();
    assert_eq!(v.capacity(), 10);
    v.clear();
    let before = counts();
    v.shrink_to_fit();
    assert_eq!(v.capacity(), 0);
    assert_eq!(
        counts().deallocs - before.deallocs,
        1,
        "an empty vector frees its buffer"
    );
}

#[test]
fn spare_capacity_and_set_len() {
    let mut v: ValVec32<u32> = ValVec32::with_capacity(8);
    v.push(1);
    let spare = v.spare_capacity_mut();
    assert_eq!(spare.len(), 7);
    spare[0].write(2);
    spare[1].write(3);
    // SAFETY: the two slots after the length were just written, and 3 <= capacity.
    unsafe { v.set_len(3) };
    assert_eq!(v, [1, 2, 3]);
    let p = v.as_mut_ptr();
    // SAFETY: index 2 is within the length.
    unsafe { *p.add(2) = 30 };
    assert_eq!(v.as_slice(), [1, 2, 30]);
    assert_eq!(v.as_ptr(), p.cast_const());
}

#[test]
fn deref_and_slice_methods() {
    let mut v: ValVec32<i32> = valvec32![3, 1, 2];
    v.sort_unstable();
    assert_eq!(v[..], [1, 2, 3]);
    assert_eq!(v.first(), Some(&1));
    v[0] = 10;
    assert_eq!(v.iter().max(), Some(&10));
    for x in &mut v {
        *x *= 2;
    }
    assert_eq!((&v).into_iter().copied().collect::<Vec<_>>(), [20, 4, 6]);
    assert!(v.contains(&4));
}

#[test]
fn owning_iterator() {
    let v: ValVec32<String> = (0..6).map(|i| i.to_string()).collect();
    let mut it = v.into_iter();
    assert_eq!(it.len(), 6);
    assert_eq!(it.next().as_deref(), Some("0"));
    assert_eq!(it.next_back().as_deref(), Some("5"));
    assert_eq!(it.as_slice(), ["1", "2", "3", "4"]);
    it.as_mut_slice()[0].push('!');
    let copy = it.clone();
    assert_eq!(it.size_hint(), (4, Some(4)));
    assert_eq!(it.collect::<Vec<_>>(), ["1!", "2", "3", "4"]);
    assert_eq!(copy.rev().collect::<Vec<_>>(), ["4", "3", "2", "1!"]);
    let partly: ValVec32<String> = (0..3).map(|i| i.to_string()).collect();
    let mut it = partly.into_iter();
    it.next();
    drop(it); // drops "1" and "2", frees the buffer (the test allocator and miri check it)
}

#[test]
fn comparisons_and_hash_match_vec() {
    let a: ValVec32<i32> = valvec32![1, 2, 3];
    let b: Vec<i32> = vec![1, 2, 3];
    assert_eq!(a, b);
    assert_eq!(b, a);
    assert_eq!(a, [1, 2, 3]);
    assert_eq!(a, &[1, 2, 3]);
    assert_eq!(a, b[..]);
    assert_eq!(a, &b[..]);
    assert_eq!(b[..], a);
    assert!(a < valvec32![1, 2, 4]);
    assert!(a > valvec32![1, 2]);
    assert_eq!(a.cmp(&a.clone()), std::cmp::Ordering::Equal);
    let hash = |h: &dyn Fn(&mut DefaultHasher)| {
        let mut s = DefaultHasher::new();
        h(&mut s);
        s.finish()
    };
    assert_eq!(
        hash(&|s| a.hash(s)),
        hash(&|s| b.hash(s)),
        "hashes like Vec and the slice"
    );
    let mut m: HashMap<ValVec32<i32>, &str> = HashMap::new();
    m.insert(a.clone(), "x");
    assert_eq!(
        m.get(&[1, 2, 3][..]),
        Some(&"x"),
        "Borrow<[T]> lookups work"
    );
    assert_eq!(format!("{a:?}"), "[1, 2, 3]");
}

#[test]
fn conversions_move_the_buffer() {
    let vec: Vec<u64> = Vec::with_capacity(100);
    let ptr = vec.as_ptr();
    let mut v = ValVec32::from(vec);
    assert_eq!((v.as_ptr(), v.capacity()), (ptr, 100));
    v.push(5);
    let back: Vec<u64> = v.into();
    assert_eq!(
        (back.as_ptr(), back.capacity(), back.as_slice()),
        (ptr, 100, &[5][..])
    );
    let empty: ValVec32<u64> = Vec::new().into();
    assert_eq!(empty.capacity(), 0);
    assert_eq!(Vec::from(empty), Vec::<u64>::new());
    assert_eq!(ValVec32::from(&[1, 2][..]), [1, 2]);
    assert_eq!(ValVec32::from(&mut [3, 4][..]), [3, 4]);
    assert_eq!(ValVec32::from([String::from("x")]), ["x"]);
    assert_eq!(ValVec32::from("hé"), "hé".as_bytes());
    assert_eq!(ValVec32::try_from_vec(vec![1u8, 2]).unwrap(), [1, 2]);
    let leaked: &'static mut [u32] = valvec32![9u32, 8].leak();
    assert_eq!(leaked, [9, 8]);
    // SAFETY: the leaked slice came from a buffer of exactly this length and capacity.
    drop(unsafe { ValVec32::from_raw_parts(leaked.as_mut_ptr(), 2, 2) });
}

#[test]
fn clone_and_clone_from() {
    let a: ValVec32<String> = (0..5).map(|i| i.to_string()).collect();
    let b = a.clone();
    assert_eq!(a, b);
    assert_eq!(b.capacity(), 5);
    let mut c: ValVec32<String> = (0..10).map(|i| (i * 10).to_string()).collect();
    let cap = c.capacity();
    c.clone_from(&a);
    assert_eq!(c, a);
    assert_eq!(c.capacity(), cap, "clone_from reuses the buffer");
    let mut d: ValVec32<String> = valvec32!["q".to_string()];
    d.clone_from(&a);
    assert_eq!(d, a);
}

#[test]
fn macro_forms() {
    let e: ValVec32<i32> = valvec32![];
    assert!(e.is_empty());
    assert_eq!(valvec32![1, 2, 3,], [1, 2, 3]);
    let s = valvec32![String::from("ab"); 3];
    assert_eq!(s, ["ab", "ab", "ab"]);
    let z: ValVec32<String> = valvec32![String::new(); 0];
    assert!(z.is_empty());
}

#[test]
fn io_write() {
    let mut v: ValVec32<u8> = ValVec32::new();
    let word = "ab";
    write!(v, "{}-{word}", 12).unwrap();
    v.write_all(b"!").unwrap();
    v.flush().unwrap();
    assert_eq!(v, b"12-ab!");
}

#[test]
fn allocation_failure_is_an_error_in_try_methods() {
    use crate::support::failing_size;
    use valvec32::TryReserveErrorKind;
    // A size no other part of this thread asks for: 12345 elements of 8 bytes.
    let err = failing_size(12345 * 8, || ValVec32::<u64>::try_with_capacity(12345)).unwrap_err();
    assert!(
        matches!(err.kind(), TryReserveErrorKind::AllocError { layout } if layout.size() == 98760)
    );
    assert_eq!(
        err.to_string(),
        "memory allocation of 98760 bytes (alignment 8) failed"
    );
    let mut v: ValVec32<u64> = valvec32![1, 2, 3];
    let e = failing_size(12345 * 8, || v.try_reserve_exact(12342)).unwrap_err();
    assert!(matches!(e.kind(), TryReserveErrorKind::AllocError { .. }));
    assert_eq!(v, [1, 2, 3], "a failed realloc leaves the vector as it was");
    let mut w: ValVec32<u64> = ValVec32::with_capacity(4);
    w.extend_from_slice(&[1, 2, 3, 4]);
    // The next growth asks for 8 elements = 64 bytes.
    let err = failing_size(64, || w.try_push(5)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "could not push: memory allocation of 64 bytes (alignment 8) failed"
    );
    assert_eq!(err.into_value(), 5, "the value comes back");
    assert_eq!(w, [1, 2, 3, 4]);
    w.try_push(5).unwrap();
    assert_eq!(w, [1, 2, 3, 4, 5]);
}
