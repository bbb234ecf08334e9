//! [`Table`]: stream records by key, streamed in batches.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use crate::record::{RecordError, Schema, StreamRecord};
use crate::value::FieldValue;

/// Records by the value of one key field: O(1) lookup, insertion order kept for streaming.
///
/// Inserting a record whose key is present replaces it in place (a keyed table, like a
/// changelog's latest state); [`Table::remove`] moves the last record into the hole.
///
/// Records are held as `Arc<StreamRecord>`, so a batch is a vector of reference-count bumps.
#[derive(Debug)]
pub struct Table {
    schema: Arc<Schema>,
    key_field: usize,
    records: Vec<Arc<StreamRecord>>,
    index: HashMap<FieldValue, usize, foldhash::fast::RandomState>,
    cursor: AtomicUsize,
}

impl Table {
    /// An empty table of `schema`, keyed by the field `key_field`.
    pub fn new(schema: Arc<Schema>, key_field: &str) -> Result<Table, RecordError> {
        let key_field = schema
            .index_of(key_field)
            .ok_or_else(|| RecordError::UnknownField(key_field.into()))?;
        Ok(Table {
            schema,
            key_field,
            records: Vec::new(),
            index: HashMap::default(),
            cursor: AtomicUsize::new(0),
        })
    }

    /// Room for `additional` more records without reallocating.
    pub fn reserve(&mut self, additional: usize) {
        self.records.reserve(additional);
        self.index.reserve(additional);
    }

    /// The schema.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// Inserts `record`, replacing the record with the same key (which is returned). An error
    /// if the record has another schema or a NULL key.
    pub fn insert(
        &mut self,
        record: impl Into<Arc<StreamRecord>>,
    ) -> Result<Option<Arc<StreamRecord>>, RecordError> {
        let record = record.into();
        if !Arc::ptr_eq(record.schema(), &self.schema) && **record.schema() != *self.schema {
            return Err(RecordError::SchemaMismatch);
        }
        let key = record.values()[self.key_field].clone();
        if key.is_null() {
            return Err(RecordError::NullKey);
        }
        match self.index.get(&key) {
            Some(&i) => Ok(Some(std::mem::replace(&mut self.records[i], record))),
            None => {
                self.index.insert(key, self.records.len());
                self.records.push(record);
                Ok(None)
            }
        }
    }

    /// The record with `key`.
    #[inline]
    pub fn get(&self, key: &FieldValue) -> Option<&Arc<StreamRecord>> {
        self.index.get(key).map(|&i| &self.records[i])
    }

    /// Removes the record with `key`; the last record takes its place in the streaming order.
    pub fn remove(&mut self, key: &FieldValue) -> Option<Arc<StreamRecord>> {
        let i = self.index.remove(key)?;
        let removed = self.records.swap_remove(i);
        if let Some(moved) = self.records.get(i) {
            let moved_key = &moved.values()[self.key_field];
            if let Some(slot) = self.index.get_mut(moved_key) {
                *slot = i;
            }
        }
        Some(removed)
    }

    /// The number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The records, in streaming order.
    pub fn records(&self) -> &[Arc<StreamRecord>] {
        &self.records
    }

    /// The next `batch_size` records from the table's read position, which moves past them;
    /// empty once every record has been handed out (see [`Table::rewind`]). Threads sharing
    /// the table each get different records. A `batch_size` of 0 is taken as 1.
    pub fn stream_batch(&self, batch_size: usize) -> Vec<Arc<StreamRecord>> {
        let n = batch_size.max(1);
        let len = self.records.len();
        let start = self
            .cursor
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                (c < len).then(|| c.saturating_add(n).min(len))
            });
        match start {
            Ok(start) => self.records[start..(start + n).min(len)].to_vec(),
            Err(_) => Vec::new(),
        }
    }

    /// Moves the read position of [`Table::stream_batch`] back to the first record.
    pub fn rewind(&self) {
        self.cursor.store(0, Ordering::Relaxed);
    }

    /// Every record, in batches of `batch_size` (the last may be shorter), from the first
    /// record; independent of the `stream_batch` read position. 0 is taken as 1.
    pub fn stream_all_batched(
        &self,
        batch_size: usize,
    ) -> impl ExactSizeIterator<Item = Vec<Arc<StreamRecord>>> + '_ {
        self.records.chunks(batch_size.max(1)).map(<[_]>::to_vec)
    }

    /// `f` over every record, on rayon's thread pool, a batch of `batch_size` records per task;
    /// the results in streaming order. For CPU-heavy projections: below a few microseconds of
    /// work per batch the handing out costs more than it saves.
    pub fn par_transform<R, F>(&self, batch_size: usize, f: F) -> Vec<R>
    where
        F: Fn(&StreamRecord) -> R + Sync + Send,
        R: Send,
    {
        self.records
            .par_chunks(batch_size.max(1))
            .flat_map_iter(|batch| batch.iter().map(|r| f(r)))
            .collect()
    }

    /// [`Table::par_transform`] with per-batch state: `init` makes a value for each batch (a
    /// scratch buffer, or an output [`Schema`] of the batch's own so that records built on
    /// different threads do not all bump one shared reference count), and `f` gets it with
    /// each record.
    pub fn par_transform_init<R, S, I, F>(&self, batch_size: usize, init: I, f: F) -> Vec<R>
    where
        I: Fn() -> S + Sync + Send,
        F: Fn(&mut S, &StreamRecord) -> R + Sync + Send,
        R: Send,
    {
        self.records
            .par_chunks(batch_size.max(1))
            .flat_map_iter(|batch| {
                let mut state = init();
                batch.iter().map(|r| f(&mut state, r)).collect::<Vec<_>>()
            })
            .collect()
    }

    /// [`Table::par_transform`] for a fallible `f`: the first error (in streaming order of the
    /// batches that ran) stops the work.
    pub fn try_par_transform<R, E, F>(&self, batch_size: usize, f: F) -> Result<Vec<R>, E>
    where
        F: Fn(&StreamRecord) -> Result<R, E> + Sync + Send,
        R: Send,
        E: Send,
    {
        self.records
            .par_chunks(batch_size.max(1))
            .flat_map_iter(|batch| batch.iter().map(|r| f(r)))
            .collect()
    }
}
