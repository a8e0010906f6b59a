import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bindingMessage, bindingProblem, parseBinding } from './message.js';
import { parseUtxoSnapshot } from './utxos.js';

const HASH = 'ab'.repeat(32);
const T1 = '11'.repeat(32);
const T2 = '22'.repeat(32);

function fails(text: string, pattern: RegExp): void {
  assert.throws(() => parseUtxoSnapshot(text, 'u.csv'), (e: Error & { code?: string }) => e.code === 'ASSETS_BAD_SNAPSHOT' && pattern.test(e.message));
}

describe('UTXO snapshot files', () => {
  it('reads CSV (columns in any order) and NDJSON', () => {
    const c = parseUtxoSnapshot(`# height=100 blockhash=${HASH}\nheight,script_pubkey,amount,outpoint\n99,0014${'00'.repeat(20)},5000,${T1}:1\r\n\n`, 'u.csv');
    assert.equal(c.height, 100);
    assert.equal(c.byOutpoint.get(`${T1}:1`)?.amount, 5000n);
    const n = parseUtxoSnapshot(`{"height":100,"blockhash":"${HASH.toUpperCase()}"}\n{"outpoint":"${T1.toUpperCase()}:0","amount":"7","scriptPubKey":"51","height":3}\n{"outpoint":"${T2}:0","amount":8,"script_pubkey":"51","height":4,"address":"x"}\n`, 'u.ndjson');
    assert.equal(n.blockHash, HASH);
    assert.deepEqual(n.byScript.get('51')?.map((u) => u.amount), [7n, 8n]);
  });

  it('keeps only the rows a filter wants', () => {
    const s = parseUtxoSnapshot(`# height=1 blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${T1}:0,1,51,1\n${T2}:0,2,52,1\n`, 'u.csv', (o) => o.startsWith('22'));
    assert.deepEqual([...s.byOutpoint.keys()], [`${T2}:0`]);
    assert.equal(s.rows, 2);
  });

  it('names the line and field of every malformed input', () => {
    fails('', /empty/);
    fails('outpoint,amount\n', /u\.csv:1: the first line/);
    fails(`# height=x blockhash=${HASH}\n`, /u\.csv:1: height/);
    fails(`# height=1 blockhash=${HASH}\noutpoint,amount,script_pubkey,color\n`, /u\.csv:2: unknown column "color"/);
    fails(`# height=1 blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${T1},1,51,1\n`, /u\.csv:3: outpoint/);
    fails(`# height=1 blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${T1}:0,1,5,1\n`, /u\.csv:3: script_pubkey/);
    fails(`# height=1 blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${T1}:0,1,51,1\n${T1}:0,1,51,1\n`, /u\.csv:4: outpoint .* already listed on line 3/);
    fails(`# height=1 blockhash=${HASH}\noutpoint,amount,script_pubkey,height\n${T1}:0,1,51\n`, /u\.csv:3: 3 fields, expected 4/);
    fails(`{"height":1,"blockhash":"${HASH}"}\n{"outpoint":"${T1}:0","amount":1.5,"scriptPubKey":"51","height":1}\n`, /u\.csv:2: amount/);
  });
});

describe('the binding message', () => {
  const b = { snapshotId: 'aa'.repeat(32), root: 'bb'.repeat(32), height: 850000 };
  it('has one exact form and reads back', () => {
    assert.equal(bindingMessage(b), `keygrade-por-v1 snapshot=${'aa'.repeat(32)} root=${'bb'.repeat(32)} height=850000`);
    assert.deepEqual(parseBinding(bindingMessage(b)), b);
    assert.equal(parseBinding(`${bindingMessage(b)}\n`), undefined);
  });
  it('names the field that differs', () => {
    assert.equal(bindingProblem(bindingMessage(b), b), undefined);
    assert.match(bindingProblem(bindingMessage({ ...b, snapshotId: 'cc'.repeat(32) }), b)!, /snapshot/);
    assert.match(bindingProblem(bindingMessage({ ...b, root: 'cc'.repeat(32) }), b)!, /root/);
    assert.match(bindingProblem(bindingMessage({ ...b, height: 1 }), b)!, /height 1/);
    assert.match(bindingProblem('hello', b)!, /not a Keygrade binding message/);
  });
});
