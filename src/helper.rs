//! The process's helper thread: it runs work that a lint's own thread offers it (some of the
//! rules, part of a YAML load), so that one lint uses two cores where it has them.
//!
//! Whatever is offered is also done without the helper: a lint's own thread takes back every
//! piece the helper has not started by the time it needs it, so a busy helper (another lint,
//! or no core free to run it) only means that the lint runs on one thread.

use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use crate::lint::{mark_thread_stack_deep, LINT_STACK_BYTES};

/// The cores this process may use (cgroup quotas included), asked once.
pub(crate) fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

pub(crate) type Job = Box<dyn FnOnce() + Send>;

/// Queues `job` for the helper, started at the first offer with the lint stack, so that a lint
/// neither starts a thread (~0.1 ms with its stack and allocator cache) nor finds the helper's
/// caches cold. Without a helper (no thread to be had) the job is dropped: offers are made so
/// that the offering thread then does the work itself.
pub(crate) fn offer(job: Job) {
    static HELPER: OnceLock<Option<Sender<Job>>> = OnceLock::new();
    let helper = HELPER.get_or_init(|| {
        let (jobs, queued) = channel::<Job>();
        std::thread::Builder::new()
            .name("lint-helper".into())
            .stack_size(LINT_STACK_BYTES)
            .spawn(move || {
                mark_thread_stack_deep();
                for job in queued {
                    job();
                }
            })
            .ok()
            .map(|_| jobs)
    });
    if let Some(jobs) = helper {
        // The helper never stops, so the send cannot fail; if it did, the offering thread
        // would simply do the work.
        let _ = jobs.send(job);
    }
}

/// A piece of work offered to the helper, whose result [`Forked::join`] returns: the helper's,
/// or, when the helper has not started it yet, its own (the work is then done in place).
pub(crate) struct Forked<T> {
    shared: Arc<Fork<T>>,
}

type Work<T> = Box<dyn FnOnce() -> T + Send>;

struct Fork<T> {
    /// The work, until a thread takes it.
    work: Mutex<Option<Work<T>>>,
    /// What the helper's run gave, panic included.
    result: Mutex<Option<std::thread::Result<T>>>,
    done: Condvar,
}

/// Offers `work` to the helper; see [`Forked`].
pub(crate) fn fork<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Forked<T> {
    let shared = Arc::new(Fork {
        work: Mutex::new(Some(Box::new(work) as Work<T>)),
        result: Mutex::new(None),
        done: Condvar::new(),
    });
    let on_helper = Arc::clone(&shared);
    offer(Box::new(move || {
        let work = lock(&on_helper.work).take();
        if let Some(work) = work {
            // Caught, so that the panic reaches the thread that joins.
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
            *lock(&on_helper.result) = Some(result);
            on_helper.done.notify_all();
        }
    }));
    Forked { shared }
}

impl<T> Forked<T> {
    /// The work's result: done here if the helper has not started it, else waited for. A
    /// panic in the work is resumed here.
    pub(crate) fn join(self) -> T {
        let work = lock(&self.shared.work).take();
        if let Some(work) = work {
            return work();
        }
        let mut result = lock(&self.shared.result);
        loop {
            match result.take() {
                Some(Ok(value)) => return value,
                Some(Err(panic)) => std::panic::resume_unwind(panic),
                None => {
                    result = self
                        .shared
                        .done
                        .wait(result)
                        .unwrap_or_else(PoisonError::into_inner)
                }
            }
        }
    }
}

impl<T> Drop for Forked<T> {
    /// Work nobody joins is withdrawn: a helper that gets to it finds nothing to do.
    fn drop(&mut self) {
        lock(&self.shared.work).take();
    }
}

/// The work and the result are only moved in and out under the lock, so a poisoned lock
/// still holds a consistent value.
fn lock<V>(mutex: &Mutex<V>) -> MutexGuard<'_, V> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_work_gives_its_result_whoever_runs_it() {
        // Many forks at once: some run on the helper, the rest are taken back by the join.
        let forks: Vec<_> = (0..64u64).map(|i| fork(move || i * i)).collect();
        let results: Vec<u64> = forks.into_iter().map(Forked::join).collect();
        assert_eq!(results, (0..64u64).map(|i| i * i).collect::<Vec<_>>());
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_join() {
        let forked = fork(|| -> u8 { panic!("in the work") });
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| forked.join()));
        assert!(caught.is_err());
    }

    #[test]
    fn dropped_work_is_not_run() {
        let ran = Arc::new(Mutex::new(false));
        let flag = Arc::clone(&ran);
        // The helper's queue is first in, first out. A job that waits for the gate keeps the
        // helper from starting the fork's job before the fork is dropped (it would run it, as
        // it should), and the marker job runs after it, which must find nothing to do.
        let (open_gate, gate) = std::sync::mpsc::channel::<()>();
        offer(Box::new(move || gate.recv().unwrap_or(())));
        drop(fork(move || *lock(&flag) = true));
        drop(open_gate);
        let (sent, received) = std::sync::mpsc::channel();
        offer(Box::new(move || sent.send(()).unwrap_or(())));
        received.recv().expect("the helper runs jobs");
        assert!(!*lock(&ran));
    }
}
