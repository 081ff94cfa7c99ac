//! The hardened edges in the browser, against real servers: a password goes only to the server
//! it was given for, and in clear to another machine only after asking.

mod support;

use std::time::Duration;

use support::app::{App, WAIT};
use support::{root, FaultProxy, OpenCode, ServerOptions};

/// This machine's address on its network (not loopback), found by asking the routing table
/// which address a packet to a documentation-only address would leave from (nothing is sent).
fn network_address() -> Option<std::net::Ipv4Addr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.254:9").ok()?;
    match socket.local_addr().ok()?.ip() {
        std::net::IpAddr::V4(ip) if !ip.is_loopback() && !ip.is_unspecified() => Some(ip),
        _ => None,
    }
}

/// Replaces the text of the field `name` (of `role`) with `text`, as a person would: select
/// all, type over it.
async fn retype(app: &App, role: &str, name: &str, text: &str) {
    let field = app.see_role(role, name).await;
    field
        .send_keys(&format!("\u{E009}a\u{E000}{text}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_password_goes_only_to_the_server_it_was_given_for() {
    let guarded = OpenCode::start_with(ServerOptions {
        password: Some("first-secret".into()),
        ..Default::default()
    })
    .await;
    let other = OpenCode::start().await;
    // "Try my server": everything it is sent is recorded, Authorization headers above all.
    let theirs = FaultProxy::start_with(&other.base_url(), &[]);
    let app = App::start(&guarded.base_url(), None).await;
    app.open("/settings").await;
    retype(&app, "textbox", "Password", "first-secret").await;
    app.click("button", "Test connection").await;
    app.see("[role=status]", "Connected to OpenCode").await;

    // Another server typed in: the password field empties and says why.
    retype(&app, "textbox", "Server URL", &theirs.url()).await;
    let field = app.see_role("textbox", "Password").await;
    assert_eq!(field.property("value").await.unwrap(), "");
    app.see(
        "#password-hint",
        "only ever sent to the server it was given for",
    )
    .await;
    app.click("button", "Test connection").await;
    app.see("[role=status]", "Connected to OpenCode").await;
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    // The app now works against it: the list, the event stream.
    app.click("link", "Sessions").await;
    app.see("p", "No sessions yet").await;
    app.browser
        .wait_until("document.querySelector('.stream-live') !== null", WAIT)
        .await
        .unwrap();
    assert!(theirs.requests("GET /global/health") >= 1);
    assert_eq!(
        theirs.authorized(),
        Vec::<String>::new(),
        "the other server was sent the password"
    );

    // Back to the first server: its password was never saved, so it is asked for again, and
    // the second server's (none) does not follow.
    app.open("/settings").await;
    retype(&app, "textbox", "Server URL", &guarded.base_url()).await;
    let field = app.see_role("textbox", "Password").await;
    assert_eq!(field.property("value").await.unwrap(), "");
}

#[tokio::test]
async fn a_password_in_clear_to_another_machine_is_warned_about_and_asked_for() {
    let server = OpenCode::start_with(ServerOptions {
        password: Some("lan-secret".into()),
        ..Default::default()
    })
    .await;
    let app = App::start(&server.base_url(), None).await;
    // Plain http:// to this machine's network address, as a server on the LAN would be.
    let Some(address) = network_address() else {
        panic!("this test needs a network address other than loopback (none found)");
    };
    let proxy = FaultProxy::start_with(&server.base_url(), &["--host", "0.0.0.0"]);
    let url = format!("http://{address}:{}", proxy.port);

    app.open("/settings").await;
    retype(&app, "textbox", "Server URL", &url).await;
    app.see(".cleartext-warning", "cross the network in clear")
        .await;
    retype(&app, "textbox", "Password", "lan-secret").await;
    app.click("button", "Test connection").await;
    app.see_role("alertdialog", "Send the password in clear?")
        .await;
    app.browser
        .screenshot(root().join("target/screenshots/settings-cleartext.png"))
        .await
        .unwrap();
    // Escape, like Cancel, sends nothing.
    app.browser.press("\u{E00C}").await.unwrap();
    app.click("button", "Test connection").await;
    app.click("button", "Cancel").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(proxy.log(), Vec::<String>::new(), "nothing sent unasked");

    // Agreed to: the test goes, with the password; saving does not ask again.
    app.click("button", "Test connection").await;
    app.click("button", "Send it in clear").await;
    app.see("[role=status]", "Connected to OpenCode").await;
    assert!(proxy
        .authorized()
        .contains(&"GET /global/health".to_owned()));
    app.click("button", "Save").await;
    app.see("[role=status]", "Settings saved").await;
    assert_eq!(app.count("[role=alertdialog]").await, 0);
}
