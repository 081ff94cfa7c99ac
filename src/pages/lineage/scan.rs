//! "Scan server" on the lineage view: its button, progress and Cancel, and whether it runs by
//! itself when the app connects.

use dioxus::prelude::*;

use crate::persist::prefs;
use crate::state::{use_lineage, use_scan, use_settings, use_toasts};

/// "Scan server", its progress and its Cancel, and whether it runs on connect.
#[component]
pub fn ScanControls(offline: bool) -> Element {
    let scan = use_scan();
    let settings = use_settings();
    let lineage = use_lineage();
    let toasts = use_toasts();
    let mut on_connect = use_signal(prefs::scan_on_connect);
    let progress = *scan.progress.read();
    rsx! {
        if let Some(p) = progress {
            span { class: "scan-progress", role: "status",
                progress { max: "{p.total.max(1)}", value: "{p.done}", aria_label: "Scanning the server's sessions" }
                if p.total == 0 { " Listing sessions…" } else { " Scanned {p.done} of {p.total} sessions" }
            }
            button { r#type: "button", onclick: move |_| scan.cancel(), "Cancel scan" }
        } else {
            button {
                r#type: "button",
                disabled: offline,
                title: "Find forks made elsewhere (the terminal, another browser): sessions whose first messages match another session's",
                onclick: move |_| scan.start(&settings.read(), lineage, toasts),
                "Scan server"
            }
        }
        label { class: "checkbox",
            input {
                r#type: "checkbox",
                checked: on_connect(),
                onclick: move |_| {
                    let on = !on_connect();
                    prefs::set_scan_on_connect(on);
                    on_connect.set(on);
                },
            }
            "Scan when the app connects"
        }
    }
}
