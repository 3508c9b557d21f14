/**
 * The interactive reference page served at `GET /docs`, and its script at
 * `/docs/app.js`. The page works under a strict CSP (no inline script, no
 * other host): the script fetches `/openapi.json` and builds everything with
 * DOM calls, putting document text in only through text nodes.
 *
 * The script is kept as plain JavaScript in a `String.raw` literal, so it must
 * not contain a backtick or a dollar-brace sequence; `docs-page.test.ts` checks
 * that it parses.
 */

export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>API reference</title>
<link rel="icon" href="data:,">
<style>
:root { --fg: #1d232b; --muted: #5b6673; --line: #d9dee4; --soft: #f4f6f8; --accent: #1f5fbf; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
code, pre, textarea, .path { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 13px; }
code { background: var(--soft); padding: 0 .25em; border-radius: 3px; }
a { color: var(--accent); }
#layout { display: grid; grid-template-columns: 340px minmax(0, 1fr); min-height: 100vh; }
nav { position: sticky; top: 0; height: 100vh; overflow-y: auto; padding: 16px; background: var(--soft); border-right: 1px solid var(--line); }
nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 18px 0 6px; }
nav ul { list-style: none; margin: 0; padding: 0; }
nav li a { display: flex; gap: 8px; align-items: baseline; padding: 3px 6px; border-radius: 4px; color: var(--fg); text-decoration: none; }
nav li a:hover { background: #e6eaef; }
nav .path { overflow-wrap: break-word; font-size: 12.5px; }
.token label { display: block; font-weight: 600; font-size: 13px; }
.token input { width: 100%; margin-top: 4px; }
.hint { color: var(--muted); font-size: 13px; margin: 4px 0; }
main { padding: 24px 40px 80px; max-width: 1100px; }
header h1 { margin: 0 0 4px; }
.op { border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 20px 0; scroll-margin-top: 12px; }
.op h3 { display: flex; gap: 10px; align-items: baseline; margin: 0; font-size: 17px; overflow-wrap: anywhere; }
.op h4 { margin: 16px 0 6px; font-size: 14px; }
.method { flex: none; display: inline-block; min-width: 5.4em; text-align: center; padding: 1px 6px; border-radius: 4px; color: #fff; font: 700 12px/1.6 ui-monospace, monospace; text-transform: uppercase; background: #4a5560; }
.m-get { background: #1f5fbf; } .m-post { background: #1d7a3a; } .m-put { background: #9a5b00; }
.m-patch { background: #006d77; } .m-delete { background: #b3261e; }
.summary { color: var(--muted); margin: 4px 0 0; }
.badge { font-size: 12px; border: 1px solid var(--line); border-radius: 10px; padding: 0 8px; color: var(--muted); }
.req { color: #b3261e; font-size: 12px; font-weight: 600; }
.type { color: #6a3fa0; }
ul.props { list-style: none; margin: 4px 0; padding-left: 0; }
ul.props ul.props { padding-left: 18px; border-left: 2px solid var(--line); margin-left: 4px; }
ul.props > li { padding: 3px 0; }
.facts { color: var(--muted); font-size: 13px; }
details { margin: 4px 0; }
summary { cursor: pointer; }
.try { background: var(--soft); border-radius: 6px; padding: 8px 12px; margin-top: 14px; }
.try label { display: block; margin: 8px 0 2px; font-size: 13px; font-weight: 600; }
.try input, .try select { min-width: 260px; }
input, select, textarea, button { font: inherit; font-weight: 400; color: var(--fg); }
input, select, textarea { border: 1px solid #aab3bd; border-radius: 4px; padding: 4px 6px; background: #fff; }
textarea { width: 100%; min-height: 140px; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
button { margin-top: 10px; padding: 5px 16px; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
pre { background: #fff; border: 1px solid var(--line); border-radius: 4px; padding: 8px; overflow: auto; max-height: 480px; white-space: pre-wrap; overflow-wrap: anywhere; }
.error { color: #b3261e; }
</style>
<script src="/docs/app.js" defer></script>
</head>
<body>
<div id="layout">
<nav id="sidebar" aria-label="Operations"></nav>
<main id="content"><p id="loading">Loading the API description from /openapi.json…</p>
<noscript><p>This page needs JavaScript. The raw description is at <a href="/openapi.json">/openapi.json</a> and <a href="/openapi.yaml">/openapi.yaml</a>.</p></noscript>
</main>
</div>
</body>
</html>
`;

export const docsScript = String.raw`'use strict';
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const TICK = '\x60';
let spec = {};
let adminToken = '';
let serviceToken = '';

/** Builds an element; strings among the children become text nodes, so document data is never parsed as HTML. */
function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat(Infinity)) if (child != null && child !== false) node.append(child);
  return node;
}

/** Plain text with the document's backtick spans shown as code; blank lines split paragraphs. */
function prose(text, tag) {
  if (!text) return null;
  return String(text).split(/\n\s*\n/).map((para) =>
    el(tag || 'p', null, para.split(TICK).map((part, i) => (i % 2 ? el('code', null, part) : part))),
  );
}

/** One JSON Pointer token, as written in a URI fragment. */
function unescapePointer(token) {
  let text = token;
  try { text = decodeURIComponent(token); } catch { /* kept as written */ }
  return text.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Follows a local reference ("#/components/schemas/X") through the document. */
function lookup(ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return undefined;
  let node = spec;
  for (const raw of ref.slice(2).split('/')) {
    const key = unescapePointer(raw);
    if (node == null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = node[key];
  }
  return node;
}

/** Resolves $ref chains; siblings of a $ref (a description) win over the target. */
function deref(value) {
  const seen = new Set();
  let name = null;
  while (value && typeof value === 'object' && typeof value.$ref === 'string') {
    const ref = value.$ref;
    if (seen.has(ref)) return { schema: {}, name: lastSegment(ref), broken: 'circular reference' };
    seen.add(ref);
    const target = lookup(ref);
    if (target === undefined) return { schema: {}, name: ref, broken: 'unresolved reference' };
    name = lastSegment(ref);
    const { $ref, ...siblings } = value;
    value = Object.keys(siblings).length ? { ...target, ...siblings } : target;
  }
  return { schema: value && typeof value === 'object' ? value : {}, name };
}

/** A path with line-break opportunities before its slashes. */
const pathText = (path) => path.split('/').flatMap((part, i) => (i ? [el('wbr'), '/' + part] : [part]));
const lastSegment = (ref) => unescapePointer(ref.split('/').pop());
const isNullType = (s) => deref(s).schema.type === 'null';

function typeLabel(raw) {
  const { schema: s, name } = deref(raw);
  if (name) return name;
  if ('const' in s) return 'const ' + JSON.stringify(s.const);
  const variants = s.anyOf || s.oneOf;
  if (variants) return variants.map(typeLabel).join(' | ');
  if (s.allOf) return s.allOf.map(typeLabel).join(' & ');
  const types = [].concat(s.type || (s.properties ? 'object' : s.enum ? 'enum' : 'any'));
  return types.map((t) => {
    if (t === 'array') return 'array of ' + (s.items ? typeLabel(s.items) : 'any');
    if (t === 'object' && !s.properties && s.additionalProperties && typeof s.additionalProperties === 'object') {
      return 'map of string to ' + typeLabel(s.additionalProperties);
    }
    return s.format ? t + ' (' + s.format + ')' : t;
  }).join(' | ');
}

/** Constraints worth a reader's time, as short strings. */
function facts(s) {
  const out = [];
  const big = (n) => Math.abs(n) >= Number.MAX_SAFE_INTEGER;
  if (Array.isArray(s.enum)) out.push('one of ' + s.enum.map((v) => JSON.stringify(v)).join(', '));
  if ('default' in s) out.push('default ' + JSON.stringify(s.default));
  for (const key of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']) {
    if (typeof s[key] === 'number' && !big(s[key])) out.push(key + ' ' + s[key]);
  }
  for (const key of ['minLength', 'maxLength', 'minItems', 'maxItems']) if (key in s) out.push(key + ' ' + s[key]);
  if (s.pattern && String(s.pattern).length <= 80) out.push('pattern ' + s.pattern);
  if (s.readOnly) out.push('read-only');
  if (s.writeOnly) out.push('write-only');
  if (s.deprecated) out.push('deprecated');
  return out;
}

/** Renders a schema as nested property lists; "stack" holds the named schemas being expanded, to stop cycles. */
function schemaView(raw, stack, depth) {
  const { schema: s, name, broken } = deref(raw);
  if (broken) return el('p', { class: 'error' }, broken + ': ' + name);
  if (name && stack.includes(name)) return el('p', { class: 'hint' }, name + ' (recursive; shown above)');
  if (depth > 8) return el('p', { class: 'hint' }, '…');
  const inner = name ? stack.concat(name) : stack;
  const variants = s.anyOf || s.oneOf || s.allOf;
  if (variants) {
    const rich = variants.filter((v) => !isSimple(v));
    if (rich.length === 0) return null;
    const word = s.allOf ? 'all of' : s.oneOf ? 'exactly one of' : 'any of';
    return el('div', null, el('span', { class: 'hint' }, word + ':'),
      el('ul', { class: 'props' }, variants.map((v) =>
        el('li', null, el('span', { class: 'type' }, typeLabel(v)), schemaView(v, inner, depth + 1)))));
  }
  if (s.items) return isSimple(s.items) ? null : schemaView(s.items, inner, depth + 1);
  if (s.properties) {
    const required = new Set(s.required || []);
    return el('ul', { class: 'props' }, Object.entries(s.properties).map(([prop, sub]) => {
      const own = deref(sub).schema;
      const variant = (own.anyOf || own.oneOf || []).find((v) => !isNullType(v));
      const alt = variant && isSimple(variant) ? deref(variant).schema : {};
      const shown = { ...alt, ...own, description: [own.description, alt.description].filter(Boolean).join('. ') };
      return el('li', null,
        el('code', null, prop), ' ', el('span', { class: 'type' }, typeLabel(sub)), ' ',
        required.has(prop) ? el('span', { class: 'req' }, 'required') : null,
        facts(shown).length ? el('div', { class: 'facts' }, facts(shown).join(' · ')) : null,
        prose(shown.description, 'div'),
        isSimple(sub) ? null : schemaView(sub, inner, depth + 1));
    }));
  }
  if (s.additionalProperties && typeof s.additionalProperties === 'object' && !isSimple(s.additionalProperties)) {
    return schemaView(s.additionalProperties, inner, depth + 1);
  }
  return null;
}

/** A schema with nothing to expand: no properties, variants or object items. */
function isSimple(raw, depth = 0) {
  const { schema: s } = deref(raw);
  if (s.properties || s.allOf || depth > 8) return false;
  if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).every((v) => isSimple(v, depth + 1));
  if (s.items) return isSimple(s.items, depth + 1);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') return isSimple(s.additionalProperties, depth + 1);
  return true;
}

/** A top-level schema block: its name or type, its facts and description, then its structure. */
function schemaBlock(raw) {
  const { schema: s } = deref(raw);
  return el('div', null,
    el('div', null, el('span', { class: 'type' }, typeLabel(raw)),
      facts(s).length ? el('span', { class: 'facts' }, ' · ' + facts(s).join(' · ')) : null),
    prose(s.description, 'div'),
    schemaView(raw, [], 0));
}

/** An example value for a request body: defaults, enums and consts where given, empty values elsewhere. */
function skeleton(raw, stack) {
  const { schema: s, name, broken } = deref(raw);
  if (broken || (name && stack.includes(name))) return null;
  const inner = name ? stack.concat(name) : stack;
  if ('example' in s) return s.example;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if ('default' in s) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  const variants = s.anyOf || s.oneOf;
  if (variants) return skeleton(variants.find((v) => !isNullType(v)) || variants[0] || {}, inner);
  if (s.allOf) return Object.assign({}, ...s.allOf.map((v) => skeleton(v, inner)).filter((v) => v && typeof v === 'object'));
  const type = [].concat(s.type || (s.properties ? 'object' : [])).find((t) => t !== 'null');
  if (type === 'object') {
    const out = {};
    for (const [prop, sub] of Object.entries(s.properties || {})) if (!deref(sub).schema.readOnly) out[prop] = skeleton(sub, inner);
    return out;
  }
  if (type === 'array') {
    const item = s.items && !isSimple(s.items) ? skeleton(s.items, inner) : null;
    return item == null ? [] : [item];
  }
  if (type === 'string') return '';
  if (type === 'integer' || type === 'number') return typeof s.minimum === 'number' && Math.abs(s.minimum) < 1e15 ? s.minimum : 0;
  if (type === 'boolean') return false;
  return null;
}

function jsonMedia(content) {
  return Object.keys(content || {}).find((type) => /^application\/(.+\+)?json$/.test(type));
}

function operationsOf() {
  const ops = [];
  for (const [path, item] of Object.entries(spec.paths || {})) {
    const pathItem = deref(item).schema;
    for (const method of METHODS) {
      const op = pathItem[method];
      if (!op) continue;
      const params = new Map();
      for (const p of [...(pathItem.parameters || []), ...(op.parameters || [])]) {
        const param = deref(p).schema;
        params.set(param.in + ':' + param.name, param);
      }
      const id = 'op-' + (op.operationId || method + '-' + path).replace(/[^A-Za-z0-9_-]+/g, '-');
      ops.push({ path, method, op, id, params: [...params.values()], tag: (op.tags && op.tags[0]) || 'other' });
    }
  }
  return ops;
}

function securityView(op) {
  const requirements = op.security || spec.security || [];
  const schemes = (spec.components && spec.components.securitySchemes) || {};
  if (requirements.length === 0) return el('p', { class: 'hint' }, 'No authentication.');
  return el('p', null, 'Requires ', requirements.map((req, i) => [i ? ' or ' : '', Object.keys(req).map((key) => {
    const scheme = deref(schemes[key]).schema;
    const kind = scheme.type === 'http' ? scheme.scheme + ' token' : scheme.type || 'credential';
    return [el('code', null, key), ' (' + kind + ')', scheme.description ? ': ' + scheme.description : ''];
  })]), '. Try it sends the matching token from the sidebar.');
}

function paramsView(params) {
  return el('ul', { class: 'props' }, params.map((p) => {
    const s = deref(p.schema).schema;
    return el('li', null, el('code', null, p.name), ' ', el('span', { class: 'badge' }, p.in), ' ',
      el('span', { class: 'type' }, typeLabel(p.schema || {})), ' ',
      p.required ? el('span', { class: 'req' }, 'required') : null,
      facts(s).length ? el('div', { class: 'facts' }, facts(s).join(' · ')) : null,
      prose(p.description || s.description, 'div'));
  }));
}

function responsesView(responses) {
  return Object.entries(responses || {}).map(([status, raw]) => {
    const response = deref(raw).schema;
    const content = Object.entries(response.content || {});
    return el('details', { open: /^2/.test(status) },
      el('summary', null, el('strong', null, status), ' ', response.description || ''),
      content.length === 0 ? el('p', { class: 'hint' }, 'No body.') : content.map(([media, body]) =>
        el('div', null, el('p', { class: 'hint' }, media), body.schema ? schemaBlock(body.schema) : null)));
  });
}

function tryItView(entry) {
  const { op, method, path, params } = entry;
  const fields = params.filter((p) => p.in === 'path' || p.in === 'query').map((p) => {
    const s = deref(p.schema).schema;
    const values = Array.isArray(s.enum) ? s.enum : s.type === 'boolean' ? [true, false] : null;
    const input = values
      ? el('select', null, el('option', { value: '' }, '(none)'), values.map((v) => el('option', { value: String(v) }, String(v))))
      : el('input', { type: 'text', placeholder: 'default' in s ? String(s.default) : typeLabel(p.schema || {}) });
    return { param: p, input, label: el('label', null, p.name + ' (' + p.in + (p.required ? ', required' : '') + ')', el('br'), input) };
  });
  const request = op.requestBody && deref(op.requestBody).schema;
  const media = request && jsonMedia(request.content);
  const body = media ? el('textarea', { spellcheck: false }) : null;
  if (body) body.value = JSON.stringify(skeleton(request.content[media].schema || {}, []), null, 2);
  const output = el('div', { 'aria-live': 'polite' });
  const button = el('button', { type: 'button' }, 'Send');
  button.addEventListener('click', () => send(entry, fields, media, body, output, button));
  return el('details', { class: 'try' }, el('summary', null, el('strong', null, 'Try it')),
    fields.map((f) => f.label),
    body ? el('label', null, 'Request body (' + media + ')', body) : null,
    button, output);
}

async function send(entry, fields, media, body, output, button) {
  output.replaceChildren();
  const fail = (message) => output.append(el('p', { class: 'error' }, message));
  let url = entry.path;
  const query = new URLSearchParams();
  for (const { param, input } of fields) {
    const value = input.value.trim();
    if (param.in === 'path') {
      if (!value) return fail('Fill in the path parameter ' + param.name + '.');
      url = url.split('{' + param.name + '}').join(encodeURIComponent(value));
    } else if (value) query.append(param.name, value);
    else if (param.required) return fail('Fill in the query parameter ' + param.name + '.');
  }
  if (query.toString()) url += '?' + query;
  const headers = { accept: 'application/json, application/problem+json;q=0.9, */*;q=0.5' };
  const init = { method: entry.method.toUpperCase(), headers, cache: 'no-store', redirect: 'manual', credentials: 'omit' };
  if (body) {
    try { JSON.parse(body.value); } catch (error) { return fail('The body is not valid JSON: ' + error.message); }
    headers['content-type'] = media;
    init.body = body.value;
  }
  const secured = (entry.op.security || spec.security || []).length > 0;
  const scheme = secured ? Object.keys((entry.op.security || spec.security || [])[0] || {})[0] : undefined;
  const bearer = scheme === 'serviceToken' ? serviceToken : adminToken;
  if (secured && bearer) headers.authorization = 'Bearer ' + bearer;
  else if (secured) output.append(el('p', { class: 'hint' }, 'No ' + (scheme === 'serviceToken' ? 'service token' : 'admin token') + ' set in the sidebar; expect 401.'));
  button.disabled = true;
  const started = performance.now();
  try {
    const response = await fetch(url, init);
    const ms = Math.round(performance.now() - started);
    if (response.type === 'opaqueredirect') {
      output.append(el('p', null, 'A redirect (the browser hides its status and Location from scripts). ' + ms + ' ms.'));
      return;
    }
    const text = await response.text();
    let shown = text;
    if (/json/.test(response.headers.get('content-type') || '')) {
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* shown as received */ }
    }
    output.append(
      el('p', null, el('strong', null, response.status + ' ' + response.statusText), ' · ' + ms + ' ms · ', el('code', null, init.method + ' ' + url)),
      el('details', null, el('summary', null, 'Response headers'),
        el('pre', null, [...response.headers].map(([k, v]) => k + ': ' + v).join('\n'))),
      el('pre', null, shown.length > 200000 ? shown.slice(0, 200000) + '\n… (truncated)' : shown || '(empty body)'));
  } catch (error) {
    fail('The request failed: ' + (error && error.message ? error.message : String(error)));
  } finally {
    button.disabled = false;
  }
}

function operationView(entry) {
  const { op, method, path, params } = entry;
  const request = op.requestBody && deref(op.requestBody).schema;
  return el('section', { class: 'op', id: entry.id },
    el('h3', null, el('span', { class: 'method m-' + method }, method), el('span', { class: 'path' }, pathText(path)),
      op.deprecated ? el('span', { class: 'badge' }, 'deprecated') : null),
    op.summary ? el('p', { class: 'summary' }, op.summary) : null,
    prose(op.description),
    securityView(op),
    params.length ? [el('h4', null, 'Parameters'), paramsView(params)] : null,
    request ? [el('h4', null, 'Request body' + (request.required ? ' (required)' : '')), prose(request.description),
      Object.entries(request.content || {}).map(([type, media]) =>
        el('div', null, el('p', { class: 'hint' }, type), media.schema ? schemaBlock(media.schema) : null))] : null,
    el('h4', null, 'Responses'), responsesView(op.responses),
    tryItView(entry));
}

function sidebar(groups) {
  const token = el('input', { type: 'password', id: 'admin-token', autocomplete: 'off', spellcheck: false });
  token.addEventListener('input', () => { adminToken = token.value.trim(); });
  const service = el('input', { type: 'password', id: 'service-token', autocomplete: 'off', spellcheck: false });
  service.addEventListener('input', () => { serviceToken = service.value.trim(); });
  return [
    // A form (never submitted) so the browser treats the password fields as expected.
    el('form', { class: 'token', onsubmit: (event) => event.preventDefault() },
      el('label', { htmlFor: 'admin-token' }, 'Admin token', token),
      el('label', { htmlFor: 'service-token' }, 'Service token', service),
      el('p', { class: 'hint' }, 'Try it sends the admin token on admin operations and the service token (from POST /oauth/token) on service operations. Kept in this page only; reloading forgets them.')),
    [...groups].map(([tag, ops]) => [el('h2', null, tag), el('ul', null, ops.map((entry) =>
      el('li', null, el('a', { href: '#' + entry.id }, el('span', { class: 'method m-' + entry.method }, entry.method),
        el('span', { class: 'path' }, pathText(entry.path))))))]),
  ];
}

async function start() {
  const content = document.getElementById('content');
  try {
    const response = await fetch('/openapi.json', { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) throw new Error('/openapi.json answered ' + response.status);
    spec = await response.json();
  } catch (error) {
    content.replaceChildren(el('p', { class: 'error' }, 'Could not load the API description: ' + error.message));
    return;
  }
  const info = spec.info || {};
  document.title = (info.title || 'API') + ' reference';
  const groups = new Map((spec.tags || []).map((t) => [t.name, []]));
  for (const entry of operationsOf()) {
    if (!groups.has(entry.tag)) groups.set(entry.tag, []);
    groups.get(entry.tag).push(entry);
  }
  for (const [tag, ops] of groups) if (ops.length === 0) groups.delete(tag);
  document.getElementById('sidebar').replaceChildren(...sidebar(groups).flat(Infinity));
  const tagInfo = new Map((spec.tags || []).map((t) => [t.name, t]));
  content.replaceChildren(...[
    el('header', null, el('h1', null, info.title || 'API'), el('p', { class: 'hint' },
      'Version ' + (info.version || '?') + ' · OpenAPI ' + (spec.openapi || '?') + ' · ',
      el('a', { href: '/openapi.json' }, 'openapi.json'), ' · ', el('a', { href: '/openapi.yaml' }, 'openapi.yaml')),
      prose(info.description)),
    [...groups].map(([tag, ops]) => el('div', null, el('h2', null, tag),
      prose(tagInfo.get(tag) && tagInfo.get(tag).description), ops.map(operationView))),
  ].flat(Infinity));
  const target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)));
  if (target) target.scrollIntoView();
}

if (typeof document !== 'undefined') start();
`;
