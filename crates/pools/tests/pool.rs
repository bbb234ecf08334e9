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
