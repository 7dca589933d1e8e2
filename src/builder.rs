//! [`ClientBuilder`]: configuration, checked once in [`ClientBuilder::build`].

use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::call::head::header_value_for_key;
use crate::call::{Config, Deadline};
use crate::client::Client;
use crate::error::Error;
use crate::generated::spec_info;

/// The environment variable [`Client::from_env`] reads the API key from.
pub const API_KEY_ENV: &str = "POSTPRESS_API_KEY";
/// The environment variable [`Client::from_env`] reads an optional base URL from.
pub const BASE_URL_ENV: &str = "POSTPRESS_BASE_URL";

/// The default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default time allowed for one attempt of a JSON call, from sending to the end of the answer.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// The default time allowed for one attempt of a send that carries files (uploads take longer).
pub const DEFAULT_UPLOAD_TIMEOUT: Duration = Duration::from_secs(600);
/// The default time allowed for a whole call, retries and the waits between them included; never
/// less than the call's per-attempt timeout (so a send that carries files gets its upload timeout).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(60);
/// The default number of retries after a first failed attempt (see [`crate::retry`]).
pub const DEFAULT_MAX_RETRIES: u32 = 2;
/// How many redirects within the base URL's origin are followed.
const MAX_REDIRECTS: usize = 5;

/// Builds a [`Client`]. Every setting has a sane default except the API key.
///
/// ```
/// # fn main() -> Result<(), postpress::Error> {
/// let client = postpress::Client::builder()
///     .api_key("pp_live_...")
///     .timeout(std::time::Duration::from_secs(20))
///     .max_retries(3)
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Default)]
#[must_use]
pub struct ClientBuilder {
    api_key: Option<String>,
    base_url: Option<String>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    upload_timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_retries: Option<u32>,
    user_agent: Option<String>,
    http: Option<reqwest::ClientBuilder>,
    allow_cleartext: bool,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("base_url", &self.base_url)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("upload_timeout", &self.upload_timeout)
            .field("deadline", &self.deadline)
            .field("allow_cleartext", &self.allow_cleartext)
            .field("max_retries", &self.max_retries)
            .field("user_agent", &self.user_agent)
            .field("http", &self.http.as_ref().map(|_| "<caller's reqwest::ClientBuilder>"))
            .finish()
    }
}

impl ClientBuilder {
    /// The API key from your postpress dashboard, sent as `X-API-KEY`. Required.
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The base URL of the API. Default: the spec's server, `https://api.postpress.ai/api/v1`.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Time allowed to establish a connection. Default [`DEFAULT_CONNECT_TIMEOUT`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt of a call, until the whole answer is read. Default
    /// [`DEFAULT_TIMEOUT`]. Retries get the same time again.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed for one attempt of a send that carries files, until the answer is read.
    /// Default [`DEFAULT_UPLOAD_TIMEOUT`]; [`crate::SendMessage::timeout`] overrides it per send.
    pub fn upload_timeout(mut self, timeout: Duration) -> Self {
        self.upload_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole call: every attempt and the waits between them. Default
    /// [`DEFAULT_DEADLINE`] or the call's per-attempt timeout, whichever is longer. When the
    /// deadline passes during an attempt, the attempt is dropped (its connection closed) and the
    /// call fails with [`Error::Timeout`]; a retry that would start after it is not made.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Allows an `http://` base URL to a host other than loopback. Without it such a URL is refused
    /// by [`build`](Self::build): the key would cross the network in cleartext. (`http://` to
    /// `localhost`, `127.0.0.0/8` or `[::1]` is always allowed, for tests and the fake server.)
    pub fn allow_cleartext_http(mut self) -> Self {
        self.allow_cleartext = true;
        self
    }

    /// Retries after a failed first attempt, for the failures [`crate::retry`] allows. Default
    /// [`DEFAULT_MAX_RETRIES`]; `0` disables retries.
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// The `User-Agent`. Default `postpress-rust/<crate version> (spec <fingerprint>)`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Start from your own `reqwest::ClientBuilder` (proxies, root certificates, pool settings...).
    ///
    /// The SDK takes a builder rather than a built `reqwest::Client` because it must set the
    /// redirect policy: reqwest would carry the `X-API-KEY` header to another host on a redirect
    /// (it strips only its own list of sensitive headers). [`build`](Self::build) sets on it the
    /// redirect policy (same origin only), the connect timeout, the timeout and the user agent;
    /// everything else stays yours. The built client's connection pool is shared by every clone of the [`Client`].
    pub fn http_client_builder(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(builder);
        self
    }

    /// Checks the configuration and builds the client. Errors never contain the key.
    pub fn build(self) -> Result<Client, Error> {
        let api_key = match self.api_key.as_deref() {
            None => {
                return Err(Error::config("no API key: set one with api_key() or POSTPRESS_API_KEY"));
            }
            Some("") => return Err(Error::config("the API key is empty")),
            Some(key) => header_value_for_key(key).map_err(|e| Error::config(e.to_string()))?,
        };
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(spec_info::SERVER_URL))?;
        if base_url.scheme() == "http" && !is_loopback(&base_url) && !self.allow_cleartext {
            return Err(Error::config(format!(
                "the base URL {} is http:// to a host that is not loopback, so the API key would travel \
                 in cleartext: use https://, or allow it with allow_cleartext_http()",
                base_url.as_str().trim_end_matches('/')
            )));
        }
        let user_agent = self.user_agent.unwrap_or_else(default_user_agent);
        let user_agent = HeaderValue::from_str(&user_agent)
            .map_err(|_| Error::config("the user agent holds characters an HTTP header cannot carry"))?;

        // TLS is reqwest's default rustls set-up: the application's process-wide crypto provider
        // when it installed one, reqwest's own otherwise. The SDK installs nothing.
        let origin = base_url.origin();
        let redirect = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if attempt.url().origin() == origin {
                attempt.follow()
            } else {
                // Returned to the caller as an InvalidResponse naming the other origin.
                attempt.stop()
            }
        });
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let http = self
            .http
            .unwrap_or_default()
            .redirect(redirect)
            .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
            // The attempts that take the client's timeout set none of their own: reqwest keeps a
            // request's own timeout in an extension map, an allocation on every call.
            .timeout(timeout)
            .user_agent(user_agent)
            .build()
            .map_err(|e| Error::config(format!("the HTTP client could not be built: {e}")))?;

        Ok(Client::from_config(Config {
            base_url: base_url.as_str().trim_end_matches('/').to_string(),
            base: base_url,
            http,
            api_key_text: api_key.to_str().unwrap_or_default().to_string(),
            api_key,
            timeout,
            upload_timeout: self.upload_timeout.unwrap_or(DEFAULT_UPLOAD_TIMEOUT),
            deadline: match self.deadline {
                Some(deadline) => Deadline::Set(deadline),
                None => Deadline::AtLeast(DEFAULT_DEADLINE),
            },
            max_retries: self.max_retries.unwrap_or(DEFAULT_MAX_RETRIES),
        }))
    }

    /// A builder with the key from `POSTPRESS_API_KEY` (required) and the base URL from
    /// `POSTPRESS_BASE_URL` (optional; unset or empty means the default).
    pub fn from_env() -> Result<Self, Error> {
        let api_key = match std::env::var(API_KEY_ENV) {
            Ok(key) if key.is_empty() => {
                return Err(Error::config(format!("{API_KEY_ENV} is empty")));
            }
            Ok(key) => key,
            Err(std::env::VarError::NotPresent) => {
                return Err(Error::config(format!("{API_KEY_ENV} is not set")));
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Error::config(format!("{API_KEY_ENV} is not valid UTF-8")));
            }
        };
        let mut builder = ClientBuilder::default().api_key(api_key);
        match std::env::var(BASE_URL_ENV) {
            Ok(url) if !url.is_empty() => builder = builder.base_url(url),
            Ok(_) | Err(std::env::VarError::NotPresent) => {}
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(Error::config(format!("{BASE_URL_ENV} is not valid UTF-8")));
            }
        }
        Ok(builder)
    }
}

/// `postpress-rust/<version> (spec <fingerprint>)`.
fn default_user_agent() -> String {
    format!(
        "postpress-rust/{} (spec {})",
        env!("CARGO_PKG_VERSION"),
        spec_info::FINGERPRINT
    )
}

/// Whether the URL's host is this machine (`localhost`, `127.0.0.0/8`, `[::1]`).
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else { return false };
    let ip = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || ip.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

fn parse_base_url(text: &str) -> Result<reqwest::Url, Error> {
    let url =
        reqwest::Url::parse(text).map_err(|e| Error::config(format!("the base URL {text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::config(format!("the base URL {text:?} is not http(s)")));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!("the base URL {text:?} has no host")));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::config(format!(
            "the base URL {text:?} must not have a query or fragment"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::config("the base URL must not hold credentials"));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config_error(builder: ClientBuilder) -> String {
        match builder.build() {
            Err(Error::Config(e)) => e.message,
            other => panic!("expected a config error, got {other:?}"),
        }
    }

    #[test]
    fn bad_configuration_is_an_error_that_never_shows_the_key() {
        assert!(config_error(ClientBuilder::default()).contains("no API key"));
        assert!(config_error(ClientBuilder::default().api_key("")).contains("empty"));
        let message = config_error(ClientBuilder::default().api_key("pp_secret\nInjected: 1"));
        assert!(
            message.contains("cannot carry") && !message.contains("pp_secret"),
            "{message}"
        );
        // Bytes a header takes but `HeaderValue::to_str` does not: the key could not be scrubbed
        // from what a server sends back, so it is refused.
        let message = config_error(ClientBuilder::default().api_key("pp_sécret"));
        assert!(
            message.contains("visible ASCII") && !message.contains("pp_s"),
            "{message}"
        );
        for url in [
            "ftp://api.example.com",
            "not a url",
            "https://api.example.com/v1?x=1",
            "file:///etc",
        ] {
            let message = config_error(ClientBuilder::default().api_key("k").base_url(url));
            assert!(message.contains("base URL"), "{url}: {message}");
        }
        let message = config_error(
            ClientBuilder::default()
                .api_key("k")
                .base_url("https://u:p@api.example.com"),
        );
        assert!(message.contains("credentials") && !message.contains("u:p"), "{message}");
    }

    #[test]
    fn cleartext_keys_are_refused_unless_allowed_and_loopback_is_always_allowed() {
        for url in [
            "http://api.example.com/v1",
            "http://10.1.2.3:8080",
            "http://[2001:db8::1]/",
        ] {
            let message = config_error(ClientBuilder::default().api_key("k").base_url(url));
            assert!(
                message.contains("cleartext") && message.contains("allow_cleartext_http"),
                "{url}: {message}"
            );
            let allowed = ClientBuilder::default()
                .api_key("k")
                .base_url(url)
                .allow_cleartext_http()
                .build();
            assert!(allowed.is_ok(), "{url}");
        }
        for url in [
            "http://127.0.0.1:9",
            "http://127.8.9.10",
            "http://localhost:8080/api",
            "http://[::1]:9",
            "https://api.example.com",
        ] {
            assert!(
                ClientBuilder::default().api_key("k").base_url(url).build().is_ok(),
                "{url}"
            );
        }
    }

    #[test]
    fn debug_redacts_the_key() {
        let builder = ClientBuilder::default().api_key("pp_live_secret_123");
        assert!(!format!("{builder:?}").contains("pp_live_secret_123"));
        let client = builder.build().unwrap();
        assert!(!format!("{client:?}").contains("pp_live_secret_123"));
    }

    #[test]
    fn defaults_come_from_the_spec() {
        let client = ClientBuilder::default().api_key("k").build().unwrap();
        assert_eq!(client.base_url(), "https://api.postpress.ai/api/v1");
        let agent = default_user_agent();
        assert!(
            agent.starts_with("postpress-rust/0.") && agent.contains(spec_info::FINGERPRINT),
            "{agent}"
        );
        let client = ClientBuilder::default()
            .api_key("k")
            .base_url("http://127.0.0.1:9/v1/")
            .build()
            .unwrap();
        assert_eq!(client.base_url(), "http://127.0.0.1:9/v1");
    }
}
