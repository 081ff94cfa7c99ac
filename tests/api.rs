//! The typed API client against a real `opencode serve` (and our scripted model).

mod support;

use branchpoint::api::{
    ApiError, Client, Connection, MessageInfo, Part, PermissionReply, PromptInput, Role,
};
use support::{OpenCode, Reqwest, ServerOptions};

#[tokio::test]
async fn sessions_can_be_created_listed_renamed_and_deleted() {
    let server = OpenCode::start().await;
    let client = server.client();

    let health = client.health().await.expect("health");
    assert!(health.healthy);
    assert_eq!(health.version, "1.18.33");

    let created = client.create_session(Some("First")).await.expect("create");
    assert!(created.id.starts_with("ses_"));
    assert_eq!(created.title, "First");

    let listed = client.list_sessions().await.expect("list");
    assert!(listed
        .iter()
        .any(|s| s.id == created.id && s.title == "First"));

    let renamed = client
        .rename_session(&created.id, "Renamed")
        .await
        .expect("rename");
    assert_eq!(renamed.title, "Renamed");
    assert_eq!(
        client.get_session(&created.id).await.expect("get").title,
        "Renamed"
    );

    assert!(client.delete_session(&created.id).await.expect("delete"));
    assert!(matches!(
        client.get_session(&created.id).await,
        Err(ApiError::NotFound { .. })
    ));

    let projects = client.projects().await.expect("projects");
    assert!(!projects.is_empty());
    let providers = client.providers().await.expect("providers");
    let scripted = providers
        .providers
        .iter()
        .find(|p| p.id == "scripted")
        .expect("the scripted provider");
    assert!(scripted.models.contains_key("scripted-1"));
    let agents = client.agents().await.expect("agents");
    assert!(
        agents.iter().any(|a| a.name == "build"),
        "agents: {agents:?}"
    );
}

#[tokio::test]
async fn a_prompt_gets_the_scripted_reply_with_every_part() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = client.create_session(Some("Chat")).await.unwrap();

    let reply = client
        .prompt(&session.id, &PromptInput::text("hello there [[reasoning]]"))
        .await
        .expect("prompt");
    assert_eq!(reply.info.role(), Role::Assistant);
    assert!(reply
        .parts
        .iter()
        .any(|p| matches!(p, Part::Reasoning(r) if r.text.contains("step by step"))));
    assert!(reply.parts.iter().any(|p| matches!(p, Part::StepStart(_))));
    assert!(reply
        .parts
        .iter()
        .any(|p| matches!(p, Part::StepFinish(f) if f.reason == "stop")));
    assert_eq!(reply.text(), "Scripted reply to: hello there");

    client
        .prompt(
            &session.id,
            &PromptInput::text("make a file [[tool:bash:echo hi > made.txt && echo done]]"),
        )
        .await
        .expect("tool prompt");
    let messages = client.messages(&session.id).await.expect("messages");
    let parts: Vec<&Part> = messages.iter().flat_map(|m| m.parts.iter()).collect();
    let tool = parts
        .iter()
        .find_map(|p| match p {
            Part::Tool(t) => Some(t),
            _ => None,
        })
        .expect("a tool part");
    assert_eq!(tool.tool, "bash");
    assert_eq!(tool.state.status(), "completed");
    assert_eq!(
        tool.state.input()["command"],
        "echo hi > made.txt && echo done"
    );
    assert!(parts.iter().any(
        |p| matches!(p, Part::Patch(patch) if patch.files.iter().any(|f| f.ends_with("made.txt")))
    ));
    assert!(messages
        .last()
        .unwrap()
        .text()
        .starts_with("The tool said: done"));
    assert!(
        !parts.iter().any(|p| matches!(p, Part::Unknown { .. })),
        "unread parts: {parts:?}"
    );
}

#[tokio::test]
async fn no_reply_prompts_async_prompts_status_and_abort() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server.seed("Quiet", &["one", "two"]).await;
    let messages = client.messages(&session.id).await.unwrap();
    assert_eq!(messages.len(), 2);
    assert!(messages.iter().all(|m| m.info.role() == Role::User));
    assert_eq!(messages[1].text(), "two");

    client
        .prompt_async(&session.id, &PromptInput::text("slowly [[slow:700]]"))
        .await
        .expect("prompt_async");
    // Wait for the reply to be under way: busy, with an assistant message not yet completed.
    let mut running = false;
    for _ in 0..100 {
        let busy = client
            .session_status()
            .await
            .expect("status")
            .contains_key(&session.id);
        let messages = client.messages(&session.id).await.unwrap();
        let open = messages
            .iter()
            .any(|m| matches!(&m.info, MessageInfo::Assistant(a) if a.time.completed.is_none()));
        if busy && open {
            running = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(running, "the reply never started");
    assert!(client.abort(&session.id).await.expect("abort"));
    let mut idle = false;
    for _ in 0..100 {
        if !client
            .session_status()
            .await
            .unwrap()
            .contains_key(&session.id)
        {
            idle = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(idle, "the session stayed busy after abort");
    let messages = client.messages(&session.id).await.unwrap();
    let aborted = messages.iter().find_map(|m| match &m.info {
        MessageInfo::Assistant(a) => a.error.clone(),
        MessageInfo::User(_) => None,
    });
    assert_eq!(
        aborted.map(|e| e.name).as_deref(),
        Some("MessageAbortedError")
    );
}

#[tokio::test]
async fn fork_copies_messages_strictly_before_the_given_one() {
    let server = OpenCode::start().await;
    let client = server.client();
    let source = server.seed("Source", &["a", "b", "c"]).await;
    let messages = client.messages(&source.id).await.unwrap();

    let fork = client
        .fork(&source.id, Some(messages[2].info.id()))
        .await
        .expect("fork");
    assert_ne!(fork.id, source.id);
    assert!(
        fork.title.starts_with("Source (fork #"),
        "title: {}",
        fork.title
    );
    assert_eq!(fork.parent_id, None, "a fork is not a subagent child");
    let copied = client.messages(&fork.id).await.unwrap();
    assert_eq!(
        copied.iter().map(|m| m.text()).collect::<Vec<_>>(),
        ["a", "b"]
    );
    assert_ne!(
        copied[0].info.id(),
        messages[0].info.id(),
        "copies get new ids"
    );
    assert_eq!(
        copied[0].info.created(),
        messages[0].info.created(),
        "copies keep time.created"
    );

    let whole = client.fork(&source.id, None).await.expect("whole fork");
    assert_eq!(client.messages(&whole.id).await.unwrap().len(), 3);
}

#[tokio::test]
async fn permissions_list_and_unknown_reply() {
    let server = OpenCode::start().await;
    let client = server.client();
    assert!(client.permissions().await.expect("permissions").is_empty());
    let error = client
        .reply_permission("per_doesnotexist1234", PermissionReply::Once)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            ApiError::NotFound { .. } | ApiError::BadRequest { .. } | ApiError::Server { .. }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn errors_are_typed() {
    let mut server = OpenCode::start().await;
    let client = server.client();

    let missing = client
        .get_session("ses_00000000000000000000000000")
        .await
        .unwrap_err();
    assert!(
        matches!(&missing, ApiError::NotFound { message } if message.contains("ses_0000")),
        "{missing:?}"
    );
    assert!(matches!(
        client.fork("ses_00000000000000000000000000", None).await,
        Err(ApiError::NotFound { .. })
    ));

    // Malformed ids are refused before any request is sent.
    let invalid = client.get_session("../../etc/passwd").await.unwrap_err();
    assert_eq!(
        invalid.to_string(),
        "“../../etc/passwd” is not a valid session id."
    );
    let session = server.seed("Ids", &["x"]).await;
    assert!(matches!(
        client.fork(&session.id, Some("msg_bad/../")).await,
        Err(ApiError::Invalid { .. })
    ));

    server.stop();
    let down = client.list_sessions().await.unwrap_err();
    assert!(down.is_network(), "{down:?}");
    assert!(down
        .to_string()
        .contains("Could not reach the OpenCode server"));
}

#[tokio::test]
async fn a_password_protected_server_needs_the_password() {
    let server = OpenCode::start_with(ServerOptions {
        password: Some("hunter2".into()),
        ..Default::default()
    })
    .await;
    assert!(
        server.client().list_sessions().await.is_ok(),
        "the right password works"
    );

    let wrong = Connection {
        password: Some("wrong".into()),
        ..server.connection()
    };
    let error = Client::new(wrong, Reqwest::default())
        .list_sessions()
        .await
        .unwrap_err();
    assert_eq!(error, ApiError::Unauthorized);
    let none = Connection {
        password: None,
        ..server.connection()
    };
    assert_eq!(
        Client::new(none, Reqwest::default())
            .list_sessions()
            .await
            .unwrap_err(),
        ApiError::Unauthorized
    );
}

/// A long session read in pages, newest first: every message reached once, in order, and the
/// last page says there is nothing older.
#[tokio::test]
async fn messages_come_in_pages_from_the_newest() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server
        .seed("Paged", &["m1", "m2", "m3", "m4", "m5", "m6", "m7"])
        .await;
    let all = client.messages(&session.id).await.unwrap();
    let ids = |messages: &[branchpoint::api::Message]| -> Vec<String> {
        messages.iter().map(|m| m.info.id().to_owned()).collect()
    };
    let newest = client.messages_page(&session.id, 3, None).await.unwrap();
    assert_eq!(ids(&newest.messages), ids(&all[4..]), "the newest three");
    let mut pages = vec![newest.messages];
    let mut cursor = newest.older;
    while let Some(before) = cursor {
        let page = client
            .messages_page(&session.id, 3, Some(&before))
            .await
            .unwrap();
        assert!(pages.len() < 10, "the pages end");
        pages.push(page.messages);
        cursor = page.older;
    }
    assert_eq!(pages.len(), 3, "7 messages in pages of 3");
    let joined: Vec<branchpoint::api::Message> = pages.into_iter().rev().flatten().collect();
    assert_eq!(ids(&joined), ids(&all), "every message once, in order");
    // A page as big as the session has nothing before it.
    let whole = client.messages_page(&session.id, 50, None).await.unwrap();
    assert_eq!((whole.messages.len(), whole.older), (7, None));
}

#[tokio::test]
async fn one_message_the_newest_ones_and_ids_made_by_the_client() {
    let server = OpenCode::start().await;
    let client = server.client();
    let session = server.seed("Paged", &["one", "two", "three", "four"]).await;
    let all = client.messages(&session.id).await.unwrap();
    let newest = client
        .messages_page(&session.id, 2, None)
        .await
        .unwrap()
        .messages;
    let ids = |m: &[branchpoint::api::Message]| -> Vec<String> {
        m.iter().map(|m| m.info.id().to_owned()).collect()
    };
    assert_eq!(ids(&newest), ids(&all[2..]), "the newest two, oldest first");
    let one = client.message(&session.id, all[1].info.id()).await.unwrap();
    assert_eq!(one.text(), "two");

    // A message sent under ids made here is stored (and listed) under them, after the rest.
    let message_id = branchpoint::api::ids::ascending(
        "msg",
        0.0, // a clock far behind the server's: the id still comes after the newest
        0,
        &[1; 14],
        Some(all[3].info.id()),
    );
    let part_id = branchpoint::api::ids::ascending("prt", 1.0e12, 0, &[2; 14], None);
    let mut input = PromptInput {
        message_id: Some(message_id.clone()),
        parts: vec![branchpoint::api::PartInput::Text {
            id: Some(part_id.clone()),
            text: "five".into(),
        }],
        ..PromptInput::default()
    };
    input.no_reply = true;
    client.prompt(&session.id, &input).await.unwrap();
    let all = client.messages(&session.id).await.unwrap();
    let last = all.last().unwrap();
    assert_eq!(last.info.id(), message_id);
    assert_eq!(last.parts[0].id(), part_id);
    assert_eq!(last.text(), "five");
}

#[tokio::test]
async fn commands_files_shell_summary_and_todos() {
    let server = OpenCode::start().await;
    let client = server.client();
    std::fs::create_dir_all(server.project_dir().join("src")).unwrap();
    std::fs::write(server.project_dir().join("src/lib.rs"), "// lib\n").unwrap();

    // The project's custom command, with its description.
    let commands = client.commands().await.expect("commands");
    let greet = commands.iter().find(|c| c.name == "greet").expect("greet");
    assert_eq!(greet.description, "Greets someone by name");

    // Files by a fuzzy query, relative to the project; one by its folder, with where it is.
    let found = client.find_files("lib", 10).await.expect("find");
    assert!(found.contains(&"src/lib.rs".to_owned()), "{found:?}");
    let listed = client.list_files("src").await.expect("list");
    let lib = listed.iter().find(|n| n.name == "lib.rs").expect("lib.rs");
    assert!(lib.absolute.ends_with("/src/lib.rs"), "{lib:?}");
    assert!(client.file_exists("src/lib.rs").await.unwrap());
    assert!(!client.file_exists("src/gone.rs").await.unwrap());

    // A command runs as a prompt does: its template is what the model is asked.
    let session = client.create_session(Some("Commands")).await.unwrap();
    let input = branchpoint::api::CommandInput {
        command: "greet".into(),
        arguments: "Ada".into(),
        ..Default::default()
    };
    client
        .run_command(&session.id, &input)
        .await
        .expect("command");
    let messages = client.messages(&session.id).await.unwrap();
    assert!(messages
        .iter()
        .any(|m| m.text().contains("Scripted reply to: Say hello to Ada")));

    // A shell line: a message with the bash tool part holding its output.
    let shell = client
        .shell(&session.id, "build", "echo from-the-shell")
        .await
        .expect("shell");
    let output = shell.parts.iter().find_map(|p| match p {
        Part::Tool(t) => Some(format!("{:?}", t.state)),
        _ => None,
    });
    assert!(
        output.is_some_and(|o| o.contains("from-the-shell")),
        "{:?}",
        shell.parts
    );

    // Compacting with the session's model, and its (empty) todo list.
    let model = branchpoint::api::ModelRef {
        provider_id: "scripted".into(),
        model_id: "scripted-1".into(),
    };
    assert!(client
        .summarize(&session.id, &model)
        .await
        .expect("summarize"));
    assert_eq!(client.todos(&session.id).await.expect("todos"), Vec::new());
}
