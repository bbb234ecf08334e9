//! A panicking `clone`, predicate or `Drop` leaves a valid vector: no double drop, no leak of
//! initialized elements. `Tracked` asserts the first; the registry's live count the second.

use std::rc::Rc;

use valvec32::ValVec32;

use crate::support::{Registry, Tracked, expect_panic, vals};

fn make(reg: &Rc<Registry>, n: u32) -> ValVec32<Tracked> {
    (0..n).map(|i| reg.make(i)).collect()
}

#[test]
fn extend_from_slice_with_panicking_clone() {
    let reg = Registry::new();
    let src: Vec<Tracked> = (10..15).map(|i| reg.make(i)).collect();
    let mut v = make(&reg, 2);
    reg.panic_on_clone.set(Some(3));
    let msg = expect_panic(|| v.extend_from_slice(&src));
    assert_eq!(msg, "clone number 3 panics (as the test asked)");
    assert_eq!(vals(&v), [0, 1, 10, 11], "the two finished clones stay");
    drop(v);
    drop(src);
    assert_eq!(reg.live(), 0);
}

#[test]
fn resize_with_panicking_clone() {
    let reg = Registry::new();
    let mut v = make(&reg, 1);
    reg.panic_on_clone.set(Some(2));
    let fill = reg.make(7);
    expect_panic(|| v.resize(5, fill));
    assert_eq!(
        vals(&v),
        [0, 7],
        "one clone landed; the fill value itself was dropped"
    );
    drop(v);
    assert_eq!(reg.live(), 0);
}

#[test]
fn clone_of_vector_with_panicking_clone() {
    let reg = Registry::new();
    let v = make(&reg, 4);
    reg.panic_on_clone.set(Some(3));
    expect_panic(|| drop(v.clone()));
    assert_eq!(reg.live(), 4, "the partial clone was dropped whole");
    drop(v);
    assert_eq!(reg.live(), 0);
}

#[test]
fn resize_with_panicking_generator() {
    let reg = Registry::new();
    let mut v = make(&reg, 2);
    let mut n = 0;
    expect_panic(|| {
        v.resize_with(6, || {
            n += 1;
            assert!(n < 3, "generator gives up");
            reg.make(100 + n)
        })
    });
    assert_eq!(vals(&v), [0, 1, 101, 102]);
    drop(v);
    assert_eq!(reg.live(), 0);
}

#[test]
fn retain_with_panicking_predicate() {
    let reg = Registry::new();
    let mut v = make(&reg, 8);
    expect_panic(|| {
        v.retain(|t| {
            assert!(t.val != 5, "predicate panics at 5");
            t.val % 2 == 0
        })
    });
    // 0..5 processed (odd ones removed), 5.. kept unprocessed.
    assert_eq!(vals(&v), [0, 2, 4, 5, 6, 7]);
    drop(v);
    assert_eq!(reg.live(), 0);
}

#[test]
fn retain_with_panicking_drop() {
    let reg = Registry::new();
    let mut v = make(&reg, 8);
    reg.panic_on_drop_val.set(Some(3));
    expect_panic(|| v.retain(|t| t.val % 2 == 0));
    assert_eq!(
        vals(&v),
        [0, 2, 4, 5, 6, 7],
        "1 and 3 are gone, the unprocessed tail stays"
    );
    drop(v);
    assert_eq!(reg.live(), 0);
}

#[test]
fn dedup_with_panicking_closure_and_drop() {
    let reg = Registry::new();
    let mut v: ValVec32<Tracked> = [1, 1, 2, 2, 3, 3].iter().map(|&i| reg.make(i)).collect();
    let mut calls = 0;
    expect_panic(|| {
        v.dedup_by(|a, b| {
            calls += 1;
            assert!(calls < 4, "closure panics on its 4th call");
            a.val == b.val
        })
    });
    assert_eq!(
        vals(&v),
        [1, 2, 3, 3],
        "the closure panicked at index 4 (the first 3); the unprocessed tail stays"
    );
    drop(v);
    assert_eq!(reg.live(), 0);
    let mut w: ValVec32<Tracked> = [4, 4, 5, 6, 6].iter().map(|&i| reg.make(i)).collect();
    reg.panic_on_drop_val.set(Some(4));
    expect_panic(|| w.dedup());
    assert_eq!(vals(&w), [4, 5, 6, 6]);
    drop(w);
    assert_eq!(reg.live(), 0);
}

#[test]
fn truncate_with_panicking_drop_sets_length_first() {
    let reg = Registry::new();
    let mut v = make(&reg, 6);
    reg.panic_on_drop_val.set(Some(3));
    expect_panic(|| v.truncate(2));
    assert_eq!(
        vals(&v),
        [0, 1],
        "length was set before dropping; the others were dropped"
    );
    assert_eq!(reg.live(), 2);
    drop(v);
    assert_eq!(reg.live(), 0);
}

#[test]
fn drop_with_panicking_element_frees_everything() {
    let reg = Registry::new();
    let v = make(&reg, 5);
    reg.panic_on_drop_val.set(Some(1));
    expect_panic(|| drop(v));
    assert_eq!(reg.live(), 0, "the other four were still dropped");
    // The buffer was freed too: miri reports a leak otherwise.
}

#[test]
fn into_iter_and_drain_with_panicking_drop() {
    let reg = Registry::new();
    let v = make(&reg, 5);
    let mut it = v.into_iter();
    drop(it.next());
    reg.panic_on_drop_val.set(Some(2));
    expect_panic(|| drop(it));
    assert_eq!(reg.live(), 0);

    let mut v = make(&reg, 6);
    reg.panic_on_drop_val.set(Some(2));
    expect_panic(|| {
        let mut d = v.drain(1..4);
        drop(d.next());
        drop(d); // drops 2 (panics) and 3; the tail 4, 5 still closes up
    });
    assert_eq!(vals(&v), [0, 4, 5]);
    drop(v);
    assert_eq!(reg.live(), 0);
}

#[test]
fn extend_with_panicking_iterator() {
    let reg = Registry::new();
    let mut v = make(&reg, 1);
    expect_panic(|| {
        v.extend((0..10).map(|i| {
            assert!(i < 6, "iterator panics at 6");
            reg.make(50 + i)
        }))
    });
    assert_eq!(vals(&v), [0, 50, 51, 52, 53, 54, 55]);
    drop(v);
    assert_eq!(reg.live(), 0);
}
