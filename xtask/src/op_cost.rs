//! Row 6 of `cargo xtask bench`: what one operation of the spec costs a user, in debug build time
//! of the crate and in generated lines. A copy of the workspace is grown with synthetic
//! operations (each an object of a dozen fields with a GET that answers it and a JSON POST that
//! takes it), and the crate is built before and after, in one target directory so that only the
//! crate itself (its generated code) is built again. Without incremental
//! compilation, as a user gets it for a dependency from the registry: with it, the copy built
//! first kept a warm cache for its second build and the other copy had none (which made this
//! row 0.18-0.19 s an operation instead of about 0.10). The synthetic objects are all of one
//! size, so their targets are per operation; the reference's operations are as large as the API
//! makes them (its LinkedIn answers hold four times messaging's properties), so on them, and on
//! this spec, the generator is judged per property of the schemas, the operation's figure beside.

use std::path::Path;
use std::time::Instant;

/// Objects added; each brings two operations.
const OBJECTS: usize = 25;
/// The most a user may pay per operation in a clean debug build, so a 300-operation API stays
/// within a minute.
const TARGET_SECONDS: f64 = 0.15;
/// The same on the reference's definitions, per property of their schemas (an operation's size
/// is the API's, as for the lines below): 0.25 s an operation over the 51.1 properties an
/// operation of the corpus that target was set on (the users and posts definitions: 0.244 s an
/// operation, 4.8 ms a property). With the LinkedIn definitions the corpus holds 64.6 properties
/// an operation: 0.252-0.280 s an operation, 3.9-4.3 ms a property (two runs).
const REAL_API_TARGET_SECONDS_PER_PROPERTY: f64 = 0.0049;
/// The most generated code per operation added with the synthetic objects (a dozen fields each):
/// what the generator writes for an operation itself, its request, its table row, its types.
const TARGET_LINES: f64 = 500.0;
/// The most generated code per property of the spec's schemas (the builders, behind their
/// feature, counted apart), on this spec and on the reference's operations grown into it. An
/// operation of the API costs what its answers and bodies hold, which the API decides: the
/// reference's LinkedIn answers hold about 43 properties an operation, messaging's about 17. So
/// for a real API the generator is judged per property. 30 is the old target of 500 lines an
/// operation over messaging's 17 properties an operation (the spec before the LinkedIn parts:
/// 12,261 lines, 421 properties, 29.1 a property; with them, and their digit ids one component:
/// 2,091 properties, 17.6 lines a property, 576 an operation).
const TARGET_LINES_PER_PROPERTY: f64 = 30.0;

/// How many properties the schemas of `spec` declare, inline or in components (each key of every
/// `properties`): what a generated type's fields, and their enums and structs, grow with.
fn properties(spec: &str) -> Result<usize, String> {
    fn count(value: &serde_json::Value) -> usize {
        match value {
            serde_json::Value::Object(map) => {
                let own = map
                    .get("properties")
                    .and_then(serde_json::Value::as_object)
                    .map_or(0, |p| p.len());
                own + map.values().map(count).sum::<usize>()
            }
            serde_json::Value::Array(items) => items.iter().map(count).sum(),
            _ => 0,
        }
    }
    Ok(count(&crate::codegen::spec::parse(spec)?))
}

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

/// Row 6 in `cargo xtask bench`: on the synthetic corpus and on the reference's definitions (the
/// smoke run: the generated lines alone).
pub fn run(root: &Path, smoke: bool) -> Result<(), String> {
    if smoke {
        println!("6. build time per operation: skipped in the smoke run");
        return lines_only(root);
    }
    let missed: Vec<String> = [Corpus::Synthetic, Corpus::RealApi]
        .into_iter()
        .filter_map(|corpus| {
            let scratch = std::env::temp_dir().join(format!("postpress-op-cost-{}", std::process::id()));
            let result = measure(root, &scratch, corpus);
            let _ = std::fs::remove_dir_all(&scratch);
            result.err()
        })
        .collect();
    if missed.is_empty() {
        Ok(())
    } else {
        Err(missed.join("\n"))
    }
}

/// The generated-lines figures alone (the smoke run: it proves the growing works, with no build).
pub fn lines_only(root: &Path) -> Result<(), String> {
    let spec = std::fs::read_to_string(root.join(crate::codegen::SPEC_PATH)).map_err(|e| e.to_string())?;
    let mut verdicts = Verdicts::default();
    let base = crate::codegen::generate(&spec)?;
    this_spec_lines(&spec, &base, &mut verdicts)?;
    let grown = crate::codegen::generate(&grown(&spec)?)?;
    let added = (grown.operations - base.operations).max(1) as f64;
    let per_op = (grown.lines() - base.lines()) as f64 / added;
    verdicts.lines("6. generated lines per added operation", per_op, TARGET_LINES);
    verdicts.finish()
}

/// Lines of the generated code per property and per operation of this spec (what every build
/// with all parts compiles), with the builders' beside them.
fn this_spec_lines(spec: &str, generated: &crate::codegen::Generated, verdicts: &mut Verdicts) -> Result<(), String> {
    let operations = generated.operations.max(1) as f64;
    let properties = properties(spec)?;
    verdicts.lines(
        &format!("6. generated lines per property ({properties})"),
        generated.lines() as f64 / properties.max(1) as f64,
        TARGET_LINES_PER_PROPERTY,
    );
    println!(
        "{:<44} {:>14.0}   report ({:.0} properties an operation)",
        format!("6. generated lines per operation ({})", generated.operations),
        generated.lines() as f64 / operations,
        properties as f64 / operations
    );
    println!(
        "{:<44} {:>14.0}   report (feature `builders`)",
        "6. builders' lines per operation",
        generated.builders.lines().count() as f64 / operations
    );
    Ok(())
}

/// The figures of a run, each printed with its verdict; a missed target fails the run once all
/// are printed.
#[derive(Default)]
struct Verdicts(Vec<String>);

impl Verdicts {
    fn lines(&mut self, name: &str, figure: f64, target: f64) {
        let met = figure <= target;
        println!(
            "{name:<44} {figure:>14.1}   <= {target:.0} {}",
            if met { "met" } else { "MISSED" }
        );
        if !met {
            self.0.push(format!("{name}: {figure:.1}, target {target:.0}"));
        }
    }

    fn seconds(&mut self, name: &str, figure: f64, target: f64) {
        let met = figure <= target;
        println!(
            "{name:<44} {figure:>13.4}s   <= {target} {}",
            if met { "met" } else { "MISSED" }
        );
        if !met {
            self.0.push(format!("{name}: {figure:.4}s, target {target}s"));
        }
    }

    fn finish(self) -> Result<(), String> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "6. cost per operation, targets missed:\n  {}",
                self.0.join("\n  ")
            ))
        }
    }
}

/// What the spec is grown with.
#[derive(Clone, Copy, PartialEq)]
pub enum Corpus {
    /// The synthetic objects above: the bench's row 6, with its target.
    Synthetic,
    /// The operations the API's reference publishes (`tests/real-api/`): reported, beside it.
    RealApi,
}

/// Generation time, generated lines and debug build seconds per added operation (and, for the
/// reference's definitions, per added property); `Err` when a target is missed (a full run
/// fails, as for every other target).
pub fn measure(root: &Path, scratch: &Path, corpus: Corpus) -> Result<(), String> {
    let spec = std::fs::read_to_string(root.join(crate::codegen::SPEC_PATH)).map_err(|e| e.to_string())?;
    let grown_spec = match corpus {
        Corpus::Synthetic => grown(&spec)?,
        Corpus::RealApi => crate::grow::with_real_api(root, &spec)?,
    };
    let mut verdicts = Verdicts::default();
    let generate = |text: &str| -> Result<(crate::codegen::Generated, f64), String> {
        let started = Instant::now();
        let generated = crate::codegen::generate(text)?;
        Ok((generated, started.elapsed().as_secs_f64()))
    };
    let (base, base_seconds) = generate(&spec)?;
    this_spec_lines(&spec, &base, &mut verdicts)?;
    let (grown_generated, grown_seconds) = generate(&grown_spec)?;
    let (base_lines, base_ops) = (base.lines(), base.operations);
    let (grown_lines, grown_ops) = (grown_generated.lines(), grown_generated.operations);
    let added = grown_ops.saturating_sub(base_ops).max(1);
    let operations = added as f64;
    let lines_per_op = (grown_lines - base_lines) as f64 / operations;
    let added_properties = properties(&grown_spec)?.saturating_sub(properties(&spec)?).max(1);
    let lines_per_property = (grown_lines - base_lines) as f64 / added_properties as f64;
    println!(
        "{:<44} {:>13.2}s   ({} operations: {base_seconds:.2}s; {} operations: {grown_seconds:.2}s)",
        "6. generation of the grown spec", grown_seconds, base_ops, grown_ops
    );

    let (base, big) = (scratch.join("base"), scratch.join("grown"));
    crate::bench::copy_workspace(root, &base)?;
    crate::bench::copy_workspace(root, &big)?;
    std::fs::write(big.join(crate::codegen::SPEC_PATH), grown_spec).map_err(|e| e.to_string())?;
    // As a maintainer would: the grown spec's code and its parts' features.
    crate::artefacts::run(&big, false)?;
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
    // The medians of three alternating rounds: one build's time swings between runs.
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        before.push(build_again(&base, &target, &build)?);
        after.push(build_again(&big, &target, &build)?);
    }
    let median = |times: &mut Vec<f64>| {
        times.sort_by(f64::total_cmp);
        times[times.len() / 2]
    };
    let seconds = median(&mut after) - median(&mut before);
    let per_op = seconds / operations;
    match corpus {
        Corpus::Synthetic => {
            verdicts.seconds("6. debug build of the crate, per operation", per_op, TARGET_SECONDS);
            verdicts.lines("6. generated lines per added operation", lines_per_op, TARGET_LINES);
        }
        Corpus::RealApi => {
            println!(
                "{:<44} {per_op:>13.3}s   report",
                "6. debug build of the crate, per operation"
            );
            verdicts.seconds(
                "6. debug build of the crate, per property",
                seconds / added_properties as f64,
                REAL_API_TARGET_SECONDS_PER_PROPERTY,
            );
            println!(
                "{:<44} {lines_per_op:>14.1}   report",
                "6. generated lines per added operation"
            );
            verdicts.lines(
                "6. generated lines per added property",
                lines_per_property,
                TARGET_LINES_PER_PROPERTY,
            );
        }
    }
    verdicts.finish()
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
