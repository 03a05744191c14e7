//! Values only the browser holds (chosen files, timers, closures over them).
//!
//! Such values are not `Send`, so they would live in the reactive owner's thread-local arena
//! (`StoredValue::new_local`). On the server that arena is dropped with the page's owner, and the
//! response stream may be polled to its end on another tokio worker: dropping a thread-local
//! value there panics and cuts the page off mid-response. The server never needs these values,
//! so it does not create them.

use leptos::prelude::*;

pub struct BrowserValue<T: 'static>(Option<StoredValue<T, LocalStorage>>);

impl<T: 'static> Clone for BrowserValue<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: 'static> Copy for BrowserValue<T> {}

impl<T: 'static> BrowserValue<T> {
    pub fn new(init: impl FnOnce() -> T) -> Self {
        if cfg!(feature = "ssr") {
            Self(None)
        } else {
            Self(Some(StoredValue::new_local(init())))
        }
    }

    pub fn set_value(&self, value: T) {
        if let Some(s) = self.0 {
            s.set_value(value);
        }
    }

    pub fn with_value<U>(&self, f: impl FnOnce(&T) -> U) -> Option<U> {
        self.0.map(|s| s.with_value(f))
    }
}

impl<T: Clone + 'static> BrowserValue<T> {
    pub fn get_value(&self) -> Option<T> {
        self.0.map(|s| s.get_value())
    }
}
