/**
 * /api/docs: a small self-contained page that renders /api/openapi.json (paths, methods,
 * parameters, request bodies, responses and schemas). No CDN and no third-party code: the script
 * is inline and pinned by its hash in the Content-Security-Policy.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';

const SCRIPT = `
(function () {
  var root = document.getElementById('api');
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
  function resolveRef(doc, s) {
    var seen = 0;
    while (s && s.$ref && seen++ < 20) {
      var parts = s.$ref.replace(/^#\\//, '').split('/');
      var t = doc; for (var i = 0; i < parts.length && t; i++) t = t[parts[i].replace(/~1/g, '/').replace(/~0/g, '~')];
      s = t;
    }
    return s || {};
  }
  function typeOf(doc, s, depth) {
    s = resolveRef(doc, s);
    if (depth > 6) return '…';
    if (s.enum) return s.enum.map(function (x) { return JSON.stringify(x); }).join(' | ');
    if (s.const !== undefined) return JSON.stringify(s.const);
    if (s.anyOf || s.oneOf) return (s.anyOf || s.oneOf).map(function (x) { return typeOf(doc, x, depth + 1); }).join(' | ');
    var t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
    if (t === 'array') return typeOf(doc, s.items || {}, depth + 1) + '[]';
    if (t === 'object' || s.properties) return 'object';
    return (t || 'any') + (s.format ? ' (' + s.format + ')' : '');
  }
  function schemaTable(doc, s, depth) {
    s = resolveRef(doc, s);
    if (depth > 4) return el('span', 'muted', '…');
    if (s.type === 'array' && s.items) { var w = el('div'); w.appendChild(el('span', 'muted', 'array of:')); w.appendChild(schemaTable(doc, s.items, depth + 1)); return w; }
    if (!s.properties) return el('code', '', typeOf(doc, s, depth));
    var tbl = el('table'); var req = s.required || [];
    Object.keys(s.properties).forEach(function (k) {
      var p = resolveRef(doc, s.properties[k]); var tr = el('tr');
      tr.appendChild(el('td', 'name', k + (req.indexOf(k) >= 0 ? '' : '?')));
      var td = el('td'); td.appendChild(el('code', '', typeOf(doc, p, depth)));
      var inner = p.type === 'array' ? resolveRef(doc, p.items || {}) : p;
      if (inner.properties) td.appendChild(schemaTable(doc, inner, depth + 1));
      if (p.description) td.appendChild(el('div', 'muted', p.description));
      tr.appendChild(td); tbl.appendChild(tr);
    });
    return tbl;
  }
  function render(doc) {
    document.title = (doc.info && doc.info.title || 'API') + ' — reference';
    var h = el('header'); h.appendChild(el('h1', '', doc.info.title + ' ' + doc.info.version));
    if (doc.info.description) h.appendChild(el('p', '', doc.info.description));
    var filter = el('input'); filter.type = 'search'; filter.placeholder = 'Filter paths…'; filter.setAttribute('aria-label', 'Filter paths'); h.appendChild(filter);
    root.appendChild(h);
    var ops = [];
    Object.keys(doc.paths || {}).sort().forEach(function (path) {
      var item = doc.paths[path];
      ['get', 'post', 'put', 'patch', 'delete'].forEach(function (m) {
        var op = item[m]; if (!op) return;
        var sec = el('details', 'op'); var sum = el('summary');
        sum.appendChild(el('span', 'method ' + m, m.toUpperCase())); sum.appendChild(el('code', 'path', path));
        if (op.summary) sum.appendChild(el('span', 'summary', op.summary));
        sec.appendChild(sum);
        if (op.tags) sec.appendChild(el('div', 'muted', 'tags: ' + op.tags.join(', ')));
        if (op.security) sec.appendChild(el('div', 'muted', 'auth: ' + op.security.map(function (s) { return Object.keys(s).join('+'); }).join(' or ')));
        var params = (op.parameters || []).map(function (p) { return resolveRef(doc, p); });
        if (params.length) {
          sec.appendChild(el('h3', '', 'Parameters')); var t = el('table');
          params.forEach(function (p) { var tr = el('tr'); tr.appendChild(el('td', 'name', p.name + (p.required ? '' : '?'))); tr.appendChild(el('td', 'muted', p.in)); var td = el('td'); td.appendChild(el('code', '', typeOf(doc, p.schema || {}, 0))); tr.appendChild(td); t.appendChild(tr); });
          sec.appendChild(t);
        }
        var body = op.requestBody && resolveRef(doc, op.requestBody);
        if (body && body.content) Object.keys(body.content).forEach(function (ct) { sec.appendChild(el('h3', '', 'Body (' + ct + ')')); sec.appendChild(schemaTable(doc, body.content[ct].schema || {}, 0)); });
        if (op.responses) {
          sec.appendChild(el('h3', '', 'Responses'));
          Object.keys(op.responses).forEach(function (code) {
            var r = resolveRef(doc, op.responses[code]); var d = el('div', 'resp'); d.appendChild(el('strong', '', code + ' ')); d.appendChild(el('span', 'muted', r.description || ''));
            var c = r.content && (r.content['application/json'] || r.content[Object.keys(r.content)[0]]);
            if (c && c.schema) d.appendChild(schemaTable(doc, c.schema, 0));
            sec.appendChild(d);
          });
        }
        root.appendChild(sec); ops.push({ el: sec, key: (m + ' ' + path + ' ' + (op.summary || '')).toLowerCase() });
      });
    });
    filter.addEventListener('input', function () { var q = filter.value.toLowerCase(); ops.forEach(function (o) { o.el.hidden = q !== '' && o.key.indexOf(q) < 0; }); });
  }
  fetch('/api/openapi.json', { credentials: 'same-origin' }).then(function (r) { return r.json(); }).then(render, function (e) { root.textContent = 'Cannot load /api/openapi.json: ' + e; });
})();
`;

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; margin: .2rem 0; } h3 { font-size: .95rem; margin: .8rem 0 .3rem; }
input[type=search] { width: 100%; padding: .5rem; font: inherit; margin: .5rem 0 1rem; box-sizing: border-box; }
details.op { border: 1px solid #d0d7de; border-radius: 6px; margin: .4rem 0; padding: .3rem .6rem; }
summary { cursor: pointer; display: flex; gap: .6rem; align-items: baseline; flex-wrap: wrap; }
.method { font-weight: 700; font-family: ui-monospace, monospace; min-width: 4.5em; }
.get { color: #0969da; } .post { color: #1a7f37; } .put, .patch { color: #9a6700; } .delete { color: #cf222e; }
.path { font-weight: 600; } .summary, .muted { color: #57606a; }
table { border-collapse: collapse; margin: .2rem 0 .2rem .5rem; } td { border-top: 1px solid #eaeef2; padding: .2rem .6rem; vertical-align: top; }
td.name { font-family: ui-monospace, monospace; white-space: nowrap; } .resp { margin: .3rem 0; }
@media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } details.op { border-color: #30363d; } td { border-color: #21262d; } .summary, .muted { color: #8b949e; } input { background: #161b22; color: #e6edf3; border: 1px solid #30363d; } }
`;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Keygrade API</title><style>${STYLE}</style></head>
<body><main id="api" aria-live="polite"></main><script>${SCRIPT}</script></body></html>
`;

const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const CSP = `default-src 'none'; script-src ${hash(SCRIPT)}; style-src ${hash(STYLE)}; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function docsRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/api/docs', { config: { permission: 'public' }, schema: { hide: true } }, (_req, reply) =>
      reply.type('text/html; charset=utf-8').header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').send(HTML),
    );
  };
}
