use pools::{BufferPool, PoolConfig};
use proptest::prelude::*;

use crate::alloc_count::count;

/// Runs `f` on a fresh thread (a fresh pool, default limits).
fn on_fresh_thread<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    std::thread::scope(|s| s.spawn(f).join().unwrap())
}

#[test]
fn buffers_are_reused_cleared_and_keep_capacity() {
    on_fresh_thread(|| {
        let mut b = BufferPool::get_with_capacity(4096);
        b.extend_from_slice(b"data");
        let cap = b.capacity();
        drop(b);
        assert_eq!(BufferPool::pooled(), 1);
        let (n, b) = count(BufferPool::get);
        assert_eq!(n, 0, "a pooled get allocates nothing");
        assert!(b.is_empty() && b.capacity() == cap);
        // Steady state: get + fill + drop allocates nothing.
        drop(b);
        let (n, ()) = count(|| {
            for _ in 0..100 {
                let mut b = BufferPool::get_with_capacity(1000);
                b.extend_from_slice(&[7; 1000]);
            }
        });
        assert_eq!(n, 0);
    });
}

#[test]
fn limits_are_respected() {
    on_fresh_thread(|| {
        assert_eq!(BufferPool::config(), PoolConfig::default());
        let many: Vec<_> = (0..20).map(|_| BufferPool::get_with_capacity(10)).collect();
        drop(many);
        assert_eq!(BufferPool::pooled(), 16, "at most max_pooled kept");
        // This takes a pooled buffer and grows it past max_capacity: on drop it is freed.
        let huge = BufferPool::get_with_capacity(64 * 1024 + 1);
        assert_eq!(BufferPool::pooled(), 15);
        drop(huge);
        assert_eq!(
            BufferPool::pooled(),
            15,
            "a buffer over max_capacity is not kept"
        );
        BufferPool::configure(PoolConfig {
            max_pooled: 2,
            max_capacity: 100,
        });
        assert_eq!(BufferPool::pooled(), 2, "configure trims");
        let big = BufferPool::get_with_capacity(101);
        drop(big);
        // The pooled buffer `big` came from was grown past 100, so it is freed.
        assert_eq!(BufferPool::pooled(), 1);
    });
}

#[test]
fn into_inner_detaches_and_empty_buffers_are_not_pooled() {
    on_fresh_thread(|| {
        let mut b = BufferPool::get();
        b.push(1);
        let v = b.into_inner();
        assert_eq!(v, [1]);
        assert_eq!(BufferPool::pooled(), 0);
        drop(BufferPool::get()); // never grew: nothing to keep
        assert_eq!(BufferPool::pooled(), 0);
    });
}

#[test]
fn a_buffer_dropped_during_thread_teardown_is_freed() {
    struct DropsABuffer(Option<pools::PooledBuf>);
    impl Drop for DropsABuffer {
        fn drop(&mut self) {
            // Runs while thread-locals are destroyed, perhaps after the pool's own.
            drop(self.0.take());
            let _ = BufferPool::get_with_capacity(8);
        }
    }
    thread_local! {
        static LATE: std::cell::RefCell<DropsABuffer> =
            const { std::cell::RefCell::new(DropsABuffer(None)) };
    }
    on_fresh_thread(|| {
        let mut b = BufferPool::get_with_capacity(64);
        b.push(1);
        LATE.with(|l| l.borrow_mut().0 = Some(b));
        // Another buffer in the pool, so the pool's destructor has work to do.
        drop(BufferPool::get_with_capacity(64));
    });
}

#[test]
fn buffers_move_between_threads() {
    let b = on_fresh_thread(|| {
        let mut b = BufferPool::get_with_capacity(32);
        b.push(9);
        b
    });
    on_fresh_thread(move || {
        drop(b);
        assert_eq!(
            BufferPool::pooled(),
            1,
            "joins the pool of the thread that drops it"
        );
    });
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: if cfg!(miri) { 4 } else { 64 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any sequence of gets (of any capacity) and drops keeps the bounds, and every buffer
    /// handed out is empty.
    #[test]
    fn bounds_hold(ops in proptest::collection::vec((any::<bool>(), 0usize..100_000), 0..60),
                   max_pooled in 0usize..6, max_capacity in 0usize..50_000) {
        on_fresh_thread(move || -> Result<(), TestCaseError> {
            BufferPool::configure(PoolConfig { max_pooled, max_capacity });
            let mut live = Vec::new();
            for (get, size) in ops {
                if get || live.is_empty() {
                    let mut b = BufferPool::get_with_capacity(size);
                    prop_assert!(b.is_empty());
                    prop_assert!(b.capacity() >= size);
                    b.extend_from_slice(&[1, 2, 3]);
                    live.push(b);
                } else {
                    live.swap_remove(size % live.len());
                }
                prop_assert!(BufferPool::pooled() <= max_pooled);
            }
            drop(live);
            // Every kept buffer is within the capacity limit.
            let kept: Vec<_> = (0..BufferPool::pooled()).map(|_| BufferPool::get()).collect();
            for b in &kept {
                prop_assert!(b.capacity() <= max_capacity && b.is_empty());
            }
            Ok(())
        })?;
    }
}
