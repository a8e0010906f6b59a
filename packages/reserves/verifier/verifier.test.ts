import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import vm from 'node:vm';
import { canonicalJson } from '@keygrade/tlog';
import { bodyOf, signManifest, toHex, verifyProof, type CheckOutcome, type SignedManifest } from '../src/index.js';
import { clone, PUBLIC, snapshot } from '../src/test-util.js';
import { buildVerifier } from './build.mjs';

const { html } = await buildVerifier();
const script = /<script>([\s\S]*)<\/script>/.exec(html)![1]!;
const style = /<style>([\s\S]*)<\/style>/.exec(html)![1]!;

type Check = (proof: string, manifest: string, options?: { publicKey?: string; previous?: string }) => CheckOutcome;

/** Runs the page's inline script in a fresh context without a DOM and returns its verifier. */
function pageVerifier(): Check {
  const context: Record<string, unknown> = { TextEncoder, TextDecoder, crypto: globalThis.crypto };
  vm.runInNewContext(script, context);
  return (context.keygradePor as { checkProofTexts: Check }).checkProofTexts;
}

const rows: [string, bigint[]][] = Array.from({ length: 25 }, (_, i) => [`customer ${i}`, [BigInt(i) * 12_345n, 10n ** 18n + BigInt(i)]]);
const { tree, manifest } = snapshot(rows);
const proofText = canonicalJson(tree.proofFor('customer 7'));
const manifestText = canonicalJson(manifest);

describe('the static verifier page', () => {
  it('is one self-contained file whose CSP allows only its own inline script and style', () => {
    assert.doesNotMatch(html, /\b(src|href)\s*=/i, 'no external resources');
    assert.doesNotMatch(html, /https?:\/\//, 'no URLs at all');
    const hash = (t: string) => `sha256-${createHash('sha256').update(t).digest('base64')}`;
    assert.ok(html.includes(`default-src 'none'; script-src '${hash(script)}'; style-src '${hash(style)}'`));
  });

  it('builds reproducibly: a second build has the same bytes, so the published SHA-256 can be checked by rebuilding', async () => {
    const again = await buildVerifier();
    assert.equal(again.sha256, createHash('sha256').update(html, 'utf8').digest('hex'));
    assert.equal(again.html, html);
  });

  it('verifies a proof exactly as the package does', () => {
    const check = pageVerifier();
    const o = check(proofText, manifestText, { publicKey: toHex(PUBLIC) });
    assert.equal(o.kind, 'checked');
    const r = (o as Extract<CheckOutcome, { kind: 'checked' }>).result;
    assert.equal(r.valid, true, r.failure?.message);
    assert.deepEqual(JSON.parse(JSON.stringify(r)), JSON.parse(JSON.stringify(verifyProof(JSON.parse(proofText), manifest, { publicKey: PUBLIC }))));
    assert.equal(r.balances[1]!.amount, '1.000000000000000007');
  });

  it('gives the same failure codes as the CLI for the known attacks', () => {
    const check = pageVerifier();
    const code = (p: unknown, m: SignedManifest = manifest, publicKey?: string) => {
      const o = check(JSON.stringify(p), JSON.stringify(m), publicKey ? { publicKey } : {});
      return o.kind === 'checked' ? o.result.failure?.code : `input: ${o.message}`;
    };
    const proof = JSON.parse(proofText) as { balances: string[]; path: { sums: string[] }[]; snapshotId: string };
    const forged = clone(proof);
    forged.path[0]!.sums[0] = String(BigInt(forged.path[0]!.sums[0]!) + 1n);
    assert.equal(code(forged), 'ROOT_MISMATCH');
    const negative = clone(proof);
    negative.balances[0] = '-1';
    assert.equal(code(negative), 'NEGATIVE_VALUE');
    const short = clone(proof);
    short.path.pop();
    assert.equal(code(short), 'PATH_LENGTH');
    const other = clone(proof);
    other.snapshotId = '00'.repeat(32);
    assert.equal(code(other), 'WRONG_SNAPSHOT');
    const edited = clone(manifest);
    edited.assets[0]!.total = '1';
    assert.equal(code(proof, edited), 'BAD_SIGNATURE');
    assert.equal(code(proof, signManifest(bodyOf(manifest), new Uint8Array(32).fill(9)), toHex(PUBLIC)), 'WRONG_KEY');
    assert.match(String(code('not json' as unknown)), /^input: /);
  });

  it('reports unreadable input without throwing', () => {
    const check = pageVerifier();
    assert.equal(check('', manifestText).kind, 'input');
    const o = check('{"scheme":"x"}', manifestText);
    assert.equal(o.kind, 'input');
    assert.ok((o as Extract<CheckOutcome, { kind: 'input' }>).problems.some((p) => p.startsWith('scheme')));
    assert.equal(check(proofText, manifestText, { publicKey: 'zz' }).kind, 'input');
  });

  it('wires the page: typing both texts shows the verdict (minimal DOM stand-in)', () => {
    for (const id of ['proof', 'manifest', 'previous', 'pubkey', 'result', 'version']) assert.match(html, new RegExp(`id="${id}"`));
    assert.equal(html.match(/<label class="drop">[\s\S]*?<textarea id="\w+"[\s\S]*?<input type="file"[^>]*><\/label>/g)?.length, 3, 'each text area sits in a drop zone with a file picker');
    const { document, els } = fakeDom();
    const context: Record<string, unknown> = { TextEncoder, TextDecoder, crypto: globalThis.crypto, document };
    vm.runInNewContext(script, context);
    assert.equal(els.result!.className, 'result pending');
    assert.equal(els.version!.textContent, '0.1.0');
    els.proof!.value = proofText;
    els.manifest!.value = manifestText;
    els.manifest!.fire('input');
    assert.equal(els.result!.className, 'result valid');
    assert.match(els.result!.textContent, /Your account is included[\s\S]*ETH1\.000000000000000007[\s\S]*Accountcustomer 7/);
    els.pubkey!.value = '11'.repeat(32);
    els.pubkey!.fire('input');
    assert.equal(els.result!.className, 'result invalid');
    assert.match(els.result!.textContent, /does NOT verify.*WRONG_KEY/);
  });

  it('runs in a real browser (Chromium via playwright-core)', async (t) => {
    if (!existsSync('/usr/bin/chromium')) return t.skip('Chromium is not installed (/usr/bin/chromium): the page was only checked in node');
    let playwright: { chromium: { launch(o: object): Promise<{ newPage(): Promise<unknown>; close(): Promise<void> }> } };
    try {
      playwright = (await import('playwright-core' as string)) as typeof playwright;
    } catch {
      return t.skip('playwright-core is not installed: the page was only checked in node');
    }
    const browser = await playwright.chromium.launch({ executablePath: '/usr/bin/chromium' });
    try {
      const page = (await browser.newPage()) as { setContent(h: string): Promise<void>; fill(s: string, v: string): Promise<void>; textContent(s: string): Promise<string> };
      await page.setContent(html);
      await page.fill('#proof', proofText);
      await page.fill('#manifest', manifestText);
      assert.match(await page.textContent('#result'), /Your account is included/);
    } finally {
      await browser.close();
    }
  });
});

/** Just enough of the DOM for page.ts: elements by id, element creation, text and events. */
class FakeElement {
  children: FakeElement[] = [];
  text = '';
  className = '';
  value = '';
  parent: FakeElement | undefined;
  private readonly listeners = new Map<string, (() => void)[]>();
  readonly classList = { add: () => undefined, remove: () => undefined };
  constructor(readonly tag: string) {}
  get textContent(): string {
    return this.text + this.children.map((c) => c.textContent).join('');
  }
  set textContent(v: string) {
    this.text = v;
    this.children = [];
  }
  append(...nodes: FakeElement[]): void {
    this.children.push(...nodes);
  }
  replaceChildren(...nodes: FakeElement[]): void {
    this.text = '';
    this.children = nodes;
  }
  addEventListener(type: string, f: () => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), f]);
  }
  fire(type: string): void {
    for (const f of this.listeners.get(type) ?? []) f();
  }
  closest(): FakeElement | undefined {
    return this.parent;
  }
  querySelector(): FakeElement {
    return new FakeElement('input');
  }
}

function fakeDom(): { document: unknown; els: Record<string, FakeElement> } {
  const els: Record<string, FakeElement> = {};
  for (const id of ['proof', 'manifest', 'previous', 'pubkey', 'result', 'version']) {
    els[id] = new FakeElement(id);
    els[id].parent = new FakeElement('label');
  }
  const document = {
    readyState: 'complete',
    getElementById: (id: string) => els[id],
    createElement: (tag: string) => new FakeElement(tag),
    createTextNode: (t: string) => Object.assign(new FakeElement('#text'), { text: t }),
    addEventListener: () => undefined,
  };
  return { document, els };
}
