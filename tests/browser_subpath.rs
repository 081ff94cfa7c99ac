//! The site built for a sub-path (`make dist BASE=/branchpoint/`, which `make dist-subpath`
//! writes to target/dist-branchpoint) served under /branchpoint/ only, as a GitHub Pages
//! project site is: deep links, the sessions list, every asset, the web manifest and its
//! icons, and the service worker's scope.

mod support;

use serde_json::json;
use support::app::{App, WAIT};
use support::{root, OpenCode, StaticSite};

#[tokio::test]
async fn the_app_works_under_a_sub_path() {
    let server = OpenCode::start().await;
    let session = server
        .seed("Hosted under a sub-path", &["hello from a project site"])
        .await;
    let site = StaticSite::start_under("target/dist-branchpoint", "/branchpoint/");
    let app = App::start_on(site, &server.base_url(), None).await;

    // A deep link straight into a session.
    app.open(&format!("/session/{}", session.id)).await;
    app.see("article", "hello from a project site").await;
    app.see_role("heading", "Hosted under a sub-path").await;

    // Everything the page loaded from the site came from under /branchpoint/.
    let paths = app
        .strings("return performance.getEntriesByType('resource').filter(e => e.name.startsWith(location.origin)).map(e => new URL(e.name).pathname);")
        .await;
    assert!(
        paths.iter().any(|p| p.ends_with(".wasm")),
        "the wasm was loaded: {paths:?}"
    );
    assert!(
        paths.iter().all(|p| p.starts_with("/branchpoint/")),
        "{paths:?}"
    );

    // The web manifest and every icon it names resolve under the sub-path.
    let manifest = app
        .browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const link = document.querySelector('link[rel=manifest]');
             if (!link) return done({ error: 'no manifest link' });
             fetch(link.href).then(r => r.json()).then(async m => {
               const icons = [];
               for (const icon of m.icons) {
                 const r = await fetch(new URL(icon.src, link.href));
                 icons.push([new URL(r.url).pathname, r.status, r.headers.get('content-type')]);
               }
               const touch = document.querySelector('link[rel=apple-touch-icon]');
               done({ href: new URL(link.href).pathname, start: new URL(m.start_url, link.href).pathname,
                      scope: new URL(m.scope, link.href).pathname, icons, touch: touch && new URL(touch.href).pathname });
             }).catch(e => done({ error: String(e) }));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        manifest["href"], "/branchpoint/manifest.webmanifest",
        "{manifest}"
    );
    assert_eq!(manifest["start"], "/branchpoint/", "{manifest}");
    assert_eq!(manifest["scope"], "/branchpoint/", "{manifest}");
    assert_eq!(
        manifest["touch"], "/branchpoint/icons/icon-192.png",
        "{manifest}"
    );
    let icons = manifest["icons"].as_array().expect("icons");
    assert!(icons.len() >= 3, "{manifest}");
    for icon in icons {
        assert!(
            icon[0].as_str().unwrap().starts_with("/branchpoint/icons/"),
            "{icon}"
        );
        assert_eq!(icon[1], 200, "{icon}");
        assert!(
            icon[2].as_str().unwrap_or_default().starts_with("image/"),
            "{icon}"
        );
    }

    // The service worker keeps the shell of this sub-path, not of the whole origin.
    let scope = app
        .browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(r => done(new URL(r.scope).pathname)).catch(e => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(scope, json!("/branchpoint/"));

    // The sessions list, through the app's own navigation, stays under the sub-path.
    app.click("link", "Sessions").await;
    app.see(".session-row", "Hosted under a sub-path").await;
    app.browser
        .wait_until("location.pathname === '/branchpoint/'", WAIT)
        .await
        .unwrap();
    app.browser
        .screenshot(root().join("target/screenshots/subpath-sessions.png"))
        .await
        .unwrap();

    // Outside the sub-path there is nothing: the app really lives under /branchpoint/.
    let outside = app
        .browser
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/session/x').then(r => done(r.status)).catch(e => done(String(e)));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(outside, json!(404));
}
