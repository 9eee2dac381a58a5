//! Work that several rules share, done once per document: a rule asks for a value of its own
//! type (`Document::shared`), the first asker computes it.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use super::Document;

/// One shared value: an `Arc<OnceLock<Arc<T>>>` for its type `T`, typed away.
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
    /// The cell of `T`'s value, made empty on first ask.
    fn cell<T: Any + Send + Sync>(&self) -> Arc<OnceLock<Arc<T>>> {
        // The list is only pushed to; a panic elsewhere cannot leave it half-written.
        let mut entries = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let known = entries
            .iter()
            .find(|(id, _)| *id == TypeId::of::<T>())
            .and_then(|(_, cell)| cell.clone().downcast::<OnceLock<Arc<T>>>().ok());
        known.unwrap_or_else(|| {
            let cell = Arc::new(OnceLock::new());
            entries.push((TypeId::of::<T>(), cell.clone()));
            cell
        })
    }
}

impl Document {
    /// The value of type `T` derived from this document, computed by `compute` on first use. For
    /// what several rules select alike (the `properties` maps, the success responses), so the
    /// resolved document is walked once for all of them. Rules linted by two threads at once
    /// (`lint`) compute it once: the second asker waits for the first.
    pub fn shared<T: Any + Send + Sync>(&self, compute: impl FnOnce(&Document) -> T) -> Arc<T> {
        // Computed without the list locked: `compute` may ask for other shared values.
        let cell = self.memo.cell::<T>();
        cell.get_or_init(|| Arc::new(compute(self))).clone()
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

    #[test]
    fn computed_once_when_two_threads_ask_at_once() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Barrier;
        let doc = Document::load("t.json", br#"{"a": 1}"#, &LoadOptions::default()).unwrap();
        let calls = AtomicUsize::new(0);
        let both_asking = Barrier::new(2);
        let values: Vec<u16> = std::thread::scope(|scope| {
            let ask = || {
                both_asking.wait();
                *doc.shared(|_| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    // Long enough for the other thread to ask meanwhile.
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    5u16
                })
            };
            let other = scope.spawn(ask);
            vec![ask(), other.join().unwrap()]
        });
        assert_eq!((values, calls.load(Ordering::SeqCst)), (vec![5, 5], 1));
    }
}
