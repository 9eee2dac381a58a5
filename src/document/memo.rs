//! Work that several rules share, done once per document: a rule asks for a value of its own
//! type (`Document::shared`), the first asker computes it.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, Mutex};

use super::Document;

type Entry = (TypeId, Arc<dyn Any + Send + Sync>);

#[derive(Default)]
pub struct Memo(Mutex<Vec<Entry>>);

impl fmt::Debug for Memo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.lock().map_or(0, |m| m.len());
        write!(f, "Memo({n} values)")
    }
}

impl Memo {
    fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let entries = self.0.lock().ok()?;
        entries
            .iter()
            .find(|(id, _)| *id == TypeId::of::<T>())
            .and_then(|(_, value)| value.clone().downcast::<T>().ok())
    }
}

impl Document {
    /// The value of type `T` derived from this document, computed by `compute` on first use. For
    /// what several rules select alike (the `properties` maps, the success responses), so the
    /// resolved document is walked once for all of them.
    pub fn shared<T: Any + Send + Sync>(&self, compute: impl FnOnce(&Document) -> T) -> Arc<T> {
        if let Some(value) = self.memo.get::<T>() {
            return value;
        }
        // Computed without the lock held: `compute` may ask for other shared values.
        let value = Arc::new(compute(self));
        if let Ok(mut entries) = self.memo.0.lock() {
            if !entries.iter().any(|(id, _)| *id == TypeId::of::<T>()) {
                entries.push((TypeId::of::<T>(), value.clone()));
            }
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, LoadOptions};

    #[test]
    fn computed_once_per_type() {
        let doc = Document::load("t.json", br#"{"a": 1}"#, &LoadOptions::default()).unwrap();
        let mut calls = 0;
        let a = doc.shared(|_| {
            calls += 1;
            vec![1u8]
        });
        let b = doc.shared(|_| {
            calls += 1;
            vec![2u8]
        });
        assert_eq!((a[0], b[0], calls), (1, 1, 1));
        assert_eq!(*doc.shared(|_| 7u32), 7);
    }
}
