//! Test helpers: an allocator that counts per thread and fails on request, and an element
//! type that tracks every instance so leaks and double drops are caught.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::rc::Rc;

/// The global allocator of this test binary: `System`, with per-thread counts and an
/// injectable failure.
pub(crate) struct TestAlloc;

#[global_allocator]
static ALLOC: TestAlloc = TestAlloc;

/// Allocation calls made on one thread.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) allocs: u64,
    pub(crate) reallocs: u64,
    pub(crate) deallocs: u64,
    /// Bytes currently allocated by this thread (frees on other threads are not seen).
    pub(crate) live_bytes: i64,
}

thread_local! {
    static COUNTS: Cell<Counts> = const { Cell::new(Counts { allocs: 0, reallocs: 0, deallocs: 0, live_bytes: 0 }) };
    // Allocation requests of exactly this many bytes fail on this thread.
    static FAIL_SIZE: Cell<usize> = const { Cell::new(usize::MAX) };
}

fn bump(f: impl FnOnce(&mut Counts)) {
    // `try_with`: the allocator may run while thread-locals are being torn down.
    let _ = COUNTS.try_with(|c| {
        let mut v = c.get();
        f(&mut v);
        c.set(v);
    });
}

fn should_fail(size: usize) -> bool {
    FAIL_SIZE.try_with(|f| f.get() == size).unwrap_or(false)
}

// SAFETY: every call is forwarded to `System` with the caller's arguments; the counters are
// thread-local cells that never allocate.
unsafe impl GlobalAlloc for TestAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if should_fail(layout.size()) {
            return std::ptr::null_mut();
        }
        bump(|c| {
            c.allocs += 1;
            c.live_bytes += layout.size() as i64;
        });
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        bump(|c| {
            c.deallocs += 1;
            c.live_bytes -= layout.size() as i64;
        });
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if should_fail(new_size) {
            return std::ptr::null_mut();
        }
        bump(|c| {
            c.reallocs += 1;
            c.live_bytes += new_size as i64 - layout.size() as i64;
        });
        // SAFETY: forwarded unchanged.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// This thread's allocation counts so far.
pub(crate) fn counts() -> Counts {
    COUNTS.with(Cell::get)
}

/// Runs `f` with every request of exactly `size` bytes failing on this thread.
pub(crate) fn failing_size<R>(size: usize, f: impl FnOnce() -> R) -> R {
    FAIL_SIZE.with(|s| s.set(size));
    let r = f();
    FAIL_SIZE.with(|s| s.set(usize::MAX));
    r
}

/// Keeps track of the live [`Tracked`] values; can make a clone or a drop panic.
#[derive(Default)]
pub(crate) struct Registry {
    alive: RefCell<BTreeSet<u64>>,
    next_id: Cell<u64>,
    clones: Cell<u64>,
    /// The clone number (counting from 1) that panics.
    pub(crate) panic_on_clone: Cell<Option<u64>>,
    /// Dropping a value with this `val` panics (the value still counts as dropped).
    pub(crate) panic_on_drop_val: Cell<Option<u32>>,
}

impl Registry {
    pub(crate) fn new() -> Rc<Self> {
        Rc::new(Self::default())
    }

    pub(crate) fn make(self: &Rc<Self>, val: u32) -> Tracked {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        self.alive.borrow_mut().insert(id);
        Tracked {
            val,
            id,
            reg: Rc::clone(self),
        }
    }

    pub(crate) fn live(&self) -> usize {
        self.alive.borrow().len()
    }
}

/// An element that registers itself while alive: dropping one twice, or never, is caught.
pub(crate) struct Tracked {
    pub(crate) val: u32,
    id: u64,
    reg: Rc<Registry>,
}

impl Clone for Tracked {
    fn clone(&self) -> Self {
        let n = self.reg.clones.get() + 1;
        self.reg.clones.set(n);
        if self.reg.panic_on_clone.get() == Some(n) {
            panic!("clone number {n} panics (as the test asked)");
        }
        self.reg.make(self.val)
    }
}

impl Drop for Tracked {
    fn drop(&mut self) {
        let was_alive = self.reg.alive.borrow_mut().remove(&self.id);
        assert!(
            was_alive,
            "Tracked {} (val {}) dropped twice",
            self.id, self.val
        );
        if self.reg.panic_on_drop_val.get() == Some(self.val) {
            self.reg.panic_on_drop_val.set(None);
            panic!("drop of val {} panics (as the test asked)", self.val);
        }
    }
}

impl PartialEq for Tracked {
    fn eq(&self, other: &Self) -> bool {
        self.val == other.val
    }
}

impl std::fmt::Debug for Tracked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.val)
    }
}

/// The `val`s of a slice of tracked values.
pub(crate) fn vals(s: &[Tracked]) -> Vec<u32> {
    s.iter().map(|t| t.val).collect()
}

/// Runs `f`, expecting it to panic; returns the panic message.
pub(crate) fn expect_panic(f: impl FnOnce()) -> String {
    let err =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).expect_err("expected a panic");
    if let Some(s) = err.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = err.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        String::from("<non-string panic>")
    }
}
