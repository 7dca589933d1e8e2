//! The fake's model of the LinkedIn parts (`users`, `posts`, `linkedin`): what a test of outreach
//! needs kept as state.
//!
//! - Profiles: every attendee other than an account's own has one (`get_profile_by_identifier`
//!   finds it by its provider id or its public identifier, the slug of its name), and `search`
//!   answers from them (a `keywords` filter matches their names). An account's owner has one too
//!   (found by provider id; the author of the account's posts and comments).
//! - Invitations: `add_user_by_identifier` keeps one (a second one to the same person from the
//!   same account answers 422 `errors/already_invited_recently`), listed by
//!   `list_all_user_invitations_sent` (`provider_id` as `invited_user_id`, the message as
//!   `invitation_text`) until `cancel_invitation` removes it.
//! - Posts: `create_post` keeps one, read back by `get_post` (by its id or its `social_id`) and
//!   listed by `list_all_posts` of its author; `send_comment` adds a comment that
//!   `posts_list_all_comments` lists; `add_post_reaction` adds a reaction (a new one from the same
//!   account replaces the previous) that `posts_list_all_reactions` lists. The counters follow.
//!
//! Each answer is the spec's example of the operation's answer with the state's values written
//! in, so it validates against the spec as the example does (a test checks each). Every other
//! operation of these parts answers its example, as the fake does for any operation it does not
//! model. An account id the fake does not have, and a post or invitation it does not have, answer
//! 404 `errors/resource_not_found`.
//!
//! With only some of the three parts on, what the others keep and share goes unused: the lints
//! that would say so are off then, and only then.
#![cfg_attr(
    not(all(feature = "users", feature = "posts", feature = "linkedin")),
    allow(dead_code, unused_imports, unused_variables)
)]

use serde_json::{Value, json};

use super::messaging::{Arguments, text};
use super::state::{Answer, State, rfc3339_now};
use crate::operations::OperationId;

/// An invitation sent with `add_user_by_identifier`, until `cancel_invitation`.
pub(crate) struct Invitation {
    pub id: String,
    pub account_id: String,
    pub invited_user_id: String,
    pub text: Option<String>,
    pub date: String,
    pub position: u64,
}

/// A post made with `create_post`, with its comments and reactions.
pub(crate) struct Post {
    pub id: String,
    pub account_id: String,
    pub text: String,
    pub date: String,
    pub position: u64,
    pub comments: Vec<Comment>,
    /// (account id, reaction type, comment id), one per account and comment.
    pub reactions: Vec<(String, String, Option<String>)>,
}

/// A comment sent with `send_comment`.
pub(crate) struct Comment {
    pub id: String,
    pub account_id: String,
    pub text: String,
    pub date: String,
    pub position: u64,
    /// The comment it replies to.
    pub reply_to: Option<String>,
}

/// What the LinkedIn parts keep.
#[derive(Default)]
pub(crate) struct LinkedinState {
    pub invitations: Vec<Invitation>,
    pub posts: Vec<Post>,
}

/// The spec's example of `operation`'s success answer.
fn example(operation: OperationId) -> Value {
    serde_json::from_str(operation.spec().example).unwrap_or(Value::Null)
}

/// The first item of the example's `items` (the template of a list's items).
fn item_template(operation: OperationId) -> Value {
    example(operation)["items"][0].clone()
}

/// The public identifier of a profile: its name in lower case, words joined by `-`.
fn slug(name: &str) -> String {
    name.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

/// A person the fake knows: (provider id, name).
#[derive(Clone)]
struct Profile {
    provider_id: String,
    name: String,
}

impl Profile {
    fn first_and_last(&self) -> (&str, &str) {
        self.name.split_once(' ').unwrap_or((self.name.as_str(), ""))
    }
}

impl State {
    /// The answer of an operation of the LinkedIn parts the fake models; `None` for the others
    /// (they answer their example).
    pub(crate) fn linkedin(&mut self, operation: OperationId, arguments: &Arguments) -> Option<Answer> {
        let path = |name: &str| text(arguments, name).unwrap_or_default().to_string();
        Some(match operation {
            #[cfg(feature = "users")]
            OperationId::GetProfileByIdentifier => self.get_profile(&path("identifier")),
            #[cfg(feature = "users")]
            OperationId::AddUserByIdentifier => self.add_invitation(arguments),
            #[cfg(feature = "users")]
            OperationId::ListAllUserInvitationsSent => self.list_invitations_sent(arguments),
            #[cfg(feature = "users")]
            OperationId::CancelInvitation => self.cancel_invitation(&path("invitation_id"), arguments),
            #[cfg(feature = "users")]
            OperationId::ListAllPosts => self.list_posts_of(&path("identifier"), arguments),
            #[cfg(feature = "posts")]
            OperationId::CreatePost => self.create_post(arguments),
            #[cfg(feature = "posts")]
            OperationId::GetPost => self.get_post(&path("post_id")),
            #[cfg(feature = "posts")]
            OperationId::SendComment => self.send_comment(&path("post_id"), arguments),
            #[cfg(feature = "posts")]
            OperationId::PostsListAllComments => self.list_comments(&path("post_id"), arguments),
            #[cfg(feature = "posts")]
            OperationId::AddPostReaction => self.add_post_reaction(arguments),
            #[cfg(feature = "posts")]
            OperationId::PostsListAllReactions => self.list_post_reactions(&path("post_id"), arguments),
            #[cfg(feature = "linkedin")]
            OperationId::Search => self.search(arguments),
            _ => return None,
        })
    }

    /// The account named by the `account_id` argument, when the fake has it.
    fn acting_account(&self, arguments: &Arguments) -> Option<String> {
        let id = text(arguments, "account_id").unwrap_or_default();
        self.accounts.contains_key(id).then(|| id.to_string())
    }

    /// The 404 of an `account_id` argument the fake does not have.
    fn unknown_account(&mut self, arguments: &Arguments) -> Answer {
        let id = text(arguments, "account_id").unwrap_or_default().to_string();
        self.not_found("account", &id)
    }

    /// The people the fake knows (every attendee but the accounts' own), one per provider id, in
    /// the order they were made.
    fn profiles(&self) -> Vec<(u64, Profile)> {
        let mut seen = std::collections::BTreeSet::new();
        let mut people: Vec<(u64, Profile)> = self
            .attendees
            .values()
            .filter(|a| !a.is_self)
            .map(|a| {
                (
                    a.position,
                    Profile {
                        provider_id: a.provider_id.clone(),
                        name: a.name.clone(),
                    },
                )
            })
            .collect();
        people.sort_by_key(|(position, _)| *position);
        people.retain(|(_, p)| seen.insert(p.provider_id.clone()));
        people
    }

    /// The person `identifier` names: an attendee's profile, or an account owner's (by provider id).
    fn profile(&self, identifier: &str) -> Option<Profile> {
        self.profile_among(&self.profiles(), identifier)
    }

    /// [`Self::profile`], among `people` read once (a list names many people).
    fn profile_among(&self, people: &[(u64, Profile)], identifier: &str) -> Option<Profile> {
        let attendee = people
            .iter()
            .map(|(_, p)| p)
            .find(|p| p.provider_id == identifier || slug(&p.name) == identifier)
            .cloned();
        attendee.or_else(|| {
            let (id, _) = self.accounts.iter().find(|(_, a)| a.sender_id == identifier)?;
            Some(self.own_profile(id))
        })
    }

    /// The profile an account's own posts and comments are written under.
    fn own_profile(&self, account_id: &str) -> Profile {
        let provider_id = self
            .accounts
            .get(account_id)
            .map(|a| a.sender_id.clone())
            .unwrap_or_default();
        Profile {
            provider_id,
            name: "You".into(),
        }
    }

    #[cfg(feature = "users")]
    fn get_profile(&mut self, identifier: &str) -> Answer {
        let Some(person) = self.profile(identifier) else {
            return self.not_found("profile", identifier);
        };
        let mut profile = example(OperationId::GetProfileByIdentifier);
        let (first, last) = person.first_and_last();
        profile["provider_id"] = json!(person.provider_id);
        profile["public_identifier"] = json!(slug(&person.name));
        profile["public_profile_url"] = json!(format!("https://www.linkedin.com/in/{}", slug(&person.name)));
        profile["first_name"] = json!(first);
        profile["last_name"] = json!(last);
        Answer::ok(200, profile)
    }

    #[cfg(feature = "users")]
    fn add_invitation(&mut self, arguments: &Arguments) -> Answer {
        let Some(account_id) = self.acting_account(arguments) else {
            return self.unknown_account(arguments);
        };
        let invited = text(arguments, "provider_id").unwrap_or_default().to_string();
        let pending = self
            .linkedin
            .invitations
            .iter()
            .any(|i| i.account_id == account_id && i.invited_user_id == invited);
        if pending {
            return self.error(
                422,
                "errors/already_invited_recently",
                Some("An invitation to this person is pending."),
            );
        }
        let id = self.new_id("inv");
        let position = self.next();
        self.linkedin.invitations.push(Invitation {
            id: id.clone(),
            account_id,
            invited_user_id: invited,
            text: text(arguments, "message").map(str::to_string),
            date: rfc3339_now(),
            position,
        });
        let mut answer = example(OperationId::AddUserByIdentifier);
        answer["invitation_id"] = json!(id);
        Answer::ok(200, answer)
    }

    #[cfg(feature = "users")]
    fn list_invitations_sent(&mut self, arguments: &Arguments) -> Answer {
        let Some(account_id) = self.acting_account(arguments) else {
            return self.unknown_account(arguments);
        };
        let template = item_template(OperationId::ListAllUserInvitationsSent);
        let people = self.profiles();
        let items: Vec<(u64, Value)> = self
            .linkedin
            .invitations
            .iter()
            .filter(|i| i.account_id == account_id)
            .map(|i| {
                let person = self.profile_among(&people, &i.invited_user_id);
                let mut item = template.clone();
                item["id"] = json!(i.id);
                item["invited_user_id"] = json!(i.invited_user_id);
                item["invited_user"] = json!(person.as_ref().map(|p| p.name.clone()));
                item["invited_user_public_id"] = json!(person.as_ref().map(|p| slug(&p.name)));
                item["invited_user_description"] = Value::Null;
                item["invitation_text"] = json!(i.text);
                item["date"] = json!(i.date);
                item["parsed_datetime"] = json!(i.date);
                (i.position, item)
            })
            .collect();
        self.page_as(OperationId::ListAllUserInvitationsSent, items, arguments)
    }

    #[cfg(feature = "users")]
    fn cancel_invitation(&mut self, invitation_id: &str, arguments: &Arguments) -> Answer {
        let account_id = text(arguments, "account_id").unwrap_or_default();
        let before = self.linkedin.invitations.len();
        self.linkedin
            .invitations
            .retain(|i| !(i.id == invitation_id && i.account_id == account_id));
        if self.linkedin.invitations.len() == before {
            return self.not_found("invitation", invitation_id);
        }
        Answer::ok(200, example(OperationId::CancelInvitation))
    }

    /// A post as the spec's `Post` (its LinkedIn shape).
    fn post_json(&self, post: &Post, template: &Value) -> Value {
        let author = self.own_profile(&post.account_id);
        let mut item = template.clone();
        item["id"] = json!(post.id);
        item["social_id"] = json!(format!("urn:li:activity:{}", post.id));
        item["share_url"] = json!(format!(
            "https://www.linkedin.com/feed/update/urn:li:activity:{}",
            post.id
        ));
        item["text"] = json!(post.text);
        item["date"] = json!(post.date);
        item["parsed_datetime"] = json!(post.date);
        item["comment_counter"] = json!(post.comments.len());
        item["reaction_counter"] = json!(post.reactions.iter().filter(|r| r.2.is_none()).count());
        item["repost_counter"] = json!(0);
        item["is_repost"] = json!(false);
        item["attachments"] = json!([]);
        if let Some(object) = item.as_object_mut() {
            for gone in [
                "repost_id",
                "repost_content",
                "reposted_by",
                "poll",
                "group",
                "analytics",
                "title",
            ] {
                object.remove(gone);
            }
        }
        item["author"] = json!({
            "id": author.provider_id,
            "public_identifier": slug(&author.name),
            "name": author.name,
            "is_company": false,
        });
        item
    }

    fn post_index(&self, post_id: &str) -> Option<usize> {
        let id = post_id.strip_prefix("urn:li:activity:").unwrap_or(post_id);
        self.linkedin.posts.iter().position(|p| p.id == id)
    }

    #[cfg(feature = "users")]
    fn list_posts_of(&mut self, identifier: &str, arguments: &Arguments) -> Answer {
        let template = item_template(OperationId::ListAllPosts);
        let items: Vec<(u64, Value)> = self
            .linkedin
            .posts
            .iter()
            .filter(|p| {
                let author = self.own_profile(&p.account_id);
                author.provider_id == identifier || slug(&author.name) == identifier
            })
            .map(|p| (p.position, self.post_json(p, &template)))
            .collect();
        self.page_as(OperationId::ListAllPosts, items, arguments)
    }

    #[cfg(feature = "posts")]
    fn create_post(&mut self, arguments: &Arguments) -> Answer {
        let account_id = text(arguments, "account_id").unwrap_or_default();
        let post_text = text(arguments, "text").unwrap_or_default();
        let Some(id) = self.add_post(account_id, post_text) else {
            return self.not_found("account", account_id);
        };
        let mut answer = example(OperationId::CreatePost);
        answer["post_id"] = json!(id);
        Answer::ok(201, answer)
    }

    /// A post by the owner of `account_id`; its id (a LinkedIn activity id: digits), `None` when
    /// there is no such account.
    #[cfg(feature = "posts")]
    pub(crate) fn add_post(&mut self, account_id: &str, text: &str) -> Option<String> {
        if !self.accounts.contains_key(account_id) {
            return None;
        }
        let position = self.next();
        let id = format!("7{position:018}");
        self.linkedin.posts.push(Post {
            id: id.clone(),
            account_id: account_id.to_string(),
            text: text.to_string(),
            date: rfc3339_now(),
            position,
            comments: Vec::new(),
            reactions: Vec::new(),
        });
        Some(id)
    }

    #[cfg(feature = "posts")]
    fn get_post(&mut self, post_id: &str) -> Answer {
        match self.post_index(post_id) {
            Some(i) => {
                let template = example(OperationId::GetPost);
                Answer::ok(200, self.post_json(&self.linkedin.posts[i], &template))
            }
            None => self.not_found("post", post_id),
        }
    }

    #[cfg(feature = "posts")]
    fn send_comment(&mut self, post_id: &str, arguments: &Arguments) -> Answer {
        let Some(account_id) = self.acting_account(arguments) else {
            return self.unknown_account(arguments);
        };
        let Some(i) = self.post_index(post_id) else {
            return self.not_found("post", post_id);
        };
        let id = self.new_id("com");
        let position = self.next();
        self.linkedin.posts[i].comments.push(Comment {
            id,
            account_id,
            text: text(arguments, "text").unwrap_or_default().to_string(),
            date: rfc3339_now(),
            position,
            reply_to: text(arguments, "comment_id").map(str::to_string),
        });
        Answer::ok(201, example(OperationId::SendComment))
    }

    #[cfg(feature = "posts")]
    fn list_comments(&mut self, post_id: &str, arguments: &Arguments) -> Answer {
        let Some(i) = self.post_index(post_id) else {
            return self.not_found("post", post_id);
        };
        let template = item_template(OperationId::PostsListAllComments);
        let reply_to = text(arguments, "comment_id");
        let post = &self.linkedin.posts[i];
        let items: Vec<(u64, Value)> = post
            .comments
            .iter()
            .filter(|c| c.reply_to.as_deref() == reply_to)
            .map(|c| {
                let author = self.own_profile(&c.account_id);
                let mut item = template.clone();
                item["id"] = json!(c.id);
                item["text"] = json!(c.text);
                item["date"] = json!(c.date);
                item["author"] = json!(author.name);
                item["post_id"] = json!(post.id);
                retain_known(&mut item, &template);
                (c.position, item)
            })
            .collect();
        let total = items.len();
        let mut answer = self.page_as(OperationId::PostsListAllComments, items, arguments);
        if answer.status == 200 {
            answer.body["total_items"] = json!(total);
        }
        answer
    }

    #[cfg(feature = "posts")]
    fn add_post_reaction(&mut self, arguments: &Arguments) -> Answer {
        let Some(account_id) = self.acting_account(arguments) else {
            return self.unknown_account(arguments);
        };
        let post_id = text(arguments, "post_id").unwrap_or_default().to_string();
        let Some(i) = self.post_index(&post_id) else {
            return self.not_found("post", &post_id);
        };
        let value = text(arguments, "reaction_type").unwrap_or("like").to_string();
        let comment = text(arguments, "comment_id").map(str::to_string);
        let reactions = &mut self.linkedin.posts[i].reactions;
        reactions.retain(|(account, _, on)| !(account == &account_id && on == &comment));
        reactions.push((account_id, value, comment));
        Answer::ok(201, example(OperationId::AddPostReaction))
    }

    #[cfg(feature = "posts")]
    fn list_post_reactions(&mut self, post_id: &str, arguments: &Arguments) -> Answer {
        let Some(i) = self.post_index(post_id) else {
            return self.not_found("post", post_id);
        };
        let template = item_template(OperationId::PostsListAllReactions);
        let on = text(arguments, "comment_id");
        let post = &self.linkedin.posts[i];
        let items: Vec<Value> = post
            .reactions
            .iter()
            .filter(|(_, _, comment)| comment.as_deref() == on)
            .map(|(account, value, comment)| {
                let author = self.own_profile(account);
                let mut item = template.clone();
                item["value"] = json!(value.to_uppercase());
                item["post_id"] = json!(post.id);
                item["author"]["id"] = json!(author.provider_id);
                item["author"]["name"] = json!(author.name);
                match comment {
                    Some(comment) => item["comment_id"] = json!(comment),
                    None => {
                        if let Some(object) = item.as_object_mut() {
                            object.remove("comment_id");
                        }
                    }
                }
                item
            })
            .collect();
        let mut answer = example(OperationId::PostsListAllReactions);
        answer["paging"] = json!({"start": 0, "page_count": items.len(), "total_count": items.len(), "cursor": null});
        answer["items"] = Value::Array(items);
        Answer::ok(200, answer)
    }

    #[cfg(feature = "linkedin")]
    fn search(&mut self, arguments: &Arguments) -> Answer {
        if self.acting_account(arguments).is_none() {
            return self.unknown_account(arguments);
        }
        let keywords = arguments
            .get("body")
            .and_then(|body| body.get("keywords"))
            .and_then(Value::as_str)
            .map(str::to_lowercase);
        let template = item_template(OperationId::Search);
        let items: Vec<(u64, Value)> = self
            .profiles()
            .into_iter()
            .filter(|(_, p)| {
                keywords
                    .as_deref()
                    .is_none_or(|k| k.split_whitespace().all(|word| p.name.to_lowercase().contains(word)))
            })
            .map(|(position, p)| {
                let (first, last) = p.first_and_last();
                let mut item = template.clone();
                item["id"] = json!(p.provider_id);
                item["name"] = json!(p.name);
                item["first_name"] = json!(first);
                item["last_name"] = json!(last);
                item["public_identifier"] = json!(slug(&p.name));
                item["public_profile_url"] = json!(format!("https://www.linkedin.com/in/{}", slug(&p.name)));
                item["profile_url"] = json!(format!("https://www.linkedin.com/in/{}", p.provider_id));
                (position, item)
            })
            .collect();
        let total = items.len();
        let mut answer = self.page_as(OperationId::Search, items, arguments);
        if answer.status == 200 {
            let body = arguments.get("body").cloned().unwrap_or(Value::Null);
            answer.body["config"] = json!({"params": body});
            answer.body["paging"] = json!({"start": 0, "page_count": answer.body["items"].as_array().map_or(0, Vec::len), "total_count": total});
        }
        answer
    }

    /// One page of `items` as `operation`'s list: its example's other fields (its `object`, a
    /// `paging`) kept, the page's items and cursor written in.
    fn page_as(&mut self, operation: OperationId, items: Vec<(u64, Value)>, arguments: &Arguments) -> Answer {
        let mut answer = self.page("", items, arguments);
        if answer.status != 200 {
            return answer;
        }
        let mut body = example(operation);
        body["items"] = answer.body["items"].take();
        body["cursor"] = answer.body["cursor"].take();
        let count = body["items"].as_array().map_or(0, Vec::len);
        if let Some(paging) = body.get_mut("paging").and_then(Value::as_object_mut) {
            paging.insert("page_count".into(), json!(count));
        }
        answer.body = body;
        answer
    }
}

/// Removes from `item` the keys its template does not have (a value written for a field the
/// answer's schema does not name would not validate).
fn retain_known(item: &mut Value, template: &Value) {
    if let (Some(item), Some(template)) = (item.as_object_mut(), template.as_object()) {
        item.retain(|key, _| template.contains_key(key));
    }
}
