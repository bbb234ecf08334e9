//! Zero-sized types: no allocation, exact element counts, every drop accounted for.

use std::cell::Cell;

use valvec32::{ValVec32, valvec32};

use crate::support::counts;

thread_local! {
    static DROPS: Cell<usize> = const { Cell::new(0) };
}

/// A zero-sized type that counts its drops.
#[derive(Clone, PartialEq, Debug)]
struct Unit;

impl Drop for Unit {
    fn drop(&mut self) {
        DROPS.with(|d| d.set(d.get() + 1));
    }
}

fn drops() -> usize {
    DROPS.with(Cell::get)
}

#[test]
fn zst_never_allocates() {
    let before = counts();
    let mut v: ValVec32<()> = ValVec32::new();
    assert_eq!(v.capacity(), u32::MAX as usize);
    for _ in 0..1000 {
        v.push(());
    }
    v.reserve(1_000_000);
    v.shrink_to_fit();
    v.extend_from_slice(&[(); 10]);
    v.insert(3, ());
    assert_eq!(v.len(), 1011);
    assert_eq!(v.pop(), Some(()));
    assert_eq!(v.drain(..10).count(), 10);
    let w = v.split_off(500);
    assert_eq!((v.len(), w.len()), (500, 500));
    let as_vec: Vec<()> = w.into();
    assert_eq!(as_vec.len(), 500);
    let again = ValVec32::from(as_vec);
    assert_eq!(again.len(), 500);
    assert_eq!(again.into_iter().rev().count(), 500);
    let after = counts();
    assert_eq!(
        (after.allocs, after.reallocs),
        (before.allocs, before.reallocs)
    );
}

#[test]
fn zst_drops_are_exact() {
    let start = drops();
    let mut v: ValVec32<Unit> = valvec32![Unit; 10];
    assert_eq!(drops() - start, 0, "from_elem moves the last value in");
    v.truncate(7);
    assert_eq!(drops() - start, 3);
    let removed = v.remove(0);
    drop(removed);
    assert_eq!(drops() - start, 4);
    v.retain(|_| false);
    assert_eq!(drops() - start, 10);
    assert!(v.is_empty());
    let v: ValVec32<Unit> = (0..5).map(|_| Unit).collect();
    let mut it = v.into_iter();
    drop(it.next());
    drop(it);
    assert_eq!(drops() - start, 15);
    let mut d: ValVec32<Unit> = valvec32![Unit, Unit, Unit];
    d.dedup();
    assert_eq!(d.len(), 1);
    assert_eq!(drops() - start, 17);
    drop(d);
    assert_eq!(drops() - start, 18);
}
