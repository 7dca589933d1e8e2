//! Builds a postpress client, then does what an application does next with its own TLS, in the
//! mode given as the argument. Exits 0 when the application is unaffected by postpress.

fn postpress_client() {
    postpress::Client::builder()
        .api_key("pp_embed_key")
        .build()
        .expect("a postpress client");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    match std::env::args().nth(1).as_deref() {
        // The application's own reqwest client, built before any postpress client: Cargo unified
        // reqwest's features, so postpress's choice of TLS features reaches this client too.
        Some("own-client-first") => {
            reqwest::Client::builder().build().expect("the application's reqwest client");
            postpress_client();
        }
        // The application's own reqwest client, built after postpress's.
        Some("own-client") => {
            postpress_client();
            reqwest::Client::builder().build().expect("the application's reqwest client");
        }
        // The application installs its own process-wide provider after building postpress's client.
        Some("own-provider") => {
            postpress_client();
            rustls::crypto::ring::default_provider()
                .install_default()
                .expect("the application installs its provider");
            postpress_client();
        }
        other => panic!("usage: embed-app own-client-first|own-client|own-provider (got {other:?})"),
    }
    println!("ok");
}
