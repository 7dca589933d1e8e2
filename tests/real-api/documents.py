"""The decode property of a grown spec: for every JSON success answer of every operation (and every
callback's payload, decoded as the SDK's `webhooks::Event`), documents
generated from the schema as written in the spec (not as the SDK's generator rewrites it) by
hypothesis-jsonschema must decode into the SDK's generated type, and the SDK's re-encoding must
still be valid against that schema.

    python documents.py SPEC DECODER [--count N] [--seconds S] [--least M] [--extra OPERATION=DEFINITION.json ...]

SPEC is the grown spec (JSON or YAML 1.2's JSON subset), DECODER the grown copy's
`real_api_decode` program. `--extra` adds the answer schema of a published definition
(`tests/real-api/*.json`) decoded as another operation's answer (the reference's `getMessage`
into our `get_message`). OpenAPI 3.0 is read as JSON Schema (draft 7) with `{nullable: true}` alone read as
`null` (the reference's "or null") and a single `x-patternProperties` schema as the type of a
map's values (the reference's map; an extension has no meaning of its own), a `pattern` without a
`type` as a string's (the reference's dates); an integer without
bounds is generated within 64 bits, which the SDK holds it in. Generation is
deterministic (each batch of a schema's documents has a seed of its own), and bounded by count
and by time: up to N documents a schema, in batches; once S seconds have passed since the start,
a schema that has M documents takes no more batches (so a slow machine checks fewer documents,
never fewer than M a schema, and says how many).
Exits non-zero, listing what failed, when a document does not decode or its re-encoding is
invalid.
"""

import argparse
import json
import multiprocessing
import re
import subprocess
import sys
import time

import jsonschema
from hypothesis import HealthCheck, given, seed, settings
from hypothesis_jsonschema import from_schema

ANNOTATIONS = {"description", "title", "example", "examples", "default", "deprecated", "readOnly",
               "writeOnly", "externalDocs", "xml", "discriminator"}


def ecma_digits(pattern):
    """A pattern's `\\d` (`\\D`) as ECMA 262 reads it, which JSON Schema's patterns are: the ASCII
    digits only. Python's `re`, which Hypothesis generates from, also takes other scripts' digits
    for `\\d`, and the SDK rightly refuses those."""
    return re.sub(r"(?<!\\)((?:\\\\)*)\\([dD])",
                  lambda m: m.group(1) + ("[0-9]" if m.group(2) == "d" else "[^0-9]"), pattern)


def json_schema(schema):
    """An OpenAPI 3.0 schema as JSON Schema (draft 7, which hypothesis-jsonschema reads), `$ref`s
    into `#/definitions`."""
    if isinstance(schema, list):
        return [json_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    structural = {k for k in schema if k not in ANNOTATIONS and not k.startswith("x-")}
    if structural == {"nullable"} and schema.get("nullable") is True:
        return {"type": "null"}
    out = {}
    for key, value in schema.items():
        if key in ("nullable", "example", "discriminator", "xml", "externalDocs", "exclusiveMinimum",
                   "exclusiveMaximum"):
            continue
        if key == "$ref":
            out[key] = "#/definitions/" + value.rsplit("/", 1)[-1]
        elif key in ("properties", "patternProperties"):
            out[key] = {k: json_schema(v) for k, v in value.items()}
        elif key == "x-patternProperties" and len(value) == 1 and schema.get("additionalProperties", True) is True:
            # The reference's way of typing a map's values (an extension, with no meaning of its own
            # in OpenAPI 3.0): read as the type of every value, as the SDK reads it.
            out["additionalProperties"] = json_schema(next(iter(value.values())))
        elif key == "additionalProperties" and "x-patternProperties" in schema and value is True:
            continue
        elif key in ("items", "not", "additionalProperties", "allOf", "anyOf", "oneOf"):
            out[key] = json_schema(value)
        elif key == "format" and value == "binary":
            continue
        elif key == "pattern":
            out[key] = ecma_digits(value)
        elif key.startswith("x-"):
            continue
        else:
            out[key] = value
    if "pattern" in out and "type" not in out:
        # The reference's dates have a pattern and no type (so JSON Schema would take any value
        # that is not a string): read as the strings they are, as our spec types them.
        out["type"] = "string"
    for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        if schema.get(flag) is True and bound in out:
            out[flag] = out.pop(bound)
    # An integer the SDK holds in 64 bits (i64, or u64 when it cannot be negative), as typed clients
    # do: documents beyond that (JSON's own precision ends at 2^53 in most parsers) are not asked for.
    types = out.get("type") if isinstance(out.get("type"), list) else [out.get("type")]
    if "integer" in types:
        if "maximum" not in out and "exclusiveMaximum" not in out:
            out["maximum"] = 2**63 - 1
        if "minimum" not in out and "exclusiveMinimum" not in out:
            out["minimum"] = -(2**63)
    if schema.get("nullable") is True:
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out and None not in out["enum"]:
                out["enum"] = out["enum"] + [None]
        elif any(k not in ANNOTATIONS for k in out):
            return {"anyOf": [{"type": "null"}, out]}
    return out


def rooted(schema, components):
    root = {"$schema": "http://json-schema.org/draft-07/schema#", "definitions": components}
    root.update(json_schema(schema))
    return root


def callbacks(spec):
    """("callback:" + name, schema) of every callback's JSON payload: what a webhook receives,
    decoded by the SDK as its `webhooks::Event` (the payload told apart by what its schema fixes)."""
    for path, item in sorted(spec["paths"].items()):
        for method, op in sorted(item.items()):
            if not isinstance(op, dict):
                continue
            for name, callback in sorted(op.get("callbacks", {}).items()):
                for expression, request_item in callback.items():
                    for request_method, request in request_item.items():
                        schema = (request.get("requestBody", {}).get("content", {})
                                  .get("application/json", {}).get("schema"))
                        if schema is not None:
                            yield "callback:" + name, schema


def answers(spec):
    """(operationId, schema) of every JSON success answer that is not a file."""
    responses = spec.get("components", {}).get("responses", {})
    for path, item in sorted(spec["paths"].items()):
        for method, op in sorted(item.items()):
            if not isinstance(op, dict) or "operationId" not in op:
                continue
            for status, response in sorted(op.get("responses", {}).items()):
                if not status.startswith("2"):
                    continue
                if "$ref" in response:
                    response = responses[response["$ref"].rsplit("/", 1)[-1]]
                for media, content in response.get("content", {}).items():
                    schema = content.get("schema")
                    if not media.endswith("json") or schema is None:
                        continue
                    if schema.get("type") == "string" and schema.get("format") == "binary":
                        continue
                    yield op["operationId"], schema
                break


# Documents a batch: the time bound is checked between batches.
BATCH = 25


def generate(schema, count, deadline, least):
    """Up to `count` documents of `schema`, in batches, until `deadline` (a `time.time()`) once
    there are `least`; fewer when the schema allows fewer distinct documents."""
    strategy = from_schema(schema)
    documents = []
    batch = 0
    while len(documents) < count:
        before = len(documents)

        @settings(max_examples=min(BATCH, count - before), database=None, deadline=None,
                  suppress_health_check=list(HealthCheck))
        @seed(batch)
        @given(strategy)
        def collect(document):
            documents.append(document)

        collect()
        batch += 1
        if len(documents) == before:
            break  # nothing new: the schema's documents are spent
        if len(documents) >= least and time.time() > deadline:
            break
    return documents[:count]


def check(job):
    """Generates the documents of one answer schema, decodes them, validates the re-encodings:
    (label, documents, failures)."""
    label, root, decoder, count, deadline, least = job
    operation = label.split(" ")[0]
    validator = jsonschema.Draft7Validator(root)
    documents = generate(root, count, deadline, least)
    lines = "".join(json.dumps({"operation": operation, "document": d}) + "\n" for d in documents)
    decoded = subprocess.run([decoder], input=lines, capture_output=True, text=True, check=True)
    results = [json.loads(line) for line in decoded.stdout.split("\n") if line]
    failures = []
    for document, result in zip(documents, results):
        if "error" in result:
            failures.append(f"{label}: {json.dumps(document)[:300]} did not decode: {result['error']}")
            continue
        errors = list(validator.iter_errors(result["reencoded"]))
        if errors:
            failures.append(f"{label}: {json.dumps(document)[:300]} re-encoded as "
                            f"{json.dumps(result['reencoded'])[:300]}, invalid: {errors[0].message[:200]}")
    if len(results) != len(documents):
        failures.append(f"{label}: {len(documents)} documents in, {len(results)} answers out")
    if len(documents) < min(count, least):
        failures.append(f"{label}: only {len(documents)} documents were generated (wanted {least})")
    return label, len(documents), failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("spec")
    parser.add_argument("decoder")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=float("inf"))
    parser.add_argument("--least", type=int, default=25)
    parser.add_argument("--extra", action="append", default=[])
    args = parser.parse_args()
    with open(args.spec) as f:
        spec = json.load(f)
    components = {k: json_schema(v) for k, v in spec.get("components", {}).get("schemas", {}).items()}
    cases = list(answers(spec)) + list(callbacks(spec))
    for extra in args.extra:
        operation, path = extra.split("=", 1)
        with open(path) as f:
            published = json.load(f)["operation"]
        schema = next(r for s, r in sorted(published["responses"].items()) if s.startswith("2"))
        schema = schema["content"]["application/json"]["schema"]
        if "cursor" in schema.get("properties", {}):
            # A list: the reference's cursor is any value or null, ours an opaque string or null
            # (the spec's list schemas say why); the items are generated as the reference's.
            schema = json.loads(json.dumps(schema))
            schema["properties"]["cursor"] = {"type": "string", "nullable": True}
        cases.append((operation + " (published)", schema))

    deadline = time.time() + args.seconds
    jobs = [(label, rooted(schema, components), args.decoder, args.count, deadline, args.least)
            for label, schema in cases]
    # One schema per worker process: generating is the slow part.
    with multiprocessing.Pool() as pool:
        outcomes = pool.map(check, jobs)
    failures = []
    total = 0
    for label, count, bad in outcomes:
        total += count
        failures.extend(bad)
        print(f"{label}: {count} documents, {count - len(bad)} decoded and re-encoded valid")
    print(f"{total} documents over {len(cases)} answer schemas (at most {args.count} each, "
          f"at least {args.least}, {args.seconds} s to make more); {len(failures)} failure(s)")
    if failures:
        print("\n".join(failures[:50]), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
