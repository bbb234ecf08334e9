//! [`StripedMap`]: a hash map split into lock-striped shards.

use std::borrow::Borrow;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hash};

use crossbeam_utils::CachePadded;
use hashbrown::HashTable;
use hashbrown::hash_table;
use parking_lot::RwLock;

/// One shard: its own lock and table, on its own cache line.
type Shard<K, V> = CachePadded<RwLock<HashTable<(K, V)>>>;

/// A concurrent hash map made of power-of-two many shards, each a `parking_lot::RwLock` around a
/// hash table; a key's hash picks its shard, so threads working on different shards don't
/// contend.
///
/// Each operation hashes its key once: the hash's top bits pick the shard and the same hash finds
/// the entry in the shard's table (a [`hashbrown::HashTable`], the table under std's `HashMap`).
/// A first version kept a `HashMap` per shard, which hashes the key a second time: it measured
/// about 1.5x `DashMap`'s time.
///
/// No guard escapes a call: [`get`](Self::get) returns a clone, [`get_with`](Self::get_with) and
/// [`entry`](Self::entry) run a closure under the shard's lock. That rules out the classic
/// deadlock of holding a guard from one call while making another on the same shard.
///
/// Measured (docs/BENCHMARKS.md, 90% reads and 10% writes on a 1,024-entry map): 0.82-1.02x the
/// time of `DashMap` at one and two threads; against a single `Mutex<HashMap>`, 1.09x alone (two
/// lock operations where the mutex has one) and 0.30-0.76x with two threads. Use it for maps with
/// frequent writes from several threads (sessions, caches); a single thread is as well served by
/// a plain `Mutex<HashMap>`. For maps read far more than written, [`RcuMap`](crate::RcuMap)
/// reads without any lock.
///
/// ```
/// use sync_prims::StripedMap;
///
/// let m = StripedMap::new();
/// m.insert("a", 1);
/// m.entry("a", |e| *e.or_insert(0) += 10);
/// assert_eq!(m.get("a"), Some(11));
/// assert_eq!(m.remove("a"), Some(11));
/// ```
pub struct StripedMap<K, V, S = RandomState> {
    shards: Box<[Shard<K, V>]>,
    hasher: S,
    /// `64 - log2(shards)`: a hash's top bits pick the shard (the table uses the low ones).
    shift: u32,
}

impl<K, V> StripedMap<K, V, RandomState> {
    /// An empty map with four shards per core.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with_shards(4 * cores)
    }

    /// An empty map with `shards` shards (rounded up to a power of two).
    pub fn with_shards(shards: usize) -> Self {
        Self::with_shards_and_hasher(shards, RandomState::new())
    }
}

impl<K, V, S> StripedMap<K, V, S> {
    /// An empty map with `shards` shards (rounded up to a power of two) using `hasher`.
    pub fn with_shards_and_hasher(shards: usize, hasher: S) -> Self {
        let shards = shards.max(1).next_power_of_two();
        Self {
            shards: (0..shards)
                .map(|_| CachePadded::new(RwLock::new(HashTable::new())))
                .collect(),
            hasher,
            shift: 64 - shards.trailing_zeros(),
        }
    }

    /// The number of shards.
    pub fn shards(&self) -> usize {
        self.shards.len()
    }

    /// The number of entries (locks each shard in turn; not a snapshot under writes).
    pub fn len(&self) -> usize {
        self.shards.iter().map(|s| s.read().len()).sum()
    }

    /// Whether the map is empty (see [`len`](Self::len)).
    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(|s| s.read().is_empty())
    }

    /// Removes every entry.
    pub fn clear(&self) {
        for s in self.shards.iter() {
            s.write().clear();
        }
    }
}

impl<K: Eq + Hash, V, S: BuildHasher> StripedMap<K, V, S> {
    /// The key's hash and its shard.
    #[inline]
    fn locate<Q: Hash + ?Sized>(&self, key: &Q) -> (u64, &RwLock<HashTable<(K, V)>>) {
        let hash = self.hasher.hash_one(key);
        // `checked_shr`: with one shard the shift is 64, and the index is 0.
        let index = hash.checked_shr(self.shift).unwrap_or(0) as usize;
        (hash, &self.shards[index])
    }

    /// A clone of the value for `key`.
    #[inline]
    pub fn get<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
        V: Clone,
    {
        self.get_with(key, V::clone)
    }

    /// Runs `f` on the value for `key` under the shard's read lock.
    #[inline]
    pub fn get_with<Q, R>(&self, key: &Q, f: impl FnOnce(&V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (hash, shard) = self.locate(key);
        let table = shard.read();
        table
            .find(hash, |(k, _)| k.borrow() == key)
            .map(|(_, v)| f(v))
    }

    /// Whether `key` is present.
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.get_with(key, |_| ()).is_some()
    }

    /// Inserts `value` for `key`; returns the value it replaced.
    #[inline]
    pub fn insert(&self, key: K, value: V) -> Option<V> {
        self.entry(key, |e| match e {
            Entry::Occupied(mut o) => Some(o.insert(value)),
            Entry::Vacant(v) => {
                v.insert(value);
                None
            }
        })
    }

    /// Removes `key`; returns its value.
    pub fn remove<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let (hash, shard) = self.locate(key);
        let mut table = shard.write();
        match table.find_entry(hash, |(k, _)| k.borrow() == key) {
            Ok(entry) => Some(entry.remove().0.1),
            Err(_) => None,
        }
    }

    /// Runs `f` on `key`'s [`Entry`] under the shard's write lock (insert-or-update in one
    /// step).
    #[inline]
    pub fn entry<R>(&self, key: K, f: impl FnOnce(Entry<'_, K, V>) -> R) -> R {
        let (hash, shard) = self.locate(&key);
        let mut table = shard.write();
        // Rehashing on growth uses the stored keys with the map's hasher.
        let hasher = |(k, _): &(K, V)| self.hasher.hash_one(k);
        match table.entry(hash, |(k, _)| *k == key, hasher) {
            hash_table::Entry::Occupied(inner) => f(Entry::Occupied(OccupiedEntry { inner })),
            hash_table::Entry::Vacant(inner) => f(Entry::Vacant(VacantEntry { inner, key })),
        }
    }
}

/// A key's place in a [`StripedMap`] shard, occupied or vacant, as given to the closure of
/// [`StripedMap::entry`] (the shape of `std::collections::hash_map::Entry`).
pub enum Entry<'a, K, V> {
    /// The key is present.
    Occupied(OccupiedEntry<'a, K, V>),
    /// The key is absent.
    Vacant(VacantEntry<'a, K, V>),
}

/// A present key's entry.
pub struct OccupiedEntry<'a, K, V> {
    inner: hash_table::OccupiedEntry<'a, (K, V)>,
}

/// An absent key's entry.
pub struct VacantEntry<'a, K, V> {
    inner: hash_table::VacantEntry<'a, (K, V)>,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    /// The value, inserting `default` if the key is absent.
    pub fn or_insert(self, default: V) -> &'a mut V {
        self.or_insert_with(|| default)
    }

    /// The value, inserting `default()` if the key is absent.
    pub fn or_insert_with(self, default: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(default()),
        }
    }

    /// The value, inserting `V::default()` if the key is absent.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }

    /// Runs `f` on the value if the key is present.
    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(o) = &mut self {
            f(o.get_mut());
        }
        self
    }

    /// The entry's key.
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(o) => o.key(),
            Entry::Vacant(v) => &v.key,
        }
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    /// The key.
    pub fn key(&self) -> &K {
        &self.inner.get().0
    }

    /// The value.
    pub fn get(&self) -> &V {
        &self.inner.get().1
    }

    /// The value, mutably.
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.inner.get_mut().1
    }

    /// The value, mutably, for the lifetime of the entry.
    pub fn into_mut(self) -> &'a mut V {
        &mut self.inner.into_mut().1
    }

    /// Replaces the value, returning the old one.
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }

    /// Removes the entry, returning its key and value.
    pub fn remove(self) -> (K, V) {
        self.inner.remove().0
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    /// The key.
    pub fn key(&self) -> &K {
        &self.key
    }

    /// Inserts `value` for the key.
    pub fn insert(self, value: V) -> &'a mut V {
        &mut self.inner.insert((self.key, value)).into_mut().1
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for Entry<'_, K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Entry::Occupied(o) => f
                .debug_struct("Occupied")
                .field("key", o.key())
                .field("value", o.get())
                .finish(),
            Entry::Vacant(v) => f.debug_struct("Vacant").field("key", v.key()).finish(),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for OccupiedEntry<'_, K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OccupiedEntry")
            .field("key", self.key())
            .field("value", self.get())
            .finish()
    }
}

impl<K: fmt::Debug, V> fmt::Debug for VacantEntry<'_, K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VacantEntry")
            .field("key", self.key())
            .finish()
    }
}

impl<K, V> Default for StripedMap<K, V, RandomState> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: fmt::Debug, V: fmt::Debug, S> fmt::Debug for StripedMap<K, V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for s in self.shards.iter() {
            m.entries(s.read().iter().map(|(k, v)| (k, v)));
        }
        m.finish()
    }
}
