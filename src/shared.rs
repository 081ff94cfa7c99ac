//! [`Shared`]: a value handed down to components without copying it.

/// A value handed down to components without copying it: clones share it, and two are equal
/// only when they are the very same value, so a prop check costs nothing whatever its size (a
/// 10,000-message session was copied into every prop and compared field by field).
#[derive(Debug, Default)]
pub struct Shared<T>(std::rc::Rc<T>);

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(self.0.clone())
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> std::ops::Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared(std::rc::Rc::new(value))
    }
}
