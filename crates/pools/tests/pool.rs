use pools::{Pool, SharedPool};

use crate::scale;

#[test]
fn pool_reuses_resets_and_bounds() {
    let pool = Pool::new(2, || String::with_capacity(64));
    let (mut a, mut b, mut c) = (pool.get(), pool.get(), pool.get());
    a.push('a');
    b.push('b');
    c.push('c');
    drop((a, b, c));
    assert_eq!(pool.idle(), 2, "bounded");
    let a = pool.get();
    assert!(a.is_empty() && a.capacity() >= 64, "reset, capacity kept");
    let owned = a.into_inner();
    assert_eq!(pool.idle(), 1, "into_inner detaches");
    drop(owned);
    assert_eq!(pool.idle(), 1);
}

#[test]
fn shared_pool_values_return_from_other_threads() {
    let pool = SharedPool::new(4, || Vec::<u64>::with_capacity(16));
    let rounds = scale(1000, 10);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for i in 0..rounds {
                    let mut v = pool.get();
                    assert!(v.is_empty(), "a pooled value comes back reset");
                    v.push(i as u64);
                    if i % 2 == 0 {
                        // Hand it to another thread, which drops it.
                        std::thread::scope(|s2| {
                            s2.spawn(move || drop(v));
                        });
                    }
                }
            });
        }
    });
    assert!(pool.idle() >= 1 && pool.idle() <= 4);
    let v = pool.get();
    assert!(v.is_empty() && v.capacity() >= 16);
    pool.put(vec![1, 2, 3]);
    assert!(pool.idle() <= 4);
}

/// Counts its drops in a shared counter.
#[derive(Debug)]
struct Counted(std::rc::Rc<std::cell::Cell<usize>>);

impl pools::Reset for Counted {
    fn reset(&mut self) {}
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

#[test]
fn every_pooled_value_is_dropped_exactly_once() {
    let drops = std::rc::Rc::new(std::cell::Cell::new(0));
    let made = std::rc::Rc::new(std::cell::Cell::new(0));
    {
        let (d, m) = (drops.clone(), made.clone());
        let pool = Pool::new(2, move || {
            m.set(m.get() + 1);
            Counted(d.clone())
        });
        let held: Vec<_> = (0..5).map(|_| pool.get()).collect();
        assert_eq!((made.get(), drops.get()), (5, 0));
        drop(held); // two kept, three dropped
        assert_eq!((pool.idle(), drops.get()), (2, 3));
        let kept = pool.get().into_inner(); // detached: dropped by its owner
        drop(kept);
        assert_eq!(drops.get(), 4);
    } // the pool drops its last idle value
    assert_eq!((made.get(), drops.get()), (5, 5));
}

/// `SharedPool` values cross threads, so this one counts with an atomic.
#[derive(Debug)]
struct CountedSync(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl pools::Reset for CountedSync {
    fn reset(&mut self) {}
}

impl Drop for CountedSync {
    fn drop(&mut self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn shared_pool_drops_every_value_exactly_once() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let drops = std::sync::Arc::new(AtomicUsize::new(0));
    let made = std::sync::Arc::new(AtomicUsize::new(0));
    let rounds = scale(500, 10);
    {
        let (d, m) = (drops.clone(), made.clone());
        let pool = SharedPool::new(3, move || {
            m.fetch_add(1, Ordering::SeqCst);
            CountedSync(d.clone())
        });
        std::thread::scope(|s| {
            for _ in 0..2 {
                s.spawn(|| {
                    for _ in 0..rounds {
                        let a = pool.get();
                        let b = pool.get();
                        drop((b, a));
                    }
                });
            }
        });
        assert!(pool.idle() <= 3);
        assert_eq!(
            made.load(Ordering::SeqCst) - drops.load(Ordering::SeqCst),
            pool.idle(),
            "every value not idle was dropped"
        );
    }
    assert_eq!(made.load(Ordering::SeqCst), drops.load(Ordering::SeqCst));
}
