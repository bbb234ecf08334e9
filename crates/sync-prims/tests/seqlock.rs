use bytemuck::NoUninit;
use sync_prims::SeqLock;

use crate::scale;

/// Fields that must agree: every value a writer writes satisfies `consistent`.
#[derive(Clone, Copy, Debug, PartialEq, NoUninit)]
#[repr(C)]
struct Pair {
    a: u64,
    not_a: u64,
    mixed: [u32; 3],
    tag: u32,
}

impl Pair {
    fn new(a: u64, writer: u32) -> Self {
        Self {
            a,
            not_a: !a,
            mixed: [a as u32, (a >> 32) as u32 ^ 0x5555_5555, writer],
            tag: writer.wrapping_mul(0x9E37_79B9),
        }
    }

    fn consistent(&self) -> bool {
        *self == Self::new(self.a, self.mixed[2])
    }
}

#[test]
fn readers_only_see_written_values() {
    let lock = SeqLock::new(Pair::new(0, 0));
    let writes = scale(200_000, 40) as u64;
    std::thread::scope(|s| {
        for w in 1..=2u32 {
            let lock = &lock;
            s.spawn(move || {
                for i in 1..=writes {
                    lock.write(Pair::new(i, w));
                }
            });
        }
        for _ in 0..2 {
            s.spawn(|| {
                let mut last = [0u64; 3];
                for _ in 0..writes {
                    let v = lock.read();
                    assert!(v.consistent(), "torn read: {v:?}");
                    // Each writer's values only increase.
                    let w = v.mixed[2] as usize;
                    assert!(v.a >= last[w], "went back: {v:?}");
                    last[w] = v.a;
                }
            });
        }
    });
    let last = lock.read();
    assert!(last.consistent() && last.a == writes);
}

#[test]
fn concurrent_updates_are_not_lost() {
    let lock = SeqLock::new([0u64; 2]);
    let n = scale(100_000, 40) as u64;
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..n {
                    lock.update(|[a, b]| [a + 1, b + 2]);
                }
            });
        }
    });
    assert_eq!(lock.into_inner(), [2 * n, 4 * n]);
}

#[test]
fn sizes_that_are_not_whole_words_round_trip() {
    let odd = SeqLock::new([7u8; 13]);
    assert_eq!(odd.read(), [7u8; 13]);
    odd.write([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert_eq!(odd.read(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    let seven = SeqLock::new([9u8; 7]);
    seven.write([1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(seven.update(|v| v.map(|b| b * 2)), [2, 4, 6, 8, 10, 12, 14]);
    assert_eq!(seven.read(), [2, 4, 6, 8, 10, 12, 14]);
    let unit = SeqLock::new(());
    unit.write(());
    assert_eq!(unit.try_read(), Some(()));
    let f = SeqLock::new(1.5f64);
    assert_eq!(f.update(|x| x * 2.0), 3.0);
    assert_eq!(format!("{f:?}"), "SeqLock { value: 3.0 }");
}

#[test]
fn a_panicking_update_releases_the_lock_and_keeps_the_value() {
    let lock = SeqLock::new(5u32);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        lock.update(|_| panic!("boom"));
    }));
    assert!(r.is_err());
    assert_eq!(lock.try_read(), Some(5));
    lock.write(6);
    assert_eq!(lock.read(), 6);
}
