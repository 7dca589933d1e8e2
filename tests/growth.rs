//! The growth test: the SDK grows with its spec, and with nothing else.
//!
//! A copy of the workspace gets the operations of `tests/growth/*.yaml` merged into its
//! `openapi.yaml` (a cursor-paginated list with a pattern, a range and an enum among its query
//! parameters, a new method under an existing path, a list without pagination, a JSON POST, a PUT
//! marked `x-idempotent: false`, and a multipart upload with a repeated text field and a file,
//! in parts of their own), then the operations the API's reference publishes (`tests/real-api/`),
//! pasted as a maintainer would. Then, in the copy, `cargo xtask gen` regenerates the snapshot,
//! and programs written against the contract for any operation run: `tests/growth/program.rs`
//! (the Rust API, against a server of its own), `tests/growth/surfaces.rs` (the CLI, `postpress
//! mcp` and the fake server), `tests/growth/parts.rs` (the parts a service compiles) and the
//! programs of `tests/real-api/` (the decode property, the wire, every operation as a command and
//! a tool). No other file of the copy is touched (but `Cargo.toml`'s features of the API's parts,
//! which `cargo xtask gen` writes, and the packages' versions, see below), so any surface that needed a hand-written line for a new
//! operation would fail to compile or fail its test.
//!
//! It builds the copy in the workspace's target directory, reusing the dependencies built there,
//! with its packages' versions set apart (`0.1.0-grown`) so that cargo names their artefacts apart
//! from the workspace's: run it with `.ci/growth`. The same file proves xtask works on the checkout
//! it is run in, with two copies sharing one target directory.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `cargo ARGS` in `dir`, building in `target`.
fn cargo_command(dir: &Path, target: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO"));
    command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("POSTPRESS_API_KEY");
    command
}

/// Runs cargo with its output shown (the builds are long), and requires it to succeed.
fn run(dir: &Path, target: &Path, args: &[&str]) {
    let status = cargo_command(dir, target, args)
        .status()
        .unwrap_or_else(|e| panic!("cargo {args:?}: {e}"));
    assert!(status.success(), "cargo {} failed in the grown copy", args.join(" "));
}

/// Runs cargo and returns what it printed, for the test to judge.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> std::process::Output {
    cargo_command(dir, target, args)
        .output()
        .unwrap_or_else(|e| panic!("cargo {args:?}: {e}"))
}

/// A copy of the workspace's tracked files in a fresh temporary directory.
fn copy_workspace(root: &Path, name: &str) -> PathBuf {
    let copy = std::env::temp_dir().join(format!("postpress-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&copy);
    let listed = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(root)
        .output()
        .expect("git ls-files");
    assert!(listed.status.success());
    for file in listed.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = Path::new(std::str::from_utf8(file).unwrap());
        let (from, to) = (root.join(file), copy.join(file));
        if !from.is_file() {
            continue;
        }
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    copy
}

/// The target directory this workspace builds in.
fn workspace_target(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from)
}

/// Gives the copy's packages a version no checkout has (`0.1.0` becomes `0.1.0-grown`), so their
/// artefacts are named apart from this workspace's in a shared target directory.
fn version_apart(copy: &Path) {
    for manifest in ["Cargo.toml", "cli/Cargo.toml", "xtask/Cargo.toml", "bench/Cargo.toml"] {
        let path = copy.join(manifest);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut table = "";
        let mut changed = 0;
        let lines: Vec<String> = text
            .lines()
            .map(|line| {
                if line.starts_with('[') {
                    table = line;
                } else if table == "[package]" && line.starts_with("version = \"") && line.ends_with('"') {
                    changed += 1;
                    return format!("{}-grown\"", &line[..line.len() - 1]);
                }
                line.to_string()
            })
            .collect();
        assert_eq!(changed, 1, "{manifest}: no package version");
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    }
}

/// `text` with `insert` placed right after the line `anchor` (which must occur once).
fn insert_after(text: &str, anchor: &str, insert: &str) -> String {
    let needle = format!("\n{anchor}\n");
    assert_eq!(
        text.matches(&needle).count(),
        1,
        "the spec has no single line {anchor:?}"
    );
    text.replacen(&needle, &format!("{needle}{insert}"), 1)
}

/// The spec with the fixture's operations and schemas in it.
fn grown_spec(spec: &str, fixture: &Path) -> String {
    let read = |name: &str| std::fs::read_to_string(fixture.join(name)).unwrap();
    let spec = insert_after(spec, "paths:", &read("paths.yaml"));
    let spec = insert_after(&spec, "  /messages/{message_id}:", &read("method.yaml"));
    insert_after(&spec, "  schemas:", &read("schemas.yaml"))
}

/// A tag in snake case, as the generator names a part (`LinkedIn Specific`: `linked_in_specific`):
/// words split at spaces and where a lower-case letter meets an upper-case one.
fn snake_case(tag: &str) -> String {
    let mut out = String::new();
    let mut previous: Option<char> = None;
    for c in tag.chars() {
        if c == ' ' || c == '-' {
            out.push('_');
        } else {
            if c.is_uppercase() && previous.is_some_and(|p| p.is_lowercase()) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        }
        previous = Some(c);
    }
    out
}

/// The grown copy's parts (its operations' first tags: the fixture adds `workspaces` and
/// `group_chats`, the published definitions `users` and `posts`) are features of its
/// `Cargo.toml`, written by `cargo xtask gen`; a service depending on the copy with the default
/// features (messaging) compiles none of the other parts' operations, neither in the operation
/// table nor as `Client` methods, and one with `full` compiles each in its part. The service is a
/// crate of its own (`tests/growth/parts.rs` in `parts-probe/`), so no dev-dependency's features
/// are unified into the build.
fn parts_are_features(copy: &Path, target: &Path, fixture: &Path) {
    // The part of each operation of the grown spec, read here from its tags (a tag's
    // `x-feature`, or the tag in snake case).
    let text = std::fs::read_to_string(copy.join("openapi.yaml")).unwrap();
    let spec: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let feature_of = |tag: &str| -> String {
        let declared = spec["tags"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == tag)
            .and_then(|t| t["x-feature"].as_str());
        declared.map_or_else(|| snake_case(tag), str::to_string)
    };
    let mut every: Vec<String> = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op["operationId"].as_str() {
                every.push(format!("{id} {}", feature_of(op["tags"][0].as_str().unwrap())));
            }
        }
    }
    every.sort();
    assert!(every.contains(&"upload_document workspaces".to_string()), "{every:?}");
    assert!(every.contains(&"create_group group_chats".to_string()), "{every:?}");
    let mut parts: Vec<&str> = every.iter().map(|line| line.rsplit(' ').next().unwrap()).collect();
    parts.sort_unstable();
    parts.dedup();
    assert!(parts.len() >= 5, "{parts:?}");
    let manifest = std::fs::read_to_string(copy.join("Cargo.toml")).unwrap();
    let full = format!(
        "\nfull = [{}]\n",
        parts.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ")
    );
    for line in parts.iter().map(|p| format!("\n{p} = []\n")).chain([full]) {
        assert!(
            manifest.contains(&line),
            "cargo xtask gen wrote no {line:?} into Cargo.toml"
        );
    }
    let messaging: Vec<String> = every
        .iter()
        .filter(|line| line.ends_with(" messaging"))
        .cloned()
        .collect();

    let probe = copy.join("parts-probe");
    std::fs::create_dir_all(probe.join("src")).unwrap();
    std::fs::copy(copy.join("Cargo.lock"), probe.join("Cargo.lock")).unwrap();
    let service = |features: &str, main: &str| -> std::process::Output {
        let manifest = format!(
            "[package]\nname = \"parts-probe\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n\
             [dependencies]\npostpress = {{ path = \"..\"{features} }}\n"
        );
        std::fs::write(probe.join("Cargo.toml"), manifest).unwrap();
        std::fs::write(probe.join("src/main.rs"), main).unwrap();
        cargo(&probe, target, &["run", "--quiet"])
    };
    let program = std::fs::read_to_string(fixture.join("parts.rs")).unwrap();
    let compiled = |features: &str| -> Vec<String> {
        let out = service(features, &program);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let mut lines: Vec<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(str::to_string)
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(
        compiled(""),
        messaging,
        "the default build compiles exactly the messaging part"
    );
    assert_eq!(
        compiled(", features = [\"full\"]"),
        every,
        "full compiles every operation, in its part"
    );

    // A `Client` method of a part that is off does not exist.
    let off = "fn main() {\n    let client = postpress::Client::builder().api_key(\"k\").build().unwrap();\n    \
               let _request = client.list_workspaces();\n}\n";
    let out = service("", off);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains("no method named `list_workspaces`"),
        "list_workspaces compiled without its part: {stderr}"
    );
    std::fs::remove_dir_all(&probe).unwrap();
}

/// xtask works on the checkout it is run in: two checkouts share one target directory (a global
/// `CARGO_TARGET_DIR`, a CI cache), so cargo runs the xtask binary built for the first in the
/// second; each command must still read and write the second's files. The plain copy runs first,
/// then the grown one (the fixture's operations, `info.version` raised), with the same binary.
#[test]
#[ignore = "builds xtask in a shared target directory: run .ci/growth"]
fn xtask_reads_the_checkout_it_is_run_in() {
    let root = workspace();
    let target = workspace_target(&root);
    let plain = copy_workspace(&root, "xtask-plain");
    let grown = copy_workspace(&root, "xtask-grown");
    // Apart from this workspace's artefacts, the same as each other's.
    version_apart(&plain);
    version_apart(&grown);
    let spec = std::fs::read_to_string(root.join("openapi.yaml")).unwrap();
    // The fixture only adds, so a raised minor is the release a maintainer would make.
    let version = spec
        .lines()
        .find_map(|line| line.strip_prefix("  version: "))
        .expect("info.version");
    let minor: u64 = version
        .split('.')
        .nth(1)
        .and_then(|m| m.parse().ok())
        .expect("a minor version");
    let raised = format!("{}.{}.0", version.split('.').next().unwrap(), minor + 1);
    let grown_text = grown_spec(&spec, &root.join("tests/growth")).replacen(
        &format!("\n  version: {version}\n"),
        &format!("\n  version: {raised}\n"),
        1,
    );
    assert!(
        grown_text.contains(&format!("\n  version: {raised}\n")),
        "the spec's version line moved"
    );
    std::fs::write(grown.join("openapi.yaml"), grown_text).unwrap();
    let text = |out: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };
    let before = generated_code(&plain);

    let out = cargo(&plain, &target, &["xtask", "gen", "--check"]);
    assert!(out.status.success(), "plain copy: {}", text(&out));
    let out = cargo(&plain, &target, &["xtask", "spec-diff"]);
    assert!(text(&out).contains(": 0 change(s)"), "plain copy: {}", text(&out));

    // The grown copy's snapshot is stale against its own spec.
    let out = cargo(&grown, &target, &["xtask", "gen", "--check"]);
    assert!(!out.status.success(), "gen --check read another spec: {}", text(&out));
    assert!(text(&out).contains("generated/postpress_api.rs"), "{}", text(&out));
    let out = cargo(&grown, &target, &["xtask", "spec-diff"]);
    assert!(out.status.success(), "grown copy: {}", text(&out));
    assert!(
        text(&out).contains("list_workspaces"),
        "spec-diff read another spec: {}",
        text(&out)
    );
    let out = cargo(&grown, &target, &["xtask", "gen"]);
    assert!(out.status.success(), "grown copy: {}", text(&out));
    assert!(generated_code(&grown).contains("pub fn list_workspaces("));
    let out = cargo(&grown, &target, &["xtask", "release-spec"]);
    assert!(out.status.success(), "grown copy: {}", text(&out));
    assert_eq!(
        std::fs::read(grown.join("spec/released.yaml")).unwrap(),
        std::fs::read(grown.join("openapi.yaml")).unwrap(),
        "release-spec copies the spec to the released one"
    );
    let changelog = std::fs::read_to_string(grown.join("CHANGELOG.md")).unwrap();
    let section = changelog
        .split(&format!("\n## {raised}\n"))
        .nth(1)
        .expect("a section for the raised version in CHANGELOG.md");
    assert!(section.contains("list_workspaces"), "{changelog}");
    // Released: nothing left to compare, and the plain copy was not touched by any of it.
    let out = cargo(&grown, &target, &["xtask", "spec-diff"]);
    assert!(
        text(&out).contains(": 0 change(s)"),
        "grown copy after release: {}",
        text(&out)
    );
    assert_eq!(generated_code(&plain), before);
    assert_eq!(
        std::fs::read(plain.join("spec/released.yaml")).unwrap(),
        std::fs::read(root.join("spec/released.yaml")).unwrap()
    );
    let _ = std::fs::remove_dir_all(&plain);
    let _ = std::fs::remove_dir_all(&grown);
}

/// A child process killed when the test is done with it (or fails).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `command` and waits (30 s at most) for a line of its stdout holding `ready`; returns the
/// process and that line.
fn start(mut command: Command, ready: &str) -> (Child, String) {
    use std::io::BufRead;
    let mut child = command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {command:?}: {e}"));
    let stdout = child.stdout.take().unwrap();
    let (lines, received) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    let child = Child(child);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match received.recv_timeout(left) {
            Ok(line) if line.contains(ready) => return (child, line),
            Ok(_) => {}
            Err(_) => panic!("{command:?} did not print {ready:?}"),
        }
    }
}

/// The generated code of the checkout at `dir`: the main file, then each part's file (sorted by
/// path), one after the other.
fn generated_code(dir: &Path) -> String {
    let mut files = vec![dir.join("generated/postpress_api.rs")];
    let mut dirs = vec![dir.join("generated/parts")];
    let mut parts = Vec::new();
    while let Some(next) = dirs.pop() {
        for entry in std::fs::read_dir(&next).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                parts.push(path);
            }
        }
    }
    parts.sort();
    files.extend(parts);
    files
        .iter()
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}

/// A port nothing listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs a program of the grown copy with `env`, requiring it to succeed.
fn run_program(program: &Path, args: &[&str], env: &[(&str, &str)]) {
    let status = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .status()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    assert!(status.success(), "{} {args:?} with {env:?} failed", program.display());
}

/// The grown spec reaches every surface with no other line: a copy of the workspace gets the
/// fixture's operations (`tests/growth/`) merged into its spec, then the operations the API's
/// reference publishes (`tests/real-api/`) pasted as a maintainer would (`cargo xtask grow
/// real-api`: only the path prefix, the operationIds and the error answers changed). In it:
/// `cargo xtask gen` and `gen --check`; the parts are features (`parts_are_features`); clippy and
/// rustdoc with warnings denied, with every feature; the growth program (the Rust API against a
/// server of its own); every answer schema decodes up to 200 documents generated from it (at
/// least 25, within a time budget), and what the reference allows for an operation our spec
/// curates decodes into our type, re-encoded valid; every operation, with its required arguments
/// and with every argument, is accepted by Prism mocking the grown spec and its answer decodes; the
/// same calls to `postpress fake-server`, through Prism's validating proxy, get answers valid
/// against the spec that decode; and every operation is a CLI command and an MCP tool that run.
/// One copy, built once, for both corpora.
#[test]
#[ignore = "builds a grown copy of the workspace, with Prism and hypothesis-jsonschema: run .ci/growth"]
fn the_grown_spec_reaches_every_surface() {
    let prism = std::env::var("POSTPRESS_PRISM").expect("POSTPRESS_PRISM: run .ci/growth");
    let python = std::env::var("POSTPRESS_DOCUMENTS_PYTHON").expect("POSTPRESS_DOCUMENTS_PYTHON: run .ci/growth");
    let root = workspace();
    let copy = copy_workspace(&root, "growth");
    // The workspace's own target directory, so the dependencies its tests built are reused (a
    // fresh one cost CI about four minutes). Cargo names a path package's artefacts by its name and
    // version, not its path: the copy's packages get a version of their own, or the grown
    // `postpress` would overwrite this workspace's (found when `.ci/mcp-contract`, run after this
    // test, saw the fixture's tools); the binaries cargo copies out of `deps/` are linked again to
    // this workspace's own by its next cargo command.
    let target = workspace_target(&root);
    version_apart(&copy);

    // The only edits: the spec, and the programs that use what it adds.
    let fixture = root.join("tests/growth");
    let spec = std::fs::read_to_string(root.join("openapi.yaml")).unwrap();
    std::fs::write(copy.join("openapi.yaml"), grown_spec(&spec, &fixture)).unwrap();
    let grown = cargo(&copy, &target, &["xtask", "grow", "real-api"]);
    assert!(grown.status.success(), "{}", String::from_utf8_lossy(&grown.stderr));
    std::fs::write(copy.join("openapi.yaml"), &grown.stdout).unwrap();
    let programs = root.join("tests/real-api");
    for (from, to) in [
        (fixture.join("program.rs"), "examples/growth.rs"),
        (fixture.join("surfaces.rs"), "cli/tests/growth.rs"),
        (programs.join("wire.rs"), "examples/real_api_wire.rs"),
        (programs.join("decode.rs"), "examples/real_api_decode.rs"),
        (programs.join("surfaces.rs"), "cli/tests/real_api.rs"),
    ] {
        std::fs::copy(from, copy.join(to)).unwrap();
    }

    run(&copy, &target, &["xtask", "gen"]);
    // The snapshot of the copy was made from the copy's spec (not this workspace's): the main file
    // and the parts' files (a part's items are in files of their own).
    let generated = generated_code(&copy);
    assert!(
        generated.contains("pub fn list_workspaces(") && generated.contains("pub fn users_controller_get_relations("),
        "cargo xtask gen read another spec"
    );
    run(&copy, &target, &["xtask", "gen", "--check"]);
    parts_are_features(&copy, &target, &fixture);
    run(
        &copy,
        &target,
        &["clippy", "-p", "postpress", "--all-features", "--", "-D", "warnings"],
    );
    let doc = cargo_command(&copy, &target, &["doc", "--no-deps", "-p", "postpress"])
        .env("RUSTDOCFLAGS", "-D warnings")
        .status()
        .unwrap();
    assert!(doc.success(), "cargo doc -D warnings failed in the grown copy");
    // The examples build with every part and feature (the crate's dev-dependency on itself has them).
    let examples = [
        "--example",
        "growth",
        "--example",
        "real_api_wire",
        "--example",
        "real_api_decode",
    ];
    run(
        &copy,
        &target,
        &[&["build", "-p", "postpress", "--all-features"][..], &examples[..]].concat(),
    );
    let bin = target.join("debug");
    run_program(&bin.join("examples/growth"), &[], &[]);
    run(&copy, &target, &["build", "-p", "postpress-cli"]);
    let bin = target.join("debug");

    // Every answer decodes what its schema allows; and what the reference allows for an operation
    // our spec curates decodes into our type.
    let mut arguments: Vec<String> = [
        programs.join("documents.py"),
        copy.join("openapi.yaml"),
        bin.join("examples/real_api_decode"),
    ]
    .iter()
    .map(|p| p.display().to_string())
    // Up to 200 documents a schema, at least 25, and no new batch after two minutes (a slow
    // machine checks fewer documents, and says how many): POSTPRESS_DOCUMENTS_SECONDS sets it.
    .chain([
        "--count".into(),
        "200".into(),
        "--least".into(),
        "25".into(),
        "--seconds".into(),
    ])
    .chain([std::env::var("POSTPRESS_DOCUMENTS_SECONDS").unwrap_or_else(|_| "120".into())])
    .collect();
    let curated = curated_definitions(&programs);
    for (operation, definition) in curated {
        arguments.push("--extra".into());
        arguments.push(format!("{operation}={}", definition.display()));
    }
    let arguments: Vec<&str> = arguments.iter().map(String::as_str).collect();
    run_program(Path::new(&python), &arguments, &[]);

    // The wire: Prism mocking the grown spec, validating every request.
    let wire = bin.join("examples/real_api_wire");
    let spec = copy.join("openapi.yaml");
    let port = free_port().to_string();
    let mut mock = Command::new(&prism);
    mock.args([
        "mock",
        spec.to_str().unwrap(),
        "--host",
        "127.0.0.1",
        "--port",
        &port,
        "--errors",
    ]);
    let (_mock, _) = start(mock, "Prism is listening");
    let mock_url = format!("http://127.0.0.1:{port}");
    // Prism's static mock writes `"string"` for a string with a `pattern` where the answer gives no
    // example: the published search's answer echoes its filters, whose ids are `^\d+$`, so Prism's
    // document breaks the spec and the SDK rightly refuses it. Our `search` (with its example)
    // and the fake's answers to the published one are checked on the wire below. Prism's dynamic
    // mode is no way out (tried): json-schema-faker reads the reference's typeless
    // `{nullable: true}` branch as any value, and writes an object where the spec means null.
    run_program(
        &wire,
        &[],
        &[
            ("POSTPRESS_BASE_URL", &mock_url),
            ("POSTPRESS_WIRE_FORMS", "prism"),
            ("POSTPRESS_WIRE_SKIP", "linkedin_controller_search"),
        ],
    );

    // The fake, through Prism's validating proxy, and then directly (the forms Prism cannot read).
    let mut fake = Command::new(bin.join("postpress"));
    fake.args(["fake-server", "--port", &free_port().to_string()])
        .env_remove("POSTPRESS_API_KEY");
    let (_fake, listening) = start(fake, "listening on");
    let fake_url = listening.rsplit(' ').next().unwrap().to_string();
    let proxy_port = free_port().to_string();
    let mut proxy = Command::new(&prism);
    proxy.args([
        "proxy",
        spec.to_str().unwrap(),
        &fake_url,
        "--host",
        "127.0.0.1",
        "--port",
        &proxy_port,
        "--errors",
    ]);
    let (_proxy, _) = start(proxy, "Prism is listening");
    // The fake's demo data (`postpress fake-server` seeds it): the ids its stateful operations know
    // (the LinkedIn account's post among them).
    let ids = "chat_id=chat_fake_000002,message_id=msg_fake_000003,account_id=acc_fake_000001,quote_id=msg_fake_000003,\
               attendee_id=att_fake_000002_peer,post_id=7000000000000000010";
    let proxy_url = format!("http://127.0.0.1:{proxy_port}");
    let key = ("POSTPRESS_API_KEY", "pp_test_fake_key");
    run_program(
        &wire,
        &[],
        &[
            ("POSTPRESS_BASE_URL", &proxy_url),
            ("POSTPRESS_WIRE_FORMS", "prism"),
            ("POSTPRESS_WIRE_IDS", ids),
            ("POSTPRESS_WIRE_STATEFUL", "1"),
            key,
        ],
    );
    // A fake of its own: the run through the proxy deleted what its ids name (an account among them).
    let mut fresh = Command::new(bin.join("postpress"));
    fresh
        .args(["fake-server", "--port", &free_port().to_string()])
        .env_remove("POSTPRESS_API_KEY");
    let (_fresh, listening) = start(fresh, "listening on");
    let fake_url = listening.rsplit(' ').next().unwrap().to_string();
    run_program(
        &wire,
        &[],
        &[
            ("POSTPRESS_BASE_URL", &fake_url),
            ("POSTPRESS_WIRE_IDS", ids),
            ("POSTPRESS_WIRE_STATEFUL", "1"),
            key,
        ],
    );

    // The CLI, postpress mcp and the fake, for the fixture's operations and every one.
    run(
        &copy,
        &target,
        &[
            "test",
            "--quiet",
            "-p",
            "postpress-cli",
            "--test",
            "growth",
            "--test",
            "real_api",
        ],
    );
    let _ = std::fs::remove_dir_all(&copy);
}

/// The published definitions of operations our spec has (the same method, and a path of the same
/// shape), with a JSON answer: (our operation id, the definition's file).
fn curated_definitions(dir: &Path) -> Vec<(&'static str, std::path::PathBuf)> {
    let shape = |path: &str| -> String {
        path.split('/')
            .map(|part| if part.starts_with('{') { "{}" } else { part })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let definition: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let method = definition["method"].as_str().unwrap().to_uppercase();
        let published = shape(definition["path"].as_str().unwrap().trim_start_matches("/api/v1"));
        let ours = postpress::operations::OPERATIONS
            .iter()
            .find(|op| op.method == method && shape(op.path) == published);
        // (A list's cursor is any value in the reference, a string here, as the spec's list
        // schemas say: documents.py generates it as ours, the items as the reference's.)
        // The send page's answer has a string `message_id` where the reference allows null
        // (tests/real-api/README.md): the pages win, so those documents are not ours either.
        let differs = method == "POST" && published == "/chats/{}/messages";
        if let Some(op) = ours.filter(|op| !op.download && !differs) {
            found.push((op.id, path));
        }
    }
    found.sort();
    found
}

#[test]
fn the_reference_answers_of_curated_operations_are_found() {
    let found = curated_definitions(&workspace().join("tests/real-api"));
    let ids: Vec<&str> = found.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        [
            "add_post_reaction",
            "add_user_by_identifier",
            "cancel_invitation",
            "close_job_posting",
            "create_job_posting",
            "create_post",
            "edit_account_owner_profile",
            "edit_job_posting",
            "endorse_profile",
            "forward_message",
            "get_account_owner_profile",
            "get_attendee",
            "get_chat",
            "get_company_profile",
            "get_followers",
            "get_following",
            "get_hiring_project_by_id",
            "get_hiring_projects",
            "get_inmail_balance",
            "get_job_applicant",
            "get_job_applicants",
            "get_job_posting",
            "get_job_postings",
            "get_message",
            "get_post",
            "get_profile_by_identifier",
            "get_raw_data",
            "get_relations",
            "get_search_parameters_list",
            "handle_invitation_received",
            "list_accounts",
            "list_all_posts",
            "list_all_user_invitations_received",
            "list_all_user_invitations_sent",
            "list_attendee_chats",
            "list_attendee_messages",
            "list_attendees",
            "list_chat_attendees",
            "list_chat_messages",
            "list_chats",
            "list_messages",
            "list_webhooks",
            "patch_chat",
            "perform_action_on_member",
            "posts_list_all_comments",
            "posts_list_all_reactions",
            "publish_job_posting",
            "search",
            "send_comment",
            "solve_checkpoint",
            "start_chat",
            "sync_chat",
            "users_list_all_comments",
            "users_list_all_reactions",
        ]
    );
}

#[test]
fn the_fixture_merges_into_the_spec() {
    let spec = std::fs::read_to_string(workspace().join("openapi.yaml")).unwrap();
    let grown = grown_spec(&spec, &workspace().join("tests/growth"));
    for id in [
        "list_workspaces",
        "get_workspace",
        "upload_document",
        "create_group",
        "list_group_members",
        "delete_message",
        "get_workspace_profile",
        "add_workspace_note",
    ] {
        assert!(grown.contains(&format!("operationId: {id}")), "{id}");
    }
    let value: serde_json::Value = serde_saphyr::from_str(&grown).expect("the grown spec is YAML");
    assert!(value.pointer("/paths/~1messages~1{message_id}/delete").is_some());
    assert!(
        value.pointer("/paths/~1messages~1{message_id}/get").is_some(),
        "the existing method stays"
    );
}
