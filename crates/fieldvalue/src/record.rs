//! [`Schema`] and [`StreamRecord`]: a stream's shared field names, and one record of it.

use std::collections::HashMap;
use std::fmt::{self, Write};
use std::sync::Arc;

use crate::display::{Gather, write_value};
use crate::value::{FieldValue, Str};

/// The field names of a stream, in order, shared by every record of it (`Arc<Schema>`), with a
/// name-to-index lookup.
#[derive(Debug)]
pub struct Schema {
    names: Box<[Str]>,
    index: HashMap<Str, usize, foldhash::fast::RandomState>,
}

impl Schema {
    /// A schema of `names`, in order; an error if a name repeats.
    pub fn new<S: Into<Str>>(
        names: impl IntoIterator<Item = S>,
    ) -> Result<Arc<Schema>, RecordError> {
        let names: Box<[Str]> = names.into_iter().map(Into::into).collect();
        let mut index = HashMap::with_capacity_and_hasher(names.len(), Default::default());
        for (i, name) in names.iter().enumerate() {
            if index.insert(name.clone(), i).is_some() {
                return Err(RecordError::DuplicateField(name.as_str().into()));
            }
        }
        Ok(Arc::new(Schema { names, index }))
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The index of `name`.
    #[inline]
    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// The name of field `i`.
    pub fn name(&self, i: usize) -> Option<&str> {
        self.names.get(i).map(Str::as_str)
    }

    /// The names, in order.
    pub fn names(&self) -> impl ExactSizeIterator<Item = &str> {
        self.names.iter().map(Str::as_str)
    }
}

impl PartialEq for Schema {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names
    }
}

impl Eq for Schema {}

/// A record's header entries (name, text value), shared: cloning bumps a reference count.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers(Option<Arc<[(Str, Str)]>>);

impl Headers {
    /// Headers from `(name, value)` pairs, in this order.
    pub fn new<K: Into<Str>, V: Into<Str>>(pairs: impl IntoIterator<Item = (K, V)>) -> Headers {
        let pairs: Arc<[(Str, Str)]> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .collect();
        Headers((!pairs.is_empty()).then_some(pairs))
    }

    /// The first value of header `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }

    /// The entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0
            .iter()
            .flat_map(|p| p.iter())
            .map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |p| p.len())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }
}

/// What a stream record carries beside its values: where it came from and when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RecordMeta {
    /// The event time, in milliseconds since the Unix epoch, if the source gave one.
    pub event_time_ms: Option<i64>,
    /// The record's offset in its partition.
    pub offset: i64,
    /// The partition it was read from.
    pub partition: i32,
    /// The message key, if any.
    pub key: Option<FieldValue>,
    /// The message headers.
    pub headers: Headers,
}

/// One record of a stream: a [`Schema`] reference, the values in schema order (shared), and
/// its [`RecordMeta`]. Cloning bumps reference counts; nothing is copied. [`StreamRecord::set`]
/// copies the values only if another clone still shares them.
#[derive(Clone, Debug)]
pub struct StreamRecord {
    schema: Arc<Schema>,
    values: Arc<[FieldValue]>,
    meta: RecordMeta,
}

/// A record that does not fit its schema, or a schema that is not valid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// A schema names the same field twice.
    DuplicateField(Box<str>),
    /// The values are not one per schema field.
    WrongArity {
        /// Fields in the schema.
        expected: usize,
        /// Values given.
        found: usize,
    },
    /// A field name not in the schema.
    UnknownField(Box<str>),
    /// A record of another schema than the table's.
    SchemaMismatch,
    /// A record whose key field is NULL, which a keyed table cannot hold.
    NullKey,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::DuplicateField(n) => write!(f, "field `{n}` appears twice in the schema"),
            RecordError::WrongArity { expected, found } => {
                write!(
                    f,
                    "the schema has {expected} fields but the record has {found} values"
                )
            }
            RecordError::UnknownField(n) => write!(f, "no field `{n}` in the schema"),
            RecordError::SchemaMismatch => f.write_str("the record's schema is not the table's"),
            RecordError::NullKey => f.write_str("the record's key field is NULL"),
        }
    }
}

impl std::error::Error for RecordError {}

impl StreamRecord {
    /// A record of `schema` with `values` in schema order (one allocation when the iterator
    /// knows its length); an error if there are not exactly as many values as fields.
    pub fn new(
        schema: Arc<Schema>,
        values: impl IntoIterator<Item = FieldValue>,
    ) -> Result<StreamRecord, RecordError> {
        let values: Arc<[FieldValue]> = values.into_iter().collect();
        if values.len() != schema.len() {
            return Err(RecordError::WrongArity {
                expected: schema.len(),
                found: values.len(),
            });
        }
        Ok(StreamRecord {
            schema,
            values,
            meta: RecordMeta::default(),
        })
    }

    /// This record with `meta`.
    pub fn with_meta(mut self, meta: RecordMeta) -> StreamRecord {
        self.meta = meta;
        self
    }

    /// The schema.
    pub fn schema(&self) -> &Arc<Schema> {
        &self.schema
    }

    /// The values, in schema order.
    #[inline]
    pub fn values(&self) -> &[FieldValue] {
        &self.values
    }

    /// Field `i`.
    #[inline]
    pub fn get(&self, i: usize) -> Option<&FieldValue> {
        self.values.get(i)
    }

    /// The field called `name`.
    pub fn get_by_name(&self, name: &str) -> Option<&FieldValue> {
        self.schema.index_of(name).and_then(|i| self.values.get(i))
    }

    /// Sets field `i` (copying the values first if a clone shares them); an error past the end.
    pub fn set(&mut self, i: usize, value: FieldValue) -> Result<(), RecordError> {
        let n = self.values.len();
        match Arc::make_mut(&mut self.values).get_mut(i) {
            Some(slot) => {
                *slot = value;
                Ok(())
            }
            None => Err(RecordError::WrongArity {
                expected: n,
                found: i + 1,
            }),
        }
    }

    /// Sets the field called `name`.
    pub fn set_by_name(&mut self, name: &str, value: FieldValue) -> Result<(), RecordError> {
        let i = self
            .schema
            .index_of(name)
            .ok_or_else(|| RecordError::UnknownField(name.into()))?;
        self.set(i, value)
    }

    /// The metadata.
    pub fn meta(&self) -> &RecordMeta {
        &self.meta
    }

    /// The metadata, to change.
    pub fn meta_mut(&mut self) -> &mut RecordMeta {
        &mut self.meta
    }
}

impl PartialEq for StreamRecord {
    /// Same field names, equal values (by `FieldValue`'s `Eq`) and equal metadata.
    fn eq(&self, other: &Self) -> bool {
        (Arc::ptr_eq(&self.schema, &other.schema) || self.schema == other.schema)
            && self.values == other.values
            && self.meta == other.meta
    }
}

impl fmt::Display for StreamRecord {
    /// `{name: value, name: value, …}` in schema order; written straight to the formatter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = Gather::new(f);
        out.write_str("{")?;
        for (i, (name, v)) in self.schema.names.iter().zip(self.values.iter()).enumerate() {
            if i > 0 {
                out.write_str(", ")?;
            }
            out.write_str(name)?;
            out.write_str(": ")?;
            write_value(&mut out, v)?;
        }
        out.write_str("}")?;
        out.flush()
    }
}
