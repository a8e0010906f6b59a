/**
 * The static verifier page: wires the DOM to `checkProofTexts` (the same parsers and checks as
 * `keygrade por verify-proof`). Untrusted text is only ever shown through textContent.
 * Bundled with esbuild into one inline script by build.mjs.
 */
import { checkProofTexts, type CheckOutcome } from '../src/check.js';

declare const KEYGRADE_VERSION: string;

(globalThis as unknown as { keygradePor: unknown }).keygradePor = { checkProofTexts, version: KEYGRADE_VERSION };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function byId<T extends HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

function render(out: HTMLElement, o: CheckOutcome, keyGiven: boolean): void {
  out.replaceChildren();
  if (o.kind === 'input') {
    out.className = 'result pending';
    out.append(el('h2', 'Not checked yet'), el('p', o.message));
    if (o.problems.length > 0) {
      const ul = el('ul');
      for (const p of o.problems) ul.append(el('li', p));
      out.append(ul);
    }
    return;
  }
  const r = o.result;
  out.className = r.valid ? 'result valid' : 'result invalid';
  out.append(el('h2', r.valid ? '✔ Your account is included in this snapshot' : '✘ This proof does NOT verify'));
  if (!r.valid) {
    const p = el('p');
    p.append(el('code', r.failure!.code), document.createTextNode(` ${r.failure!.message}`));
    out.append(p);
  }
  const table = el('table');
  const head = el('tr');
  head.append(el('th', 'Asset'), el('th', 'Your balance'));
  table.append(head);
  for (const b of r.balances) {
    const tr = el('tr');
    tr.append(el('td', b.symbol), el('td', b.amount, 'num'));
    table.append(tr);
  }
  const dl = el('dl');
  const row = (k: string, v: string): void => {
    dl.append(el('dt', k), el('dd', v));
  };
  row('Account', r.account);
  row('Snapshot', `${r.time}${r.label ? ` — ${r.label}` : ''} (id ${r.snapshotId.slice(0, 16)}…)`);
  row('Signed by', r.signers.length === 0 ? 'no valid signature' : `${r.signers.map((s) => s.fingerprint).join(', ')} ${keyGiven ? '(the key you entered)' : '— compare with the key the exchange published, or enter it below'}`);
  row('Chain', r.chain === 'verified' ? 'follows the previous manifest you gave' : r.chain === 'first' ? 'first snapshot of its chain' : 'not checked (add the previous manifest below)');
  row('Manifest hash', r.manifestHash);
  out.append(table, dl);
}

function wire(): void {
  const proof = byId<HTMLTextAreaElement>('proof');
  const manifest = byId<HTMLTextAreaElement>('manifest');
  const previous = byId<HTMLTextAreaElement>('previous');
  const pubkey = byId<HTMLInputElement>('pubkey');
  const out = byId<HTMLElement>('result');
  const run = (): void => {
    try {
      render(out, checkProofTexts(proof.value, manifest.value, { publicKey: pubkey.value, previous: previous.value }), pubkey.value.trim() !== '');
    } catch (e) {
      out.className = 'result invalid';
      out.replaceChildren(el('h2', 'Unexpected error'), el('p', String(e)));
    }
  };
  for (const area of [proof, manifest, previous]) {
    area.addEventListener('input', run);
    const zone = area.closest('.drop') as HTMLElement;
    zone.addEventListener('dragover', (e) => {
      e.preventDefault();
      zone.classList.add('over');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', (e) => {
      e.preventDefault();
      zone.classList.remove('over');
      const file = e.dataTransfer?.files[0];
      if (file) void file.text().then((t) => ((area.value = t), run()));
    });
    const picker = zone.querySelector('input[type=file]') as HTMLInputElement;
    picker.addEventListener('change', () => {
      const file = picker.files?.[0];
      if (file) void file.text().then((t) => ((area.value = t), run()));
    });
  }
  pubkey.addEventListener('input', run);
  byId<HTMLElement>('version').textContent = KEYGRADE_VERSION;
  run();
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire);
  else wire();
}
