//! Launches the app.

fn main() {
    dioxus::launch(branchpoint::app::App);
}
