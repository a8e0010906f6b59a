import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderHtml } from './html.js';
import { wellFormedProblems, workedExampleModel } from './test-fixtures.js';

describe('renderHtml', () => {
  const html = renderHtml(workedExampleModel());

  it('is one self-contained document: no script, no external resource', () => {
    assert.match(html, /^<!doctype html>\n<html lang="en">/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /<link\b/i);
    assert.doesNotMatch(html, /\b(?:src|href|xlink:href|action)\s*=/i);
    assert.doesNotMatch(html, /url\(|@import/i);
    // The only http(s) text is the evidence URL the user wrote, shown as text in the evidence table.
    const urls = html.match(/https?:\/\/[^\s<"]*/g) ?? [];
    assert.deepEqual(urls, ['https://example.org/wallet-policy.pdf']);
    assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
    assert.deepEqual(wellFormedProblems(html, true), []);
  });

  it('escapes user notes (no HTML injection)', () => {
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;'));
    const hostile = renderHtml(workedExampleModel({}, { organization: '<img src=x onerror=alert(1)>', system: '"><svg onload=alert(1)>' }));
    assert.doesNotMatch(hostile, /<img|<svg onload/);
    assert.deepEqual(wellFormedProblems(hostile, true), []);
  });

  it('has the summary, the figures, the narrative, the gaps, the evidence and the disclaimer', () => {
    assert.match(html, /System level: Level I/);
    assert.match(html, /Incomplete: 2 of 81 requirements not assessed\./);
    assert.match(html, /<td>Not assessed<\/td><td class="num">2<\/td>/);
    assert.match(html, /<svg class="kg-scorecard" role="img"/);
    assert.match(html, /<svg class="kg-level-chart" role="img"/);
    assert.match(html, /<article id="aspect-1\.01">/);
    assert.match(html, /Covers how the cryptographic keys and seeds/);
    assert.match(html, /<em>Justification:<\/em> No keyholder role exists for \| this system/);
    assert.match(html, /<h2>Gaps to Level II<\/h2>/);
    assert.match(html, /<code>1\.1\.1\.L2<\/code><\/td><td>II<\/td>/);
    assert.match(html, /<h2>Evidence index<\/h2>/);
    assert.match(html, /evidence\/key ceremony\.pdf/);
    assert.match(html, /not a CCSS certification/);
    assert.match(html, /<time datetime="2026-11-22T10:00:00\.000Z">2026-11-22 10:00 UTC<\/time>/);
  });

  it('shows evidence check results', () => {
    const model = workedExampleModel({ evidence: [{ key: '1.1.1.L1', ref: 'a.pdf', sha256: 'a'.repeat(64), state: 'mismatch', actual: 'b'.repeat(64) }] });
    const out = renderHtml(model);
    assert.match(out, /class="state-mismatch">MISMATCH</);
    assert.match(out, /≠ b{64}/);
  });

  it('speaks Chinese with lang="zh-CN"', () => {
    const zh = renderHtml(workedExampleModel({ lang: 'zh-CN' }));
    assert.match(zh, /<html lang="zh-CN">/);
    assert.match(zh, /系统等级: I 级/);
    assert.match(zh, /密钥\/种子生成/);
  });
});
