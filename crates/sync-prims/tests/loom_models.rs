//! Loom models: every interleaving (up to a preemption bound) of small scenarios.
//! Run with `RUSTFLAGS="--cfg loom --cfg crossbeam_loom" cargo test -p sync-prims --release`.

use loom::sync::Arc;
use loom::sync::atomic::{AtomicBool, Ordering};
use loom::thread;

use sync_prims::{Counter, EpochTable, FlatCombiningCounter, SeqLock, StripedCounter};

/// Explores `f` with at most `bound` preemptions per execution (unless `LOOM_MAX_PREEMPTIONS`
/// says otherwise): the counters and the seqlock at 3, the epoch table at 2 (crossbeam-epoch's
/// own atomics multiply its interleavings; 3 takes minutes).
fn model_bounded(bound: usize, f: impl Fn() + Sync + Send + 'static) {
    let mut b = loom::model::Builder::new();
    if b.preemption_bound.is_none() {
        b.preemption_bound = Some(bound);
    }
    b.check(f);
}

fn model(f: impl Fn() + Sync + Send + 'static) {
    model_bounded(3, f);
}

/// Two threads, each adding twice (so records are claimed, freed and claimed again).
fn two_adders<C: Counter + 'static>(make: fn() -> C) {
    model(move || {
        let c = Arc::new(make());
        let other = {
            let c = Arc::clone(&c);
            thread::spawn(move || {
                c.add(1);
                c.add(2);
            })
        };
        c.add(10);
        c.sub(20);
        other.join().unwrap();
        assert_eq!(c.get(), 3u64.wrapping_sub(10));
    });
}

/// Combining, publishing, withdrawing (patience is one spin under loom): each add counted once.
#[test]
fn flat_combining_counter_applies_each_add_once() {
    two_adders(|| FlatCombiningCounter::with_records(2));
}

/// One record for two threads: one of them often finds it taken and goes for the lock.
#[test]
fn flat_combining_counter_with_a_shared_record() {
    two_adders(|| FlatCombiningCounter::with_records(1));
}

/// An add returns only after it is applied: a value the adder saw is never lost later.
#[test]
fn flat_combining_add_is_visible_on_return() {
    model(|| {
        let c = Arc::new(FlatCombiningCounter::with_records(1));
        let c2 = Arc::clone(&c);
        let h = thread::spawn(move || {
            c2.add(1);
            assert!(c2.get() >= 1);
        });
        c.add(2);
        assert!(c.get() >= 2);
        h.join().unwrap();
        assert_eq!(c.get(), 3);
    });
}

#[test]
fn striped_counter_counts_exactly_while_growing() {
    two_adders(|| StripedCounter::with_max_stripes(2));
}

#[test]
fn seqlock_readers_never_see_a_torn_value() {
    model(|| {
        let lock = Arc::new(SeqLock::new([0u64, !0u64]));
        let writer = {
            let lock = Arc::clone(&lock);
            thread::spawn(move || {
                lock.write([1, !1]);
                lock.update(|[a, _]| [a + 1, !(a + 1)]);
            })
        };
        let reader = {
            let lock = Arc::clone(&lock);
            thread::spawn(move || {
                if let Some([a, b]) = lock.try_read() {
                    assert_eq!(b, !a, "torn read");
                    assert!(a <= 2);
                }
            })
        };
        writer.join().unwrap();
        reader.join().unwrap();
        assert_eq!(lock.read(), [2, !2]);
    });
}

#[test]
fn seqlock_writers_are_serialized() {
    model(|| {
        let lock = Arc::new(SeqLock::new([0u64; 2]));
        let other = {
            let lock = Arc::clone(&lock);
            thread::spawn(move || {
                lock.update(|[a, b]| [a + 1, b + 1]);
            })
        };
        lock.update(|[a, b]| [a + 1, b + 1]);
        other.join().unwrap();
        assert_eq!(lock.read(), [2, 2]);
    });
}

/// A value that records its drop in a flag the test keeps outside it.
struct Flagged(Arc<AtomicBool>);

impl Drop for Flagged {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// A reader that finds the value never sees it dropped while pinned, whatever the writer does;
/// and the writer's flushes do free it in the interleavings where no reader holds it (counted,
/// so the check is not vacuous).
#[test]
fn epoch_table_never_frees_under_a_reader() {
    static FREED_BY_WRITER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    model_bounded(2, || {
        let dropped = Arc::new(AtomicBool::new(false));
        let table = Arc::new(EpochTable::with_capacity(1));
        assert!(table.insert(0, Flagged(Arc::clone(&dropped))).is_ok());
        let reader = {
            let table = Arc::clone(&table);
            let dropped = Arc::clone(&dropped);
            thread::spawn(move || {
                let pinned = table.pin();
                if pinned.get(0).is_some() {
                    assert!(!dropped.load(Ordering::SeqCst), "freed under a reader");
                }
            })
        };
        drop(table.remove(0));
        for _ in 0..3 {
            crossbeam_epoch::pin().flush();
        }
        if dropped.load(Ordering::SeqCst) {
            FREED_BY_WRITER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        reader.join().unwrap();
        assert!(table.get(0).is_none());
    });
    assert!(
        FREED_BY_WRITER.load(std::sync::atomic::Ordering::Relaxed) > 0,
        "no interleaving reclaimed the value: the model checks nothing"
    );
}

/// A replaced value is published whole: a reader sees the old value or the new one.
#[test]
fn epoch_table_publishes_replacements() {
    model_bounded(2, || {
        let table = Arc::new(EpochTable::<[u64; 2]>::with_capacity(1));
        assert!(table.insert(0, [1u64, 1]).is_ok());
        let writer = {
            let table = Arc::clone(&table);
            thread::spawn(move || {
                drop(table.replace(0, [2u64, 2]));
            })
        };
        let seen = table.get_with(0, |v| *v);
        assert!(matches!(seen, Some([1, 1]) | Some([2, 2])));
        writer.join().unwrap();
        assert_eq!(table.get_with(0, |v| *v), Some([2, 2]));
    });
}
