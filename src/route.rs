//! The app's routes. Links are always typed `Route`s.

use dioxus::prelude::*;

use crate::layout::Shell;
use crate::pages::{Compare, Lineage, NotFound, Session, Sessions, Settings};

#[derive(Routable, Clone, PartialEq, Debug)]
#[rustfmt::skip]
pub enum Route {
    #[layout(Shell)]
        #[route("/")]
        Sessions {},
        #[route("/session/:id")]
        Session { id: String },
        #[route("/lineage?:focus")]
        Lineage { focus: String },
        #[route("/compare?:a&:b")]
        Compare { a: String, b: String },
        #[route("/settings")]
        Settings {},
        #[route("/:..segments")]
        NotFound { segments: Vec<String> },
}
