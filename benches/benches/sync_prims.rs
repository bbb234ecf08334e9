//! sync-prims timings: each primitive against the locks and maps a user would otherwise reach
//! for, at 1 and 2 threads.
//!
//! A multi-threaded routine starts its threads (outside the timing), releases them together
//! through a barrier, and stops the clock when the last one is done: the time per iteration is
//! the time for every thread to do one operation, in parallel. These machines have 2 cores, so at
//! 2 threads both cores work and contention is real but mild; with a writer, the writer is a third
//! thread that sleeps between writes (about every 200 µs; `thread::sleep` rounds up).

use std::collections::HashMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier, Mutex, RwLock};
use std::time::{Duration, Instant};

use crossbeam_utils::atomic::AtomicCell;
use dashmap::DashMap;
use perfkit_benches::Suite;
use perfkit_benches::data::Rng;
use sync_prims::{
    AdaptiveCell, Counter, EpochTable, FlatCombiningCounter, RcuMap, SeqLock, StripedCounter,
    StripedMap,
};

/// Runs `op(state, i)` for `i in 0..iters` on each of `threads` threads (state from `setup`, made
/// before the clock starts), with `writer` called about every 200 µs on another thread if given;
/// returns the time from the common start to the last thread's end.
/// Generic in `op`, so each benchmark's loop is compiled with its operation inlined (an
/// indirect call per operation cost about a nanosecond, as much as the cheapest operations).
fn parallel<S, Setup, Op>(
    threads: usize,
    iters: u64,
    writer: Option<&(dyn Fn() + Sync)>,
    setup: &Setup,
    op: &Op,
) -> Duration
where
    Setup: Fn() -> S + Sync,
    Op: Fn(&mut S, u64) + Sync,
{
    let start = Barrier::new(threads + 1);
    let end = Barrier::new(threads + 1);
    let stop = AtomicBool::new(false);
    std::thread::scope(|s| {
        if let Some(w) = writer {
            let stop = &stop;
            s.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    std::thread::sleep(Duration::from_micros(200));
                    w();
                }
            });
        }
        for _ in 0..threads {
            let (start, end) = (&start, &end);
            s.spawn(move || {
                let mut state = setup();
                start.wait();
                for i in 0..iters {
                    op(&mut state, i);
                }
                end.wait();
                drop(state);
            });
        }
        start.wait();
        let t0 = Instant::now();
        end.wait();
        let elapsed = t0.elapsed();
        stop.store(true, Ordering::Relaxed);
        elapsed
    })
}

/// A timed routine for the paired harness from [`parallel`]'s pieces.
fn routine<S: 'static>(
    threads: usize,
    writer: Option<Arc<dyn Fn() + Send + Sync>>,
    setup: impl Fn() -> S + Send + Sync + 'static,
    op: impl Fn(&mut S, u64) + Send + Sync + 'static,
) -> impl FnMut(u64) -> Duration + 'static {
    move |iters| {
        parallel(
            threads,
            iters,
            writer.as_deref().map(|w| w as _),
            &setup,
            &op,
        )
    }
}

const MAP_LEN: usize = 1024;

/// A lock-based map the RcuMap benchmarks compare against.
trait LockedMap: Send + Sync {
    fn read(&self, k: u64) -> Option<u64>;
    fn write(&self, k: u64, v: u64);
}

impl LockedMap for RwLock<HashMap<u64, u64>> {
    fn read(&self, k: u64) -> Option<u64> {
        self.read().unwrap().get(&k).copied()
    }
    fn write(&self, k: u64, v: u64) {
        self.write().unwrap().insert(k, v);
    }
}

impl LockedMap for parking_lot::RwLock<HashMap<u64, u64>> {
    fn read(&self, k: u64) -> Option<u64> {
        self.read().get(&k).copied()
    }
    fn write(&self, k: u64, v: u64) {
        self.write().insert(k, v);
    }
}

impl LockedMap for Mutex<HashMap<u64, u64>> {
    fn read(&self, k: u64) -> Option<u64> {
        self.lock().unwrap().get(&k).copied()
    }
    fn write(&self, k: u64, v: u64) {
        self.lock().unwrap().insert(k, v);
    }
}

impl LockedMap for DashMap<u64, u64> {
    fn read(&self, k: u64) -> Option<u64> {
        self.get(&k).map(|v| *v)
    }
    fn write(&self, k: u64, v: u64) {
        self.insert(k, v);
    }
}

/// The keys of the maps, and the order lookups visit them in (a random permutation).
fn map_keys() -> (Arc<Vec<u64>>, Arc<Vec<u64>>) {
    let mut rng = Rng::new(0x5EED);
    let keys: Vec<u64> = (0..MAP_LEN).map(|_| rng.next_u64()).collect();
    let mut order = keys.clone();
    for i in (1..order.len()).rev() {
        order.swap(i, (rng.next_u64() % (i as u64 + 1)) as usize);
    }
    (Arc::new(keys), Arc::new(order))
}

fn key(order: &[u64], i: u64) -> u64 {
    order[i as usize % MAP_LEN]
}

fn rcu_map_benches(s: &mut Suite) {
    let (keys, order) = map_keys();
    let entries = || keys.iter().map(|&k| (k, k ^ 1));

    // Leaked: a `MapReader` borrows its map, and a thread's state must be `'static`.
    let rcu: &'static RcuMap<u64, u64> = Box::leak(Box::new(RcuMap::new()));
    rcu.update(|m| m.extend(entries()));
    let plain: Arc<HashMap<u64, u64>> = Arc::new(entries().collect());
    let std_rw = Arc::new(RwLock::new(plain.as_ref().clone()));
    let pl_rw = Arc::new(parking_lot::RwLock::new(plain.as_ref().clone()));
    let mutex = Arc::new(Mutex::new(plain.as_ref().clone()));
    let dash: Arc<DashMap<u64, u64>> = Arc::new(entries().collect());

    // Ours: reads through a per-thread `MapReader`.
    let ours = |threads: usize, writer: bool| {
        let (order, keys) = (Arc::clone(&order), Arc::clone(&keys));
        let w: Option<Arc<dyn Fn() + Send + Sync>> = writer.then(|| {
            let n = AtomicU64::new(0);
            Arc::new(move || {
                let i = n.fetch_add(1, Ordering::Relaxed);
                rcu.insert(keys[i as usize % MAP_LEN], i);
            }) as _
        });
        routine(
            threads,
            w,
            move || rcu.reader(),
            move |reader, i| {
                black_box(reader.get(&key(&order, i)));
            },
        )
    };

    for threads in [1, 2] {
        for writer in [false, true] {
            let tag = format!("{threads}t/{}", if writer { "writer" } else { "no-writer" });
            // A lock-based peer: its lookups, and (with a writer) an insert every ~200 µs.
            fn peer<M: LockedMap + 'static>(
                map: &Arc<M>,
                keys: &Arc<Vec<u64>>,
                order: &Arc<Vec<u64>>,
                threads: usize,
                writer: bool,
            ) -> Box<dyn FnMut(u64) -> Duration> {
                let (m, m2, keys, order) = (
                    Arc::clone(map),
                    Arc::clone(map),
                    Arc::clone(keys),
                    Arc::clone(order),
                );
                let n = AtomicU64::new(0);
                let w: Option<Arc<dyn Fn() + Send + Sync>> = writer.then(|| {
                    Arc::new(move || {
                        let i = n.fetch_add(1, Ordering::Relaxed);
                        m2.write(keys[i as usize % MAP_LEN], i);
                    }) as _
                });
                Box::new(routine(
                    threads,
                    w,
                    || (),
                    move |_, i| {
                        black_box(m.read(key(&order, i)));
                    },
                ))
            }
            let peer = |name: &str| match name {
                "std-rwlock" => peer(&std_rw, &keys, &order, threads, writer),
                "parking_lot-rwlock" => peer(&pl_rw, &keys, &order, threads, writer),
                "mutex" => peer(&mutex, &keys, &order, threads, writer),
                _ => peer(&dash, &keys, &order, threads, writer),
            };
            for name in ["std-rwlock", "parking_lot-rwlock", "dashmap", "mutex"] {
                s.time(
                    &format!("rcu-map/get/{tag}/vs-{name}"),
                    ("RcuMap reader", ours(threads, writer)),
                    (name, peer(name)),
                )
                .elements(1);
            }
        }
    }

    // The ideal: an unsynchronized `HashMap` (one thread, no writer).
    {
        let order2 = Arc::clone(&order);
        let plain = Arc::clone(&plain);
        s.time(
            "rcu-map/get/1t/vs-unsynchronized-hashmap",
            ("RcuMap reader", ours(1, false)),
            (
                "HashMap",
                routine(
                    1,
                    None,
                    || (),
                    move |_, i| {
                        black_box(plain.get(&key(&order2, i)).copied());
                    },
                ),
            ),
        )
        .elements(1);
    }

    // `RcuMap::get` without a cached reader (an arc-swap load per call).
    {
        let (order1, order2) = (Arc::clone(&order), Arc::clone(&order));
        let m = Arc::clone(&pl_rw);
        s.time(
            "rcu-map/get-uncached/1t/vs-parking_lot-rwlock",
            (
                "RcuMap::get",
                routine(
                    1,
                    None,
                    || (),
                    move |_, i| {
                        black_box(rcu.get(&key(&order1, i)));
                    },
                ),
            ),
            (
                "parking_lot-rwlock",
                routine(
                    1,
                    None,
                    || (),
                    move |_, i| {
                        black_box(m.read().get(&key(&order2, i)).copied());
                    },
                ),
            ),
        )
        .elements(1);
    }

    // Where copy-on-write stops paying: one thread, one write every `every` operations.
    for every in [100u64, 1_000, 10_000] {
        let map: &'static RcuMap<u64, u64> = Box::leak(Box::new(RcuMap::new()));
        map.update(|m| m.extend(entries()));
        let pl = Arc::new(parking_lot::RwLock::new(plain.as_ref().clone()));
        let (o1, o2, k1, k2) = (
            Arc::clone(&order),
            Arc::clone(&order),
            Arc::clone(&keys),
            Arc::clone(&keys),
        );
        s.time(
            &format!("rcu-map/mixed/1-write-in-{every}/vs-parking_lot-rwlock"),
            (
                "RcuMap",
                routine(
                    1,
                    None,
                    move || map.reader(),
                    move |reader, i| {
                        if i % every == 0 {
                            map.insert(k1[(i / every) as usize % MAP_LEN], i);
                        } else {
                            black_box(reader.get(&key(&o1, i)));
                        }
                    },
                ),
            ),
            (
                "parking_lot-rwlock",
                routine(
                    1,
                    None,
                    || (),
                    move |_, i| {
                        if i % every == 0 {
                            pl.write().insert(k2[(i / every) as usize % MAP_LEN], i);
                        } else {
                            black_box(pl.read().get(&key(&o2, i)).copied());
                        }
                    },
                ),
            ),
        )
        .elements(1);
    }
}

fn counter_benches(s: &mut Suite) {
    fn add_routine<C: Counter + 'static>(
        c: Arc<C>,
        threads: usize,
    ) -> impl FnMut(u64) -> Duration + 'static {
        routine(threads, None, || (), move |_, _| c.add(1))
    }
    fn against_peers<C: Counter + 'static>(
        s: &mut Suite,
        threads: usize,
        name: &str,
        make: fn() -> C,
    ) {
        s.time(
            &format!("counter/add/{threads}t/{name}/vs-atomic-u64"),
            (name, add_routine(Arc::new(make()), threads)),
            (
                "AtomicU64",
                add_routine(Arc::new(AtomicU64::new(0)), threads),
            ),
        )
        .elements(1);
        let m = Arc::new(Mutex::new(0u64));
        s.time(
            &format!("counter/add/{threads}t/{name}/vs-mutex"),
            (name, add_routine(Arc::new(make()), threads)),
            (
                "Mutex<u64>",
                routine(threads, None, || (), move |_, _| *m.lock().unwrap() += 1),
            ),
        )
        .elements(1);
    }
    for threads in [1, 2] {
        against_peers(s, threads, "striped", StripedCounter::new);
        against_peers(s, threads, "flat-combining", FlatCombiningCounter::new);
    }
}

fn seqlock_benches(s: &mut Suite) {
    type Value = [u64; 4];
    for threads in [1, 2] {
        for writer in [false, true] {
            let tag = format!("{threads}t/{}", if writer { "writer" } else { "no-writer" });
            let lock = Arc::new(SeqLock::new([1u64; 4]));
            let rw = Arc::new(RwLock::new([1u64; 4]));
            let (l2, rw2) = (Arc::clone(&lock), Arc::clone(&rw));
            let lw: Option<Arc<dyn Fn() + Send + Sync>> = writer.then(|| {
                Arc::new(move || {
                    l2.update(|v| v.map(|x| x + 1));
                }) as _
            });
            let rww: Option<Arc<dyn Fn() + Send + Sync>> = writer.then(|| {
                Arc::new(move || {
                    let mut g = rw2.write().unwrap();
                    *g = g.map(|x| x + 1);
                }) as _
            });
            s.time(
                &format!("seqlock/read/{tag}/vs-rwlock"),
                (
                    "SeqLock",
                    routine(
                        threads,
                        lw,
                        || (),
                        move |_, _| {
                            black_box::<Value>(lock.read());
                        },
                    ),
                ),
                (
                    "RwLock",
                    routine(
                        threads,
                        rww,
                        || (),
                        move |_, _| {
                            black_box::<Value>(*rw.read().unwrap());
                        },
                    ),
                ),
            )
            .elements(1);
        }
    }
}

/// The epoch table's value: a small record behind an `Arc`.
struct Slot {
    id: u64,
}

const SLOTS: usize = 256;
const BATCH: usize = 64;

fn epoch_table_benches(s: &mut Suite) {
    let table: Arc<EpochTable<Slot>> = Arc::new(EpochTable::with_capacity(SLOTS));
    let vec: Arc<RwLock<Vec<Option<Arc<Slot>>>>> = Arc::new(RwLock::new(vec![None; SLOTS]));
    let dash: Arc<DashMap<usize, Arc<Slot>>> = Arc::new(DashMap::new());
    for i in 0..SLOTS {
        let v = Arc::new(Slot { id: i as u64 });
        table.insert(i, Arc::clone(&v)).ok().expect("empty slot");
        vec.write().unwrap()[i] = Some(Arc::clone(&v));
        dash.insert(i, v);
    }
    let mut rng = Rng::new(7);
    let order: Arc<Vec<usize>> = Arc::new(
        (0..4096)
            .map(|_| (rng.next_u64() % SLOTS as u64) as usize)
            .collect(),
    );
    let at = |order: &[usize], i: u64| order[i as usize % order.len()];

    for threads in [1, 2] {
        // One lookup per operation.
        let ours = || {
            let (t, o) = (Arc::clone(&table), Arc::clone(&order));
            routine(
                threads,
                None,
                || (),
                move |_, i| {
                    black_box(t.get_with(at(&o, i), |v| v.id));
                },
            )
        };
        let (v, o) = (Arc::clone(&vec), Arc::clone(&order));
        s.time(
            &format!("epoch-table/get/{threads}t/vs-rwlock-vec"),
            ("EpochTable", ours()),
            (
                "RwLock<Vec>",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, i| {
                        black_box(v.read().unwrap()[at(&o, i)].as_ref().map(|v| v.id));
                    },
                ),
            ),
        )
        .elements(1);
        let (d, o) = (Arc::clone(&dash), Arc::clone(&order));
        s.time(
            &format!("epoch-table/get/{threads}t/vs-dashmap"),
            ("EpochTable", ours()),
            (
                "DashMap",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, i| {
                        black_box(d.get(&at(&o, i)).map(|v| v.id));
                    },
                ),
            ),
        )
        .elements(1);

        // A batch of lookups per operation: one pin (ours), one read lock (RwLock<Vec>), or one
        // shard lock per lookup (DashMap has no batch read).
        let batch_ours = || {
            let (t, o) = (Arc::clone(&table), Arc::clone(&order));
            routine(
                threads,
                None,
                || (),
                move |_, i| {
                    let pinned = t.pin();
                    let base = i as usize * BATCH;
                    let mut sum = 0;
                    for j in 0..BATCH {
                        sum += pinned.get(o[(base + j) % o.len()]).map_or(0, |v| v.id);
                    }
                    black_box(sum);
                },
            )
        };
        let (v, o) = (Arc::clone(&vec), Arc::clone(&order));
        s.time(
            &format!("epoch-table/batch{BATCH}/{threads}t/vs-rwlock-vec"),
            ("EpochTable", batch_ours()),
            (
                "RwLock<Vec>",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, i| {
                        let g = v.read().unwrap();
                        let base = i as usize * BATCH;
                        let mut sum = 0;
                        for j in 0..BATCH {
                            sum += g[o[(base + j) % o.len()]].as_ref().map_or(0, |v| v.id);
                        }
                        black_box(sum);
                    },
                ),
            ),
        )
        .elements(BATCH as u64);
        let (d, o) = (Arc::clone(&dash), Arc::clone(&order));
        s.time(
            &format!("epoch-table/batch{BATCH}/{threads}t/vs-dashmap"),
            ("EpochTable", batch_ours()),
            (
                "DashMap",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, i| {
                        let base = i as usize * BATCH;
                        let mut sum = 0;
                        for j in 0..BATCH {
                            sum += d.get(&o[(base + j) % o.len()]).map_or(0, |v| v.id);
                        }
                        black_box(sum);
                    },
                ),
            ),
        )
        .elements(BATCH as u64);
    }
}

fn striped_map_benches(s: &mut Suite) {
    let (keys, order) = map_keys();
    // 90% reads, 10% writes (an insert of an existing key), by operation index.
    let is_write = |i: u64| i % 10 == 9;
    for threads in [1, 2] {
        let ours = || {
            let m = Arc::new(StripedMap::new());
            for &k in keys.iter() {
                m.insert(k, k);
            }
            let o = Arc::clone(&order);
            routine(
                threads,
                None,
                || (),
                move |_, i| {
                    let k = key(&o, i);
                    if is_write(i) {
                        m.insert(k, i);
                    } else {
                        black_box(m.get(&k));
                    }
                },
            )
        };
        let d: Arc<DashMap<u64, u64>> = Arc::new(keys.iter().map(|&k| (k, k)).collect());
        let o = Arc::clone(&order);
        s.time(
            &format!("striped-map/90-10/{threads}t/vs-dashmap"),
            ("StripedMap", ours()),
            (
                "DashMap",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, i| {
                        let k = key(&o, i);
                        if is_write(i) {
                            d.insert(k, i);
                        } else {
                            black_box(d.get(&k).map(|v| *v));
                        }
                    },
                ),
            ),
        )
        .elements(1);
        let m: Arc<Mutex<HashMap<u64, u64>>> =
            Arc::new(Mutex::new(keys.iter().map(|&k| (k, k)).collect()));
        let o = Arc::clone(&order);
        s.time(
            &format!("striped-map/90-10/{threads}t/vs-mutex"),
            ("StripedMap", ours()),
            (
                "Mutex<HashMap>",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, i| {
                        let k = key(&o, i);
                        let mut g = m.lock().unwrap();
                        if is_write(i) {
                            g.insert(k, i);
                        } else {
                            black_box(g.get(&k).copied());
                        }
                    },
                ),
            ),
        )
        .elements(1);
    }
}

/// Loads per timed step of the one-word load comparison.
const LOADS: u64 = 8;

fn adaptive_cell_benches(s: &mut Suite) {
    // A type that fits an atomic: the same instructions as the atomic. A load is a cycle or
    // less, so one per loop step measured mostly the loop, whose speed on an Intel Xeon
    // depended on where unrelated code placed it (1.0 or 2.0 of the atomic's time, with the
    // same instructions); eight per step measure the loads.
    let a = Arc::new(AdaptiveCell::new(1u64));
    let b = Arc::new(AtomicU64::new(1));
    s.time(
        "adaptive-cell/load/1t/u64/vs-atomic-u64",
        (
            "AdaptiveCell<u64>",
            routine(
                1,
                None,
                || (),
                move |_, _| {
                    for _ in 0..LOADS {
                        black_box(a.load());
                    }
                },
            ),
        ),
        (
            "AtomicU64",
            routine(
                1,
                None,
                || (),
                move |_, _| {
                    for _ in 0..LOADS {
                        black_box(b.load(Ordering::Relaxed));
                    }
                },
            ),
        ),
    )
    .elements(LOADS);
    // A type too large for one: our per-cell mutex against AtomicCell's global lock array.
    type Big = [u64; 4];
    for threads in [1, 2] {
        let a = Arc::new(AdaptiveCell::new([1u64; 4]));
        let b = Arc::new(AtomicCell::new([1u64; 4]));
        s.time(
            &format!("adaptive-cell/load/{threads}t/u64x4/vs-atomiccell"),
            (
                "AdaptiveCell<[u64; 4]>",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, _| {
                        black_box::<Big>(a.load());
                    },
                ),
            ),
            (
                "AtomicCell<[u64; 4]>",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, _| {
                        black_box::<Big>(b.load());
                    },
                ),
            ),
        )
        .elements(1);
        let a = Arc::new(AdaptiveCell::new([1u64; 4]));
        let b = Arc::new(AtomicCell::new([1u64; 4]));
        s.time(
            &format!("adaptive-cell/update/{threads}t/u64x4/vs-atomiccell"),
            (
                "AdaptiveCell<[u64; 4]>",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, _| {
                        a.update(|v| v.map(|x| x + 1));
                    },
                ),
            ),
            (
                "AtomicCell<[u64; 4]>",
                routine(
                    threads,
                    None,
                    || (),
                    move |_, _| {
                        let _ = b.fetch_update(|v| Some(v.map(|x| x + 1)));
                    },
                ),
            ),
        )
        .elements(1);
    }
}

fn main() {
    let mut s = Suite::new("sync-prims");
    rcu_map_benches(&mut s);
    counter_benches(&mut s);
    seqlock_benches(&mut s);
    epoch_table_benches(&mut s);
    striped_map_benches(&mut s);
    adaptive_cell_benches(&mut s);
    s.main();
}
