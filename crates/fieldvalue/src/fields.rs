//! [`Fields`]: the (name, value) pairs of a struct or map.

use std::collections::HashMap;

use crate::value::{FieldValue, Str};

/// The fields of a [`FieldValue::Struct`] or [`FieldValue::Map`]: a vector of pairs in
/// insertion order while small (a lookup compares names one by one), with a hash index from
/// name to position added once there are more than [`Fields::INDEX_THRESHOLD`], switching
/// automatically. The pairs stay in insertion order either way.
#[derive(Clone, Debug, Default)]
pub struct Fields {
    pairs: Vec<(Str, FieldValue)>,
    index: Option<HashMap<Str, usize, foldhash::fast::RandomState>>,
}

impl Fields {
    /// The size above which the hash index is kept. Measured with
    /// `cargo xtask bench --filter fieldvalue/fields`: looking up every field of a struct of
    /// typical column names, a scan takes 0.8-0.9x the hash lookups' time at 4 fields, 1.1-1.5x
    /// at 8, 1.6-1.8x at 12 (docs/BENCHMARKS.md).
    pub const INDEX_THRESHOLD: usize = 8;

    /// Fields from `(name, value)` pairs (a later duplicate name replaces the earlier value).
    pub fn new(pairs: impl IntoIterator<Item = (Str, FieldValue)>) -> Self {
        let mut f = Fields::default();
        for (k, v) in pairs {
            f.insert(k, v);
        }
        f
    }

    /// Sets `name` to `value`; returns the value it replaces.
    pub fn insert(&mut self, name: Str, value: FieldValue) -> Option<FieldValue> {
        if let Some(i) = self.position(&name) {
            return Some(std::mem::replace(&mut self.pairs[i].1, value));
        }
        self.pairs.push((name, value));
        let n = self.pairs.len();
        if let Some(index) = &mut self.index {
            index.insert(self.pairs[n - 1].0.clone(), n - 1);
        } else if n > Self::INDEX_THRESHOLD {
            self.index = Some(
                self.pairs
                    .iter()
                    .enumerate()
                    .map(|(i, (k, _))| (k.clone(), i))
                    .collect(),
            );
        }
        None
    }

    /// Where `name` is, if present.
    pub fn position(&self, name: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(name).copied(),
            None => self.pairs.iter().position(|(k, _)| k.as_str() == name),
        }
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&FieldValue> {
        self.position(name).map(|i| &self.pairs[i].1)
    }

    /// The pairs, in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &FieldValue)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of fields.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Whether the hash index is built (more than [`Self::INDEX_THRESHOLD`] fields).
    pub fn is_indexed(&self) -> bool {
        self.index.is_some()
    }

    /// The pairs sorted by name (for order-independent map comparison).
    pub(crate) fn sorted(&self) -> Vec<(&str, &FieldValue)> {
        let mut v: Vec<_> = self.iter().collect();
        v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        v
    }
}

impl FromIterator<(Str, FieldValue)> for Fields {
    fn from_iter<I: IntoIterator<Item = (Str, FieldValue)>>(iter: I) -> Self {
        Fields::new(iter)
    }
}
