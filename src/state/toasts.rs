//! Toasts: what just happened, or what went wrong, in the corner of the screen.

use dioxus::prelude::*;

/// How a toast looks and how loudly it is announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Info,
    Error,
}

/// A message in the corner: what just happened, or what went wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub id: u64,
    pub kind: ToastKind,
    pub text: String,
}

/// The toasts on screen.
#[derive(Clone, Copy)]
pub struct Toasts(pub Signal<Vec<Toast>>);

impl Toasts {
    /// Shows a toast.
    pub fn push(mut self, kind: ToastKind, text: impl Into<String>) {
        let id = self.0.peek().iter().map(|t| t.id).max().unwrap_or(0) + 1;
        self.0.write().push(Toast {
            id,
            kind,
            text: text.into(),
        });
        // News fades after a while; errors stay until dismissed.
        #[cfg(target_arch = "wasm32")]
        if kind == ToastKind::Info {
            spawn(async move {
                gloo_timers::future::TimeoutFuture::new(8_000).await;
                self.dismiss(id);
            });
        }
    }

    /// Removes a toast.
    pub fn dismiss(mut self, id: u64) {
        self.0.write().retain(|t| t.id != id);
    }
}

pub(super) fn provide() -> Toasts {
    use_context_provider(|| Toasts(Signal::new(Vec::new())))
}

/// The toasts of the app.
pub fn use_toasts() -> Toasts {
    use_context::<Toasts>()
}
