//! The fake keeps what LinkedIn outreach needs (src/fake/linkedin.rs), through the typed client:
//! a profile per attendee, invitations sent until cancelled, posts read back with their comments
//! and reactions, and a search over the fake's profiles that walks its pages. Each answer decodes
//! into the generated types; every body the fake sends is checked against the spec in
//! tests/fake.rs.

use futures_util::TryStreamExt;
use postpress::fake::{FakeServer, Provider};
use postpress::types::{Post, SearchResult, UserProfile};
use postpress::{Error, ErrorCode};

/// A fake with a LinkedIn chat; returns its account and the provider id of the chat's other side.
async fn linkedin() -> (FakeServer, String, String) {
    let fake = FakeServer::start().await;
    let chat = fake.add_chat(Provider::LinkedIn);
    let client = fake.client();
    let attendees = client.list_chat_attendees(&chat).await.unwrap();
    let peer = attendees
        .items
        .iter()
        .find(|a| a.is_self != postpress::types::Flag::YES);
    let peer = peer.expect("the chat's other side").provider_id.to_string();
    let account = client.get_chat(&chat).await.unwrap().account_id.to_string();
    (fake, account, peer)
}

fn code(error: Error) -> ErrorCode {
    match error {
        Error::Api(api) => api.code,
        other => panic!("not an API error: {other}"),
    }
}

#[tokio::test]
async fn a_profile_is_found_by_provider_id_and_public_identifier() {
    let (fake, account, peer) = linkedin().await;
    let client = fake.client();
    let UserProfile::LinkedinUserProfile(profile) = client
        .get_profile_by_identifier(&peer)
        .account_id(&account)
        .await
        .unwrap()
    else {
        panic!("not a LinkedIn profile");
    };
    assert_eq!(profile.provider_id, peer);
    let slug = profile.public_identifier.expect("the fake's profiles have one");
    let by_slug = client
        .get_profile_by_identifier(&slug)
        .account_id(&account)
        .await
        .unwrap();
    assert!(matches!(by_slug, UserProfile::LinkedinUserProfile(p) if p.provider_id == peer));
    let missing = client
        .get_profile_by_identifier("nobody-at-all")
        .account_id(&account)
        .await;
    assert_eq!(code(missing.unwrap_err()), ErrorCode::ResourceNotFound);
}

#[tokio::test]
async fn an_invitation_is_listed_until_it_is_cancelled() {
    let (fake, account, peer) = linkedin().await;
    let client = fake.client();
    let sent = client
        .add_user_by_identifier()
        .account_id(&account)
        .provider_id(&peer)
        .message("Glad we met at RustConf")
        .await
        .unwrap();
    // A second one to the same person while the first is pending is refused, as the API does.
    let again = client
        .add_user_by_identifier()
        .account_id(&account)
        .provider_id(&peer)
        .await;
    assert_eq!(code(again.unwrap_err()), ErrorCode::AlreadyInvitedRecently);

    let listed = client
        .list_all_user_invitations_sent()
        .account_id(&account)
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    let invitation = &listed.items[0];
    assert_eq!(invitation.id.as_str(), sent.invitation_id);
    assert_eq!(invitation.invited_user_id.as_deref(), Some(peer.as_str()));
    assert_eq!(invitation.invitation_text.as_deref(), Some("Glad we met at RustConf"));

    client
        .cancel_invitation(&sent.invitation_id)
        .account_id(&account)
        .await
        .unwrap();
    let listed = client
        .list_all_user_invitations_sent()
        .account_id(&account)
        .await
        .unwrap();
    assert!(listed.items.is_empty());
    let twice = client.cancel_invitation(&sent.invitation_id).account_id(&account).await;
    assert_eq!(code(twice.unwrap_err()), ErrorCode::ResourceNotFound);
    // An account the fake does not have sends nothing.
    let stranger = client
        .add_user_by_identifier()
        .account_id("acc_nobody")
        .provider_id(&peer)
        .await;
    assert_eq!(code(stranger.unwrap_err()), ErrorCode::ResourceNotFound);
}

#[tokio::test]
async fn a_post_is_read_back_listed_commented_and_reacted_to() {
    let (fake, account, _) = linkedin().await;
    let client = fake.client();
    let created = client
        .create_post()
        .account_id(&account)
        .text("We are hiring Rust engineers")
        .await
        .unwrap();
    let post_id = created.post_id.expect("the fake returns the post's id");

    let Post::LinkedinPost(post) = client.get_post(&post_id).account_id(&account).await.unwrap() else {
        panic!("not a LinkedIn post");
    };
    assert_eq!(post.text, "We are hiring Rust engineers");
    assert_eq!(post.comment_counter, 0.0);
    // Its social id finds it too, and its author lists it.
    client.get_post(&post.social_id).account_id(&account).await.unwrap();
    let author = post.author.id.clone().expect("the author's id");
    let posts: Vec<Post> = client
        .list_all_posts(&author)
        .account_id(&account)
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(posts.len(), 1);

    client
        .send_comment(&post_id)
        .account_id(&account)
        .text("Applied!")
        .await
        .unwrap();
    let comments = client
        .posts_list_all_comments(&post_id)
        .account_id(&account)
        .await
        .unwrap();
    assert_eq!(comments.items.len(), 1);
    assert_eq!(comments.items[0].text, "Applied!");
    assert_eq!(comments.total_items, Some(1.0));

    client
        .add_post_reaction()
        .account_id(&account)
        .post_id(&post_id)
        .reaction_type("celebrate")
        .await
        .unwrap();
    // A new reaction from the same account replaces the previous one.
    client
        .add_post_reaction()
        .account_id(&account)
        .post_id(&post_id)
        .reaction_type("like")
        .await
        .unwrap();
    let reactions = client
        .posts_list_all_reactions(&post_id)
        .account_id(&account)
        .await
        .unwrap();
    assert_eq!(reactions.items.len(), 1);
    assert_eq!(reactions.items[0].value.to_string(), "LIKE");

    let Post::LinkedinPost(post) = client.get_post(&post_id).account_id(&account).await.unwrap() else {
        panic!("not a LinkedIn post");
    };
    assert_eq!((post.comment_counter, post.reaction_counter), (1.0, 1.0));
    let missing = client.send_comment("7000000000").account_id(&account).text("?").await;
    assert_eq!(code(missing.unwrap_err()), ErrorCode::ResourceNotFound);
}

#[tokio::test]
async fn a_search_answers_from_the_fakes_profiles_page_by_page() {
    let fake = FakeServer::start().await;
    let account = fake.add_account(Provider::LinkedIn);
    for _ in 0..3 {
        fake.add_chat_to(&account).unwrap();
    }
    let client = fake.client();
    let body: postpress::types::SearchParameters =
        serde_json::from_value(serde_json::json!({"api": "classic", "category": "people", "keywords": "contact"}))
            .unwrap();
    let pages: Vec<_> = client
        .search()
        .account_id(&account)
        .limit(2)
        .body(body.clone())
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(), [2, 1]);
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| &p.items)
        .map(|item| match item {
            SearchResult::PeopleSearchResult(person) => person.name.clone().expect("a name"),
            other => panic!("not a person: {other:?}"),
        })
        .collect();
    assert_eq!(names.len(), 3);
    assert!(names.iter().all(|n| n.starts_with("Contact ")), "{names:?}");

    let nobody: postpress::types::SearchParameters =
        serde_json::from_value(serde_json::json!({"api": "classic", "category": "people", "keywords": "zebra"}))
            .unwrap();
    let found = client.search().account_id(&account).body(nobody).await.unwrap();
    assert!(found.items.is_empty());
}

/// Where a literal segment and a parameter meet (`/users/me` and `/users/{identifier}`), the
/// literal is the path, as OpenAPI says, whatever the method: a method the literal path lacks is
/// a 405 naming the methods it has, not a call of the parameter's operation (the last part; a
/// router that prefers literals only among one method's templates fails it). The calls before
/// it guard that each operation of such pairs is still reached.
#[tokio::test]
async fn a_literal_path_is_never_read_as_a_parameter() {
    use postpress::operations::OperationId;
    let (fake, account, _) = linkedin().await;
    let client = fake.client();
    let reached = || fake.requests().last().and_then(|r| r.operation);

    client.get_account_owner_profile().account_id(&account).await.unwrap();
    assert_eq!(reached(), Some(OperationId::GetAccountOwnerProfile));
    client.get_relations().account_id(&account).await.unwrap();
    assert_eq!(reached(), Some(OperationId::GetRelations));
    client.get_followers().account_id(&account).user_id("me").await.unwrap();
    assert_eq!(reached(), Some(OperationId::GetFollowers));
    client.get_following().account_id(&account).user_id("me").await.unwrap();
    assert_eq!(reached(), Some(OperationId::GetFollowing));
    client
        .list_all_user_invitations_sent()
        .account_id(&account)
        .await
        .unwrap();
    assert_eq!(reached(), Some(OperationId::ListAllUserInvitationsSent));
    client
        .list_all_user_invitations_received()
        .account_id(&account)
        .await
        .unwrap();
    assert_eq!(reached(), Some(OperationId::ListAllUserInvitationsReceived));
    client
        .get_job_applicant("applicant_1")
        .account_id(&account)
        .await
        .unwrap();
    assert_eq!(reached(), Some(OperationId::GetJobApplicant));
    client
        .get_job_posting("job_1")
        .account_id(&account)
        .service("CLASSIC")
        .await
        .unwrap();
    assert_eq!(reached(), Some(OperationId::GetJobPosting));

    // `GET /posts/reaction` is a method `/posts/reaction` lacks, not the post `reaction`.
    let url = format!("{}/posts/reaction", fake.base_url());
    let answer = reqwest::Client::new()
        .get(&url)
        .header("x-api-key", fake.api_key())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 405);
    assert_eq!(answer.headers()["allow"], "POST");
}
