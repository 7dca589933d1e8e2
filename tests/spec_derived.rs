//! What the crate derives from the spec agrees with the spec, counted independently here.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use postpress::{ErrorCode, operations};
use serde_json::Value;

/// (type, status) of every error example, read straight from the spec.
fn spec_error_types(spec: &Value) -> BTreeMap<String, u16> {
    let mut found = BTreeMap::new();
    let mut collect = |media: &Value| {
        for example in media
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flat_map(|e| e.values())
        {
            let value = &example["value"];
            found.insert(
                value["type"].as_str().unwrap().to_string(),
                value["status"].as_u64().unwrap() as u16,
            );
        }
    };
    for response in spec["components"]["responses"].as_object().unwrap().values() {
        collect(&response["content"]["application/json"]);
    }
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            for (status, response) in op["responses"].as_object().unwrap() {
                let is_error = status.starts_with('4') || status.starts_with('5');
                if let Some(media) = response.pointer("/content/application~1json").filter(|_| is_error) {
                    collect(media);
                }
            }
        }
    }
    found
}

#[test]
fn error_code_has_one_variant_per_documented_type_with_its_status() {
    let spec = common::spec();
    let documented = spec_error_types(&spec);
    // The pages document 71; the reference's definitions add 401 captcha_not_supported, 422
    // limit_too_high and start_chat's seven 400 types.
    assert_eq!(documented.len(), 80, "80 distinct error types");
    assert_eq!(ErrorCode::DOCUMENTED.len(), 80);
    for code in &ErrorCode::DOCUMENTED {
        assert_eq!(
            documented.get(code.as_str()),
            code.documented_status().as_ref(),
            "{code}"
        );
        assert_eq!(ErrorCode::from(code.as_str()), *code, "round trip of {code}");
        assert!(!code.description().is_empty(), "{code} has no description");
    }
    assert_eq!(
        ErrorCode::from("errors/resource_not_found"),
        ErrorCode::ResourceNotFound
    );
    assert_eq!(ErrorCode::ResourceNotFound.documented_status(), Some(404));
    assert_eq!(ErrorCode::FeatureNotImplemented.documented_status(), Some(501));
    let unknown = ErrorCode::from("errors/added_in_2027");
    assert_eq!(unknown, ErrorCode::Unknown("errors/added_in_2027".into()));
    assert_eq!(unknown.documented_status(), None);
    assert_eq!(unknown.to_string(), "errors/added_in_2027");
}

#[test]
fn every_error_response_of_every_operation_refers_to_the_envelope() {
    let spec = common::spec();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for (status, response) in op["responses"].as_object().unwrap() {
                if status.starts_with('2') {
                    continue;
                }
                let response = match response.get("$ref").and_then(Value::as_str) {
                    Some(r) => &spec["components"]["responses"][r.trim_start_matches("#/components/responses/")],
                    None => response,
                };
                let schema = response
                    .pointer("/content/application~1json/schema/$ref")
                    .and_then(Value::as_str);
                assert_eq!(
                    schema,
                    Some("#/components/schemas/ErrorEnvelope"),
                    "{method} {path} {status}"
                );
                let examples = response
                    .pointer("/content/application~1json/examples")
                    .and_then(Value::as_object);
                // The one answer without types: the reference publishes its 502 with the 400's envelope
                // (status 400, the 400's types), and a type names one status here (`BadGateway` says so).
                let bad_gateway = op["responses"][status.as_str()]["$ref"] == "#/components/responses/BadGateway";
                if bad_gateway {
                    assert!(
                        examples.is_none(),
                        "{method} {path} {status}: BadGateway lists no types"
                    );
                    continue;
                }
                for example in examples.expect("error types as examples").values() {
                    assert_eq!(
                        example["value"]["status"].as_u64(),
                        status.parse().ok(),
                        "{method} {path} {status}"
                    );
                }
            }
        }
    }
}

#[test]
fn the_operation_table_lists_exactly_the_documented_statuses() {
    // What the five pages list, operation by operation.
    let expected: BTreeMap<&str, (&str, &str, u16, Vec<u16>)> = BTreeMap::from([
        (
            "get_message",
            ("GET", "/messages/{message_id}", 200, vec![401, 403, 404, 500, 503, 504]),
        ),
        (
            "send_message",
            (
                "POST",
                "/chats/{chat_id}/messages",
                201,
                vec![401, 403, 404, 415, 422, 429, 500, 503, 504],
            ),
        ),
        (
            "forward_message",
            (
                "POST",
                "/messages/{message_id}/forward",
                200,
                vec![401, 403, 500, 503, 504],
            ),
        ),
        (
            "add_reaction",
            (
                "POST",
                "/messages/{message_id}/reaction",
                200,
                vec![401, 403, 500, 503, 504],
            ),
        ),
        (
            "patch_chat",
            (
                "PATCH",
                "/chats/{chat_id}",
                200,
                vec![401, 403, 404, 500, 501, 503, 504],
            ),
        ),
        // What the reference's published definitions list (tests/real-api).
        ("list_chats", ("GET", "/chats", 200, vec![401, 403, 500, 503, 504])),
        (
            "get_chat",
            ("GET", "/chats/{chat_id}", 200, vec![401, 403, 404, 500, 503, 504]),
        ),
        (
            "list_chat_messages",
            (
                "GET",
                "/chats/{chat_id}/messages",
                200,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "list_chat_attendees",
            (
                "GET",
                "/chats/{chat_id}/attendees",
                200,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "start_chat",
            (
                "POST",
                "/chats",
                201,
                vec![400, 401, 403, 404, 415, 422, 429, 500, 501, 503, 504],
            ),
        ),
        (
            "sync_chat",
            (
                "GET",
                "/chats/{chat_id}/sync",
                200,
                vec![401, 403, 404, 422, 500, 501, 503, 504],
            ),
        ),
        (
            "list_attendees",
            ("GET", "/chat_attendees", 200, vec![401, 403, 404, 500, 503, 504]),
        ),
        (
            "get_attendee",
            (
                "GET",
                "/chat_attendees/{attendee_id}",
                200,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "get_attendee_picture",
            (
                "GET",
                "/chat_attendees/{attendee_id}/picture",
                200,
                vec![401, 403, 500, 503, 504],
            ),
        ),
        (
            "list_attendee_chats",
            (
                "GET",
                "/chat_attendees/{attendee_id}/chats",
                200,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "list_attendee_messages",
            (
                "GET",
                "/chat_attendees/{attendee_id}/messages",
                200,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "list_messages",
            ("GET", "/messages", 200, vec![401, 403, 404, 500, 503, 504]),
        ),
        (
            "get_attachment",
            (
                "GET",
                "/messages/{message_id}/attachments/{attachment_id}",
                200,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "list_accounts",
            ("GET", "/accounts", 200, vec![400, 401, 500, 503, 504]),
        ),
        (
            "get_account",
            ("GET", "/accounts/{account_id}", 200, vec![400, 401, 404, 500, 503, 504]),
        ),
        (
            "delete_account",
            (
                "DELETE",
                "/accounts/{account_id}",
                200,
                vec![400, 401, 404, 500, 503, 504],
            ),
        ),
        (
            "create_hosted_auth_link",
            ("POST", "/hosted/accounts/link", 201, vec![400, 401, 500, 503, 504]),
        ),
        (
            "list_webhooks",
            ("GET", "/webhooks", 200, vec![401, 403, 500, 503, 504]),
        ),
        (
            "create_webhook",
            ("POST", "/webhooks", 201, vec![400, 401, 403, 500, 503, 504]),
        ),
        (
            "delete_webhook",
            ("DELETE", "/webhooks/{webhook_id}", 200, vec![401, 404, 500, 503, 504]),
        ),
        // The LinkedIn parts: what each published definition lists (tests/real-api/).
        (
            "get_account_owner_profile",
            (
                "GET",
                "/users/me",
                200,
                vec![401, 403, 404, 422, 429, 500, 501, 503, 504],
            ),
        ),
        (
            "edit_account_owner_profile",
            (
                "PATCH",
                "/users/me/edit",
                200,
                vec![401, 403, 404, 422, 429, 500, 501, 503, 504],
            ),
        ),
        (
            "get_profile_by_identifier",
            (
                "GET",
                "/users/{identifier}",
                200,
                vec![401, 403, 404, 422, 429, 500, 501, 503, 504],
            ),
        ),
        (
            "get_relations",
            ("GET", "/users/relations", 200, vec![401, 403, 404, 500, 501, 503, 504]),
        ),
        (
            "get_followers",
            ("GET", "/users/followers", 200, vec![401, 403, 404, 500, 501, 503, 504]),
        ),
        (
            "get_following",
            ("GET", "/users/following", 200, vec![401, 403, 404, 500, 501, 503, 504]),
        ),
        (
            "add_user_by_identifier",
            (
                "POST",
                "/users/invite",
                200,
                vec![400, 401, 403, 404, 422, 429, 500, 501, 503, 504],
            ),
        ),
        (
            "list_all_user_invitations_sent",
            ("GET", "/users/invite/sent", 200, vec![401, 403, 500, 503, 504]),
        ),
        (
            "cancel_invitation",
            (
                "DELETE",
                "/users/invite/sent/{invitation_id}",
                200,
                vec![400, 401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "list_all_user_invitations_received",
            ("GET", "/users/invite/received", 200, vec![401, 403, 500, 503, 504]),
        ),
        (
            "handle_invitation_received",
            (
                "POST",
                "/users/invite/received/{invitation_id}",
                200,
                vec![401, 403, 500, 503, 504],
            ),
        ),
        (
            "list_all_posts",
            (
                "GET",
                "/users/{identifier}/posts",
                200,
                vec![401, 403, 422, 500, 503, 504],
            ),
        ),
        (
            "users_list_all_comments",
            (
                "GET",
                "/users/{identifier}/comments",
                200,
                vec![401, 403, 422, 500, 503, 504],
            ),
        ),
        (
            "users_list_all_reactions",
            (
                "GET",
                "/users/{identifier}/reactions",
                200,
                vec![401, 403, 422, 500, 503, 504],
            ),
        ),
        (
            "get_post",
            ("GET", "/posts/{post_id}", 200, vec![401, 403, 500, 503, 504]),
        ),
        ("create_post", ("POST", "/posts", 201, vec![401, 403, 500, 503, 504])),
        (
            "posts_list_all_comments",
            ("GET", "/posts/{post_id}/comments", 200, vec![401, 403, 500, 503, 504]),
        ),
        (
            "send_comment",
            (
                "POST",
                "/posts/{post_id}/comments",
                201,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "posts_list_all_reactions",
            ("GET", "/posts/{post_id}/reactions", 200, vec![401, 403, 500, 503, 504]),
        ),
        (
            "add_post_reaction",
            ("POST", "/posts/reaction", 201, vec![401, 403, 404, 500, 503, 504]),
        ),
        (
            "search",
            ("POST", "/linkedin/search", 200, vec![400, 401, 403, 404, 500, 503, 504]),
        ),
        (
            "get_search_parameters_list",
            (
                "GET",
                "/linkedin/search/parameters",
                200,
                vec![400, 401, 403, 404, 500, 503, 504],
            ),
        ),
        (
            "get_company_profile",
            (
                "GET",
                "/linkedin/company/{identifier}",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "get_inmail_balance",
            (
                "GET",
                "/linkedin/inmail_balance",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "endorse_profile",
            (
                "POST",
                "/linkedin/profile/endorse",
                200,
                vec![400, 401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "perform_action_on_member",
            (
                "POST",
                "/linkedin/user/{user_id}",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "get_raw_data",
            ("POST", "/linkedin", 200, vec![400, 401, 403, 404, 422, 500, 503, 504]),
        ),
        (
            "get_hiring_projects",
            (
                "GET",
                "/linkedin/projects",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "get_hiring_project_by_id",
            (
                "GET",
                "/linkedin/projects/{project_id}",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "get_job_postings",
            ("GET", "/linkedin/jobs", 200, vec![401, 403, 404, 422, 500, 503, 504]),
        ),
        (
            "get_job_posting",
            (
                "GET",
                "/linkedin/jobs/{job_id}",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "create_job_posting",
            ("POST", "/linkedin/jobs", 200, vec![401, 403, 404, 422, 500, 503, 504]),
        ),
        (
            "edit_job_posting",
            (
                "PATCH",
                "/linkedin/jobs/{job_id}",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "publish_job_posting",
            (
                "POST",
                "/linkedin/jobs/{draft_id}/publish",
                200,
                vec![401, 403, 404, 422, 500, 502, 503, 504],
            ),
        ),
        (
            "close_job_posting",
            (
                "POST",
                "/linkedin/jobs/{job_id}/close",
                200,
                vec![401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "solve_checkpoint",
            (
                "POST",
                "/linkedin/jobs/{draft_id}/checkpoint",
                200,
                vec![401, 403, 404, 422, 500, 502, 503, 504],
            ),
        ),
        (
            "get_job_applicants",
            (
                "GET",
                "/linkedin/jobs/{job_id}/applicants",
                200,
                vec![400, 401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "get_job_applicant",
            (
                "GET",
                "/linkedin/jobs/applicants/{applicant_id}",
                200,
                vec![400, 401, 403, 404, 422, 500, 503, 504],
            ),
        ),
        (
            "get_job_applicant_resume",
            (
                "GET",
                "/linkedin/jobs/applicants/{applicant_id}/resume",
                200,
                vec![401, 403, 404, 500, 503, 504],
            ),
        ),
    ]);
    let ids: BTreeSet<&str> = operations::OPERATIONS.iter().map(|op| op.id).collect();
    assert_eq!(ids, expected.keys().copied().collect());
    for op in operations::OPERATIONS {
        let (method, path, success, errors) = &expected[op.id];
        assert_eq!(
            (op.method, op.path, op.success, op.errors),
            (*method, *path, *success, errors.as_slice()),
            "{}",
            op.id
        );
        assert_eq!(
            op.multipart,
            [
                "send_message",
                "start_chat",
                "create_post",
                "edit_account_owner_profile"
            ]
            .contains(&op.id),
            "{}",
            op.id
        );
        assert_eq!(
            op.download,
            ["get_attachment", "get_attendee_picture", "get_job_applicant_resume"].contains(&op.id),
            "{}",
            op.id
        );
    }
}

/// The retry rule comes from the spec: GET, HEAD, PUT and DELETE are idempotent, `x-idempotent`
/// says so for other methods or overrides them; the documented operations keep their
/// classification.
#[test]
fn idempotency_follows_the_method_and_x_idempotent() {
    let spec = common::spec();
    for op in postpress::operations::OPERATIONS {
        let node = &spec["paths"][op.path][op.method.to_lowercase()];
        let expected = match node.get("x-idempotent") {
            Some(declared) => declared.as_bool().unwrap(),
            None => matches!(op.method, "GET" | "HEAD" | "PUT" | "DELETE"),
        };
        assert_eq!(op.idempotent, expected, "{}", op.id);
        assert_eq!(postpress::retry::is_idempotent(op.operation), expected, "{}", op.id);
    }
    for (id, idempotent) in [
        ("get_message", true),
        ("add_reaction", true),
        ("patch_chat", true),
        ("send_message", false),
        ("forward_message", false),
        // The operations that act on another person, or publish, are never repeated after a failure
        // that may have reached the server; a search reads only.
        ("add_user_by_identifier", false),
        ("send_comment", false),
        ("add_post_reaction", false),
        ("perform_action_on_member", false),
        ("endorse_profile", false),
        ("create_post", false),
        ("create_job_posting", false),
        ("edit_job_posting", false),
        ("publish_job_posting", false),
        ("close_job_posting", false),
        ("search", true),
    ] {
        let op = postpress::operations::by_id(id).unwrap();
        assert_eq!(op.idempotent, idempotent, "{id} keeps its classification");
    }
}

/// Every field of the table is a value of the spec, in the spec's own place.
#[test]
fn the_operation_table_lists_every_parameter_and_body_field() {
    use postpress::operations::Location;
    let spec = common::spec();
    for op in postpress::operations::OPERATIONS {
        let node = &spec["paths"][op.path][op.method.to_lowercase()];
        for parameter in node["parameters"].as_array().into_iter().flatten() {
            // A shared parameter (`components.parameters`) is read where it is written.
            let parameter = match parameter.get("$ref").and_then(Value::as_str) {
                Some(reference) => spec
                    .pointer(reference.trim_start_matches('#'))
                    .unwrap_or_else(|| panic!("{}: {reference}", op.id)),
                None => parameter,
            };
            let name = parameter["name"].as_str().unwrap();
            let field = op
                .fields
                .iter()
                .find(|f| f.name == name)
                .unwrap_or_else(|| panic!("{}: {name}", op.id));
            let location = match parameter["in"].as_str().unwrap() {
                "path" => Location::Path,
                "query" => Location::Query,
                "header" => Location::Header,
                other => panic!("{}: {name} in {other}", op.id),
            };
            assert_eq!(field.location, location, "{}: {name}", op.id);
        }
        let body = op.fields.iter().filter(|f| f.location == Location::Body).count();
        assert_eq!(body > 0, node.get("requestBody").is_some(), "{}", op.id);
    }
    let reaction = postpress::operations::by_id("add_reaction").unwrap();
    let field = reaction.fields.iter().find(|f| f.name == "reaction").unwrap();
    assert_eq!(field.constraints.min_length, Some(1));
    assert!(field.required && field.positional);
}

/// The dots of `pattern` that stand for any character (not escaped, not in a class).
fn bare_dots(pattern: &str) -> usize {
    let (mut dots, mut in_class, mut chars) = (0, false, pattern.chars());
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '[' => in_class = true,
            ']' => in_class = false,
            '.' if !in_class => dots += 1,
            _ => {}
        }
    }
    dots
}

/// Every pattern reads alike in ECMA 262 (OpenAPI's dialect, the SDK's and the fake's) and in the
/// dialects other teams' clients check with (Python's `re`, Rust's `regex`): a bare `.` does not,
/// as ECMA's leaves out `\r`, U+2028 and U+2029 (info.description, "Patterns").
#[test]
fn every_pattern_reads_alike_in_every_dialect() {
    fn walk(value: &Value, at: &str, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(pattern)) = map.get("pattern")
                    && bare_dots(pattern) > 0
                {
                    found.push(format!("{at}: {pattern}"));
                }
                for (key, inner) in map {
                    walk(inner, &format!("{at}/{key}"), found);
                }
            }
            Value::Array(items) => {
                for (i, inner) in items.iter().enumerate() {
                    walk(inner, &format!("{at}/{i}"), found);
                }
            }
            _ => {}
        }
    }
    assert_eq!(bare_dots(r"^a.b\.[.]$"), 1);
    let spec = common::spec();
    let mut found = Vec::new();
    walk(&spec, "", &mut found);
    let patterns = spec.to_string().matches("\"pattern\"").count();
    assert!(patterns > 20, "{patterns}");
    assert!(found.is_empty(), "patterns with a bare `.`:\n{}", found.join("\n"));
}
