import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesEqual, toHex, utf8 } from '../bytes.js';
import { chain, createPendingTimestampFile, OfflineCalendar, submitToCalendars, upgradeTimestampFile, type Calendar } from './calendar.js';
import { HeadersFileSource } from './headers.js';
import { mineBlockCommittingTo } from './regtest.js';
import { parseTimestampFile, serializeTimestampFile, type Timestamp } from './timestamp.js';
import { verifyTimestampFile } from './verify.js';

const digest = sha256(utf8('a checkpoint'));
const nonce = new Uint8Array(16).fill(7);
const URI = 'https://cal.example';

/** An in-memory calendar: aggregates nothing, anchors each commitment in its own synthetic block on request. */
class FakeCalendar implements Calendar {
  readonly uri = URI;
  readonly pending = new Map<string, Uint8Array>();
  readonly blocks: { height: number; header: Uint8Array }[] = [];
  private readonly calNonce = new Uint8Array(8).fill(3);

  async submit(commitment: Uint8Array): Promise<Timestamp> {
    const inner = sha256(Uint8Array.of(...commitment, ...this.calNonce));
    this.pending.set(toHex(inner), inner);
    return chain([{ kind: 'append', arg: this.calNonce }, { kind: 'sha256' }], [{ kind: 'pending', uri: this.uri }]);
  }

  async upgrade(commitment: Uint8Array): Promise<Timestamp | undefined> {
    if (!this.pending.has(toHex(commitment))) return undefined;
    const block = mineBlockCommittingTo(commitment, 200 + this.blocks.length, 1_900_000_000);
    this.blocks.push(block);
    return chain(block.path, [{ kind: 'bitcoin', height: block.height }]);
  }
}

describe('stamping and upgrading through the calendar interface', () => {
  it('creates a pending .ots for a digest, reported as pending', async () => {
    const f = createPendingTimestampFile(digest, { nonce, calendars: [URI, 'https://b.example'] });
    const back = parseTimestampFile(serializeTimestampFile(f));
    assert.ok(bytesEqual(back.digest, digest));
    const v = await verifyTimestampFile(back, HeadersFileSource.parse('{}'));
    assert.equal(v.result, 'pending');
    assert.deepEqual(v.attestations.map((a) => a.commitment), [toHex(sha256(Uint8Array.of(...digest, ...nonce))), toHex(sha256(Uint8Array.of(...digest, ...nonce)))]);
  });
  it('the offline calendar says "no network" and leaves the proof as it was', async () => {
    const f = createPendingTimestampFile(digest, { nonce, calendars: [URI] });
    const s = await submitToCalendars(f, [new OfflineCalendar(URI)]);
    assert.deepEqual(s.outcomes.map((o) => o.status), ['unavailable']);
    assert.match(s.outcomes[0]!.message!, /no network/);
    assert.deepEqual(serializeTimestampFile(s.file), serializeTimestampFile(f));
    const u = await upgradeTimestampFile(f, []);
    assert.deepEqual(u.outcomes.map((o) => o.status), ['no-calendar']);
  });
  it('submit, then upgrade to a Bitcoin attestation that verifies', async () => {
    const cal = new FakeCalendar();
    const f = createPendingTimestampFile(digest, { nonce, calendars: [URI] });
    const submitted = await submitToCalendars(f, [cal]);
    assert.deepEqual(submitted.outcomes.map((o) => o.status), ['submitted']);
    const upgraded = await upgradeTimestampFile(parseTimestampFile(serializeTimestampFile(submitted.file)), [cal]);
    assert.deepEqual(upgraded.outcomes.map((o) => o.status), ['upgraded']);
    const headers = HeadersFileSource.parse(JSON.stringify(Object.fromEntries(cal.blocks.map((b) => [b.height, toHex(b.header)]))));
    const v = await verifyTimestampFile(parseTimestampFile(serializeTimestampFile(upgraded.file)), headers, { digest, network: 'regtest' });
    assert.equal(v.result, 'verified', v.failure?.message);
    const again = await upgradeTimestampFile(upgraded.file, [cal]);
    assert.deepEqual(again.outcomes, [], 'nothing pending any more');
  });
});
