// Reads the rendered API reference in headless Chromium, offline, the way a reader would, and checks it
// against openapi.yaml: every operation is reachable from the sidebar, its page shows its summary, method,
// path and every response status, and each error response's example picker offers every documented error
// type and shows its body when picked. The expected list comes from the spec, so an operation added to the
// spec is checked with no edit here.
//
//   node .ci/docs-check.cjs SPEC PAGE     (run by `.ci/spec-tools docs`, with NODE_PATH at .tools/npm)
//
// Redoc 3 renders one operation per route: the prerendered HTML holds only the introduction, so passing
// this check means the page's script ran. Exit status 1 with one line per problem when the page fails.
'use strict';
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');
const { chromium } = require('playwright-core');

// Redoc's sidebar badge ("API docs by" and a logo) is an <img> from Redocly's CDN that Redoc drops when it
// fails to load; there is no option to turn it off. Every other request that leaves the file is a failure.
const ALLOWED_REMOTE = new Set(['https://cdn.redoc.ly/redoc/logo-mini-full.svg', 'https://cdn.redoc.ly/redoc/logo-mini.svg']);
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const STEP_MS = Number(process.env.DOCS_CHECK_STEP_MS || 10000);
// The self-test's pages fail everywhere: the first problem is enough (each later one waits STEP_MS).
const stopAtFirst = process.env.DOCS_CHECK_STOP_AT_FIRST === '1';

function resolve(spec, node) {
  while (node && node.$ref) {
    const parts = node.$ref.replace(/^#\//, '').split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    node = parts.reduce((n, p) => (n == null ? n : n[p]), spec);
  }
  return node;
}

function escape(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function exactly(text) {
  return new RegExp(`^\\s*${escape(text)}\\s*$`);
}

function operations(spec) {
  const ops = [];
  for (const [route, item] of Object.entries(spec.paths || {})) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      const responses = Object.entries(op.responses || {}).map(([status, r]) => {
        const response = resolve(spec, r) || {};
        const json = (response.content || {})['application/json'] || {};
        // An error response's documented types are its named examples (info.description says so).
        const examples = /^[45]/.test(status)
          ? Object.entries(json.examples || {}).map(([key, e]) => {
            const example = resolve(spec, e) || {};
            return { label: example.summary || key, type: (example.value || {}).type };
          })
          : [];
        // A shared response component renders the same picker under every operation that uses it.
        return { status, examples, ref: r && r.$ref };
      });
      ops.push({ id: op.operationId, summary: op.summary, tag: (op.tags || [])[0], method, route, responses });
    }
  }
  return ops;
}

// Each example of a shared error response is picked under the first operation that shows it; under
// every other, its picker must still offer every type, and the last one picked must show its body
// (picking each of about a thousand examples took most of CI's time on this step, and checked the
// same rendering again).
const picked = new Set();

async function checkOperation(page, op, problems) {
  const where = `${op.id} (${op.method.toUpperCase()} ${op.route})`;
  if (!op.summary) {
    // The sidebar and the heading show the summary: without one there is nothing to look for.
    problems.push(`${where} has no summary in the spec`);
    return;
  }
  const link = page.locator(`a[href$="/${op.id}"]`).filter({ hasText: op.summary }).first();
  if (!(await link.isVisible()) && op.tag) {
    // The operation's group in the sidebar may be folded.
    const tag = page.getByText(op.tag, { exact: true }).first();
    if (await tag.isVisible()) await tag.click();
  }
  try {
    await link.click({ timeout: STEP_MS });
  } catch (e) {
    problems.push(`${where}: no sidebar entry "${op.summary}"`);
    return;
  }
  // Redoc puts a deep-link anchor in each heading, so the heading's accessible name is not its text.
  const heading = page.locator('h1, h2').filter({ hasText: exactly(op.summary) }).first();
  try {
    await heading.waitFor({ state: 'visible', timeout: STEP_MS });
  } catch (e) {
    problems.push(`${where}: its page shows no heading "${op.summary}"`);
    return;
  }
  // Redoc keeps the operations it has shown mounted: look only inside this one's section, the nearest
  // element around its heading that holds response tabs.
  const section = heading.locator('xpath=ancestor::*[.//*[@role="tab"]][1]');
  const endpoint = section.getByText(op.route, { exact: true }).first();
  if (!(await endpoint.isVisible())) problems.push(`${where}: its page does not show the path ${op.route}`);
  const method = section.getByText(op.method.toUpperCase(), { exact: true }).first();
  if (!(await method.isVisible())) problems.push(`${where}: its page does not show the method`);

  for (const response of op.responses) {
    const tab = section.getByRole('tab', { name: response.status, exact: true }).first();
    if (!(await tab.isVisible())) {
      problems.push(`${where}: no response tab ${response.status}`);
      continue;
    }
    await tab.click();
    const again = response.ref !== undefined && picked.has(response.ref);
    if (response.ref !== undefined) picked.add(response.ref);
    await checkErrorTypes(page, section, `${where}: ${response.status}`, response.examples, again, problems);
    if (stopAtFirst && problems.length > 0) return;
  }
}

// Picks each documented error type in the response sample's example picker and waits for its body.
// `again`: the response was checked in full under another operation; pick only its last type.
async function checkErrorTypes(page, section, where, examples, again, problems) {
  if (examples.length === 0) return;
  // The request sample may have an example picker too: the response's is the one beside its media type.
  const samples = section.locator('select[aria-label="Response media type"]')
    .locator('xpath=ancestor::*[.//button[@aria-label="Example"]][1]');
  const picker = samples.getByRole('button', { name: 'Example', exact: true }).first();
  const several = examples.length > 1;
  if (several) {
    try {
      await picker.click({ timeout: STEP_MS });
      await page.getByRole('menuitem').first().waitFor({ state: 'visible', timeout: STEP_MS });
    } catch (e) {
      problems.push(`${where} has no example picker for its ${examples.length} error types`);
      return;
    }
    const offered = new Set((await page.getByRole('menuitem').allTextContents()).map((t) => t.trim()));
    const missing = examples.filter((e) => !offered.has(e.label));
    if (missing.length > 0) problems.push(`${where}'s example picker lacks ${missing.map((e) => e.label).join(', ')}`);
    examples = examples.filter((e) => offered.has(e.label));
    if (again) examples = examples.slice(-1);
  }
  for (const example of examples) {
    if (typeof example.type !== 'string') {
      problems.push(`${where}'s example "${example.label}" has no error type`);
      continue;
    }
    try {
      if (several) {
        // The picker toggles (Escape closes its menu but leaves the next click closing it again).
        if (!(await page.getByRole('menuitem').first().isVisible())) await picker.click({ timeout: STEP_MS });
        await page.getByRole('menuitem', { name: example.label, exact: true }).first().click({ timeout: STEP_MS });
      }
      await section.getByText(`"${example.type}"`, { exact: true }).first().waitFor({ state: 'visible', timeout: STEP_MS });
    } catch (e) {
      problems.push(`${where} does not show the error type ${example.type} when "${example.label}" is picked`);
    }
  }
}

async function main() {
  const [specPath, pagePath] = process.argv.slice(2);
  if (!specPath || !pagePath) {
    console.error('usage: node .ci/docs-check.cjs SPEC PAGE');
    process.exit(2);
  }
  const spec = YAML.parse(fs.readFileSync(specPath, 'utf8'));
  const ops = operations(spec);
  if (ops.length === 0) throw new Error(`${specPath} has no operations`);
  const problems = [];
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    // The machine's network is closed: without these, Chromium's background connections are refused at start.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message.split('\n')[0]}`));
    page.on('request', (r) => {
      const url = r.url();
      if (!/^(file|data|blob|about):/.test(url) && !ALLOWED_REMOTE.has(url)) problems.push(`the page asked the network for ${url}`);
    });
    await page.goto('file://' + path.resolve(pagePath), { waitUntil: 'load' });
    const title = page.locator('h1, h2').filter({ hasText: new RegExp(`^\\s*${escape(spec.info.title)}\\b`) }).first();
    try {
      await title.waitFor({ state: 'visible', timeout: STEP_MS });
    } catch (e) {
      problems.push(`the page shows no heading "${spec.info.title}"`);
    }
    for (const op of ops) {
      if (stopAtFirst && problems.length > 0) break;
      await checkOperation(page, op, problems);
    }
    const types = new Set(ops.flatMap((op) => op.responses.flatMap((r) => r.examples.map((e) => e.type)))).size;
    if (problems.length === 0) {
      console.log(`docs-check: ${ops.length} operations and ${types} documented error types shown by ${pagePath}, offline`);
    }
  } finally {
    await browser.close();
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(`docs-check: ${p}`);
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(`docs-check: ${e.stack || e}`);
  process.exit(1);
});
