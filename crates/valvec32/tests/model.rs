//! The model test: random operation sequences applied to a `ValVec32` and a `Vec` side by
//! side, with drop-tracked elements; after every step both hold the same values, and at the
//! end every element was dropped exactly once.

use std::rc::Rc;

use proptest::prelude::*;
use valvec32::ValVec32;

use crate::support::{Registry, Tracked, vals};

#[derive(Clone, Debug)]
enum Op {
    Push(u32),
    Pop,
    Insert(usize, u32),
    Remove(usize),
    SwapRemove(usize),
    Truncate(usize),
    Clear,
    Resize(usize, u32),
    ResizeWith(usize),
    ExtendFromSlice(Vec<u32>),
    ExtendIter(Vec<u32>),
    Append(Vec<u32>),
    Drain {
        a: usize,
        b: usize,
        front: usize,
        back: usize,
    },
    Retain(u32),
    RetainMut(u32),
    Dedup,
    DedupByKey(u32),
    SplitOff(usize),
    Reserve(usize),
    ReserveExact(usize),
    ShrinkToFit,
    ShrinkTo(usize),
    SpareWrite(Vec<u32>),
    Clone,
    CloneFrom(Vec<u32>),
    IntoIter {
        front: usize,
        back: usize,
    },
    ThroughVec,
    Sort,
}

fn op() -> impl Strategy<Value = Op> {
    let val = 0u32..6;
    let small = 0usize..40;
    let list = proptest::collection::vec(0u32..6, 0..20);
    prop_oneof![
        4 => val.clone().prop_map(Op::Push),
        2 => Just(Op::Pop),
        2 => (small.clone(), val.clone()).prop_map(|(i, v)| Op::Insert(i, v)),
        2 => small.clone().prop_map(Op::Remove),
        1 => small.clone().prop_map(Op::SwapRemove),
        1 => small.clone().prop_map(Op::Truncate),
        1 => Just(Op::Clear),
        1 => (small.clone(), val.clone()).prop_map(|(n, v)| Op::Resize(n, v)),
        1 => small.clone().prop_map(Op::ResizeWith),
        2 => list.clone().prop_map(Op::ExtendFromSlice),
        2 => list.clone().prop_map(Op::ExtendIter),
        1 => list.clone().prop_map(Op::Append),
        2 => (small.clone(), small.clone(), 0usize..5, 0usize..5)
            .prop_map(|(a, b, front, back)| Op::Drain { a, b, front, back }),
        1 => (2u32..5).prop_map(Op::Retain),
        1 => (2u32..5).prop_map(Op::RetainMut),
        1 => Just(Op::Dedup),
        1 => (1u32..4).prop_map(Op::DedupByKey),
        1 => small.clone().prop_map(Op::SplitOff),
        1 => small.clone().prop_map(Op::Reserve),
        1 => small.clone().prop_map(Op::ReserveExact),
        1 => Just(Op::ShrinkToFit),
        1 => small.clone().prop_map(Op::ShrinkTo),
        1 => list.clone().prop_map(Op::SpareWrite),
        1 => Just(Op::Clone),
        1 => list.prop_map(Op::CloneFrom),
        1 => (0usize..5, 0usize..5).prop_map(|(front, back)| Op::IntoIter { front, back }),
        1 => Just(Op::ThroughVec),
        1 => Just(Op::Sort),
    ]
}

/// Applies one operation to both, checking what each returns.
fn apply(reg: &Rc<Registry>, ours: &mut ValVec32<Tracked>, model: &mut Vec<Tracked>, op: Op) {
    let mk = |xs: &[u32]| -> Vec<Tracked> { xs.iter().map(|&x| reg.make(x)).collect() };
    let len = model.len();
    match op {
        Op::Push(v) => {
            ours.push(reg.make(v));
            model.push(reg.make(v));
        }
        Op::Pop => assert_eq!(ours.pop().map(|t| t.val), model.pop().map(|t| t.val)),
        Op::Insert(i, v) => {
            let i = i % (len + 1);
            ours.insert(i, reg.make(v));
            model.insert(i, reg.make(v));
        }
        Op::Remove(i) if len > 0 => assert_eq!(ours.remove(i % len).val, model.remove(i % len).val),
        Op::SwapRemove(i) if len > 0 => {
            assert_eq!(
                ours.swap_remove(i % len).val,
                model.swap_remove(i % len).val
            )
        }
        Op::Remove(_) | Op::SwapRemove(_) => {}
        Op::Truncate(n) => {
            ours.truncate(n % (len + 2));
            model.truncate(n % (len + 2));
        }
        Op::Clear => {
            ours.clear();
            model.clear();
        }
        Op::Resize(n, v) => {
            ours.resize(n, reg.make(v));
            model.resize(n, reg.make(v));
        }
        Op::ResizeWith(n) => {
            let mut k = 0;
            ours.resize_with(n, || {
                k += 1;
                reg.make(k)
            });
            let mut k = 0;
            model.resize_with(n, || {
                k += 1;
                reg.make(k)
            });
        }
        Op::ExtendFromSlice(xs) => {
            let src = mk(&xs);
            ours.extend_from_slice(&src);
            model.extend_from_slice(&src);
        }
        Op::ExtendIter(xs) => {
            // A filter hides the length from size_hint, exercising the growth path.
            ours.extend(mk(&xs).into_iter().filter(|t| t.val != 5));
            model.extend(mk(&xs).into_iter().filter(|t| t.val != 5));
        }
        Op::Append(xs) => {
            let mut a: ValVec32<Tracked> = mk(&xs).into_iter().collect();
            ours.append(&mut a);
            assert!(a.is_empty());
            let mut b = mk(&xs);
            model.append(&mut b);
        }
        Op::Drain { a, b, front, back } => {
            let (mut s, mut e) = (a % (len + 1), b % (len + 1));
            if s > e {
                std::mem::swap(&mut s, &mut e);
            }
            let mut d1 = ours.drain(s..e);
            let mut d2 = model.drain(s..e);
            for _ in 0..front {
                assert_eq!(d1.next().map(|t| t.val), d2.next().map(|t| t.val));
            }
            for _ in 0..back {
                assert_eq!(d1.next_back().map(|t| t.val), d2.next_back().map(|t| t.val));
            }
            assert_eq!(d1.len(), d2.len());
        }
        Op::Retain(k) => {
            ours.retain(|t| t.val % k != 0);
            model.retain(|t| t.val % k != 0);
        }
        Op::RetainMut(k) => {
            let f = |t: &mut Tracked| {
                t.val = (t.val + 1) % 6;
                t.val % k != 1
            };
            ours.retain_mut(f);
            model.retain_mut(f);
        }
        Op::Dedup => {
            ours.dedup();
            model.dedup();
        }
        Op::DedupByKey(k) => {
            ours.dedup_by_key(|t| t.val / k);
            model.dedup_by_key(|t| t.val / k);
        }
        Op::SplitOff(at) => {
            let at = at % (len + 1);
            let a = ours.split_off(at);
            let b = model.split_off(at);
            assert_eq!(vals(&a), vals(&b));
        }
        Op::Reserve(n) => {
            ours.reserve(n);
            model.reserve(n);
            assert!(ours.capacity() >= ours.len() + n);
        }
        Op::ReserveExact(n) => {
            ours.reserve_exact(n);
            model.reserve_exact(n);
            assert!(ours.capacity() >= ours.len() + n);
        }
        Op::ShrinkToFit => {
            ours.shrink_to_fit();
            model.shrink_to_fit();
            assert_eq!(ours.capacity(), ours.len());
        }
        Op::ShrinkTo(n) => {
            let before = ours.capacity();
            ours.shrink_to(n);
            model.shrink_to(n);
            assert_eq!(ours.capacity(), before.min(ours.len().max(n)));
        }
        Op::SpareWrite(xs) => {
            ours.reserve(xs.len());
            let spare = ours.spare_capacity_mut();
            for (slot, &x) in spare.iter_mut().zip(&xs) {
                slot.write(reg.make(x));
            }
            // SAFETY: the next `xs.len()` slots were just written, within capacity.
            unsafe { ours.set_len(ours.len() + xs.len()) };
            model.extend(mk(&xs));
        }
        Op::Clone => {
            let c = ours.clone();
            assert_eq!(vals(&c), vals(model));
            assert_eq!(c.capacity(), c.len());
        }
        Op::CloneFrom(xs) => {
            let src: ValVec32<Tracked> = mk(&xs).into_iter().collect();
            ours.clone_from(&src);
            model.clone_from(&mk(&xs));
        }
        Op::IntoIter { front, back } => {
            let mut it1 = std::mem::take(ours).into_iter();
            let mut it2 = std::mem::take(model).into_iter();
            for _ in 0..front {
                assert_eq!(it1.next().map(|t| t.val), it2.next().map(|t| t.val));
            }
            for _ in 0..back {
                assert_eq!(
                    it1.next_back().map(|t| t.val),
                    it2.next_back().map(|t| t.val)
                );
            }
            assert_eq!(it1.len(), it2.len());
            *ours = it1.collect();
            *model = it2.collect();
        }
        Op::ThroughVec => {
            let v: Vec<Tracked> = std::mem::take(ours).into();
            *ours = v.into();
        }
        Op::Sort => {
            ours.sort_by_key(|t| t.val);
            model.sort_by_key(|t| t.val);
        }
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        // Miri is ~1000x slower: a handful of cases still walk every branch.
        cases: if cfg!(miri) { 6 } else { 512 },
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn behaves_like_vec(ops in proptest::collection::vec(op(), 1..if cfg!(miri) { 40 } else { 120 })) {
        let reg = Registry::new();
        {
            let mut ours: ValVec32<Tracked> = ValVec32::new();
            let mut model: Vec<Tracked> = Vec::new();
            for op in ops {
                apply(&reg, &mut ours, &mut model, op);
                prop_assert_eq!(vals(&ours), vals(&model));
                prop_assert!(ours.len() <= ours.capacity());
            }
        }
        prop_assert_eq!(reg.live(), 0, "every element dropped exactly once");
    }

    #[test]
    fn u64_extend_and_iterate_like_vec(chunks in proptest::collection::vec(proptest::collection::vec(any::<u64>(), 0..300), 0..8)) {
        let mut ours: ValVec32<u64> = ValVec32::new();
        let mut model: Vec<u64> = Vec::new();
        for c in &chunks {
            ours.extend_from_slice(c);
            model.extend_from_slice(c);
            ours.extend(c.iter().rev());
            model.extend(c.iter().rev());
        }
        prop_assert_eq!(&ours[..], &model[..]);
        let fold = |it: &mut dyn Iterator<Item = u64>| it.fold(0u64, u64::wrapping_add);
        prop_assert_eq!(fold(&mut ours.iter().copied()), fold(&mut model.iter().copied()));
        let back: Vec<u64> = ours.into_iter().rev().collect();
        prop_assert!(back.iter().eq(model.iter().rev()));
    }
}
