//! Row 6 of `cargo xtask bench`: what one operation of the spec costs a user, in debug build time
//! of the crate and in generated lines. A copy of the workspace is grown with synthetic
//! operations (each an object of a dozen fields with a GET that answers it and a JSON POST that
//! takes it), and the crate is built before and after, in one target directory so that only the
//! crate itself (its generated code) is built again. Without incremental
//! compilation, as a user gets it for a dependency from the registry: with it, the copy built
//! first kept a warm cache for its second build and the other copy had none (which made this
//! row 0.18-0.19 s an operation instead of about 0.10).

use std::path::Path;
use std::time::Instant;

/// Objects added; each brings two operations.
const OBJECTS: usize = 25;
/// The most a user may pay per operation in a clean debug build, so a 300-operation API stays
/// within a minute.
const TARGET_SECONDS: f64 = 0.15;

/// The spec with `OBJECTS` synthetic objects, and a GET and a POST for each.
pub fn grown(spec: &str) -> Result<String, String> {
    let mut paths = String::new();
    let mut schemas = String::new();
    for i in 0..OBJECTS {
        paths.push_str(&format!(
            "  /synthetic{i}:
    post:
      operationId: create_synthetic{i}
      tags: [synthetic]
      summary: Create a synthetic object
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Synthetic{i}'
      responses:
        '201':
          description: Created
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Synthetic{i}'
  /synthetic{i}/{{synthetic_id}}:
    get:
      operationId: get_synthetic{i}
      tags: [synthetic]
      summary: Retrieve a synthetic object
      parameters:
        - name: synthetic_id
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: OK
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/Synthetic{i}'
"
        ));
        schemas.push_str(&format!(
            "    Synthetic{i}:
      type: object
      required: [id, name, count]
      properties:
        id: {{type: string}}
        name: {{type: string, minLength: 1}}
        count: {{type: integer, minimum: 0}}
        ratio: {{type: number}}
        active: {{type: boolean}}
        kind: {{type: string, enum: [FIRST, SECOND, THIRD]}}
        note: {{type: string, nullable: true}}
        created_at: {{type: string}}
        owner_id: {{type: string}}
        tags: {{type: array, items: {{type: string}}}}
        score: {{type: integer}}
        label: {{type: string, maxLength: 64}}
"
        ));
    }
    let spec = crate::grow::insert_after(spec, "paths:", &paths)?;
    crate::grow::insert_after(&spec, "  schemas:", &schemas)
}

/// The generated-lines figure alone (the smoke run: it proves the growing works, with no build).
pub fn lines_only(root: &Path) -> Result<(), String> {
    let spec = std::fs::read_to_string(root.join(crate::codegen::SPEC_PATH)).map_err(|e| e.to_string())?;
    println!(
        "{:<44} {:>14.0}",
        "6. generated lines per operation",
        lines_per_operation(&spec)?
    );
    Ok(())
}

fn lines_per_operation(spec: &str) -> Result<f64, String> {
    let lines = |text: &str| -> Result<usize, String> { Ok(crate::codegen::generate(text)?.code.lines().count()) };
    Ok((lines(&grown(spec)?)? - lines(spec)?) as f64 / (2 * OBJECTS) as f64)
}

/// What the spec is grown with.
#[derive(Clone, Copy, PartialEq)]
pub enum Corpus {
    /// The synthetic objects above: the bench's row 6, with its target.
    Synthetic,
    /// The operations the API's reference publishes (`tests/real-api/`): reported, beside it.
    RealApi,
}

/// Generation time, generated lines and debug build seconds per added operation; `Err` when the
/// time target of the synthetic corpus is missed (a full run fails, as for every other target).
pub fn measure(root: &Path, scratch: &Path, corpus: Corpus) -> Result<(), String> {
    let spec = std::fs::read_to_string(root.join(crate::codegen::SPEC_PATH)).map_err(|e| e.to_string())?;
    let grown_spec = match corpus {
        Corpus::Synthetic => grown(&spec)?,
        Corpus::RealApi => crate::grow::with_real_api(root, &spec)?,
    };
    let generate = |text: &str| -> Result<(usize, usize, f64), String> {
        let started = Instant::now();
        let generated = crate::codegen::generate(text)?;
        let seconds = started.elapsed().as_secs_f64();
        Ok((generated.code.lines().count(), generated.operations, seconds))
    };
    let (base_lines, base_ops, base_seconds) = generate(&spec)?;
    let (grown_lines, grown_ops, grown_seconds) = generate(&grown_spec)?;
    let added = grown_ops.saturating_sub(base_ops).max(1);
    let operations = added as f64;
    let lines_per_op = (grown_lines - base_lines) as f64 / operations;
    println!(
        "{:<44} {:>13.2}s   ({} operations: {base_seconds:.2}s; {} operations: {grown_seconds:.2}s)",
        "6. generation of the grown spec", grown_seconds, base_ops, grown_ops
    );

    let (base, big) = (scratch.join("base"), scratch.join("grown"));
    crate::bench::copy_workspace(root, &base)?;
    crate::bench::copy_workspace(root, &big)?;
    std::fs::write(big.join(crate::codegen::SPEC_PATH), grown_spec).map_err(|e| e.to_string())?;
    let target = scratch.join("target");
    let build = |dir: &Path| -> Result<f64, String> {
        let started = Instant::now();
        crate::bench::run_ok(
            crate::bench::cargo()
                .current_dir(dir)
                .env("CARGO_TARGET_DIR", &target)
                .env("CARGO_INCREMENTAL", "0")
                // Every part: the grown operations are in parts of their own.
                .args(["build", "--quiet", "-p", "postpress", "--features", "full"]),
            "debug build of the crate",
        )?;
        Ok(started.elapsed().as_secs_f64())
    };
    eprintln!("== cost per operation: the crate with {added} operations more");
    build(&base)?; // the dependencies, once for both copies
    let before = build_again(&base, &target, &build)?;
    let after = build_again(&big, &target, &build)?;
    let per_op = (after - before) / operations;
    let verdict = match corpus {
        Corpus::RealApi => "report",
        Corpus::Synthetic if per_op <= TARGET_SECONDS => "met",
        Corpus::Synthetic => "MISSED",
    };
    println!(
        "{:<44} {:>13.3}s   <= {TARGET_SECONDS:.2} {verdict}",
        "6. debug build of the crate, per operation", per_op
    );
    println!("{:<44} {:>14.0}", "6. generated lines per operation", lines_per_op);
    if verdict == "MISSED" {
        return Err(format!("6. cost per operation: {per_op:.3}s, target {TARGET_SECONDS}s"));
    }
    Ok(())
}

/// The crate alone built again in `dir` (its dependencies are built already).
fn build_again(dir: &Path, target: &Path, build: &dyn Fn(&Path) -> Result<f64, String>) -> Result<f64, String> {
    crate::bench::run_ok(
        crate::bench::cargo()
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", target)
            .args(["clean", "--quiet", "-p", "postpress"]),
        "cargo clean -p postpress",
    )?;
    build(dir)
}
