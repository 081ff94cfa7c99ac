//! Launches the app — unless the page is inside a frame, where it says why it will not run.

fn main() {
    if branchpoint::platform::is_framed() {
        branchpoint::platform::refuse_framing();
        return;
    }
    dioxus::launch(branchpoint::app::App);
}
