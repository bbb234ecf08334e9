use sync_prims::AdaptiveCell;

use crate::scale;

#[test]
fn representation_follows_the_type() {
    // Checked at compile time: the choice is a constant per type.
    const { assert!(AdaptiveCell::<u8>::IS_LOCK_FREE) };
    const { assert!(AdaptiveCell::<u64>::IS_LOCK_FREE) };
    const { assert!(AdaptiveCell::<f64>::IS_LOCK_FREE) };
    // Eight bytes but aligned to 4: an 8-byte atomic needs 8-byte alignment.
    const { assert!(!AdaptiveCell::<(u32, u32)>::IS_LOCK_FREE) };
    const { assert!(!AdaptiveCell::<[u64; 4]>::IS_LOCK_FREE) };
    const { assert!(!AdaptiveCell::<[u8; 3]>::IS_LOCK_FREE) };
}

#[test]
fn both_representations_behave_alike() {
    let a = AdaptiveCell::new(1u64);
    let m = AdaptiveCell::new([1u64; 3]);
    assert_eq!(a.swap(2), 1);
    assert_eq!(m.swap([2; 3]), [1; 3]);
    assert_eq!(a.compare_exchange(9, 3), Err(2));
    assert_eq!(m.compare_exchange([9; 3], [3; 3]), Err([2; 3]));
    assert_eq!(a.compare_exchange(2, 3), Ok(2));
    assert_eq!(m.compare_exchange([2; 3], [3; 3]), Ok([2; 3]));
    a.store(4);
    m.store([4; 3]);
    assert_eq!((a.load(), m.load()), (4, [4; 3]));
    assert_eq!(
        format!("{a:?}"),
        "AdaptiveCell { value: 4, lock_free: true }"
    );
    assert_eq!((a.into_inner(), m.into_inner()), (4, [4; 3]));
}

#[test]
fn concurrent_updates_are_exact() {
    let a = AdaptiveCell::new(0u64);
    let m = AdaptiveCell::new([0u64; 4]);
    let n = scale(50_000, 30) as u64;
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..n {
                    a.update(|v| v + 1);
                    m.update(|[x, y, z, w]| [x + 1, y + 2, z + 3, w + x]);
                }
            });
        }
    });
    assert_eq!(a.load(), 2 * n);
    let [x, y, z, _] = m.load();
    assert_eq!((x, y, z), (2 * n, 4 * n, 6 * n));
}
