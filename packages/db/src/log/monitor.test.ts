import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { DbError } from '../errors.js';
import { MasterKey } from '../secrets.js';
import { testBackends, type TestDb } from '../test-databases.js';
import { appendEntries } from './append.js';
import { auditEntry, custodianEntry } from './entries.js';
import { createLog } from './logs.js';
import { Monitor, addRule, listAlerts, outsideHours, parseRule, type Alert, type RuleDefinition } from './monitor.js';

const master = MasterKey.generate();

function hoursRule(input: Record<string, unknown>): Extract<RuleDefinition, { kind: 'outside-hours' }> {
  const d = parseRule(input);
  if (d.kind !== 'outside-hours') throw new Error('not an outside-hours rule');
  return d;
}

test('outside-hours: plain and overnight windows, weekdays and UTC offsets', () => {
  const office = hoursRule({ kind: 'outside-hours', match: { type: 'key-usage' }, from: '08:00', to: '18:00', days: [1, 2, 3, 4, 5] });
  assert.equal(outsideHours(new Date('2026-11-23T09:30:00Z'), office), false, 'Monday 09:30');
  assert.equal(outsideHours(new Date('2026-11-23T18:00:00Z'), office), true, '18:00 is the end, exclusive');
  assert.equal(outsideHours(new Date('2026-11-22T10:00:00Z'), office), true, 'Sunday');
  const night = hoursRule({ kind: 'outside-hours', match: { type: 'x' }, from: '22:00', to: '06:00' });
  assert.equal(outsideHours(new Date('2026-11-23T23:00:00Z'), night), false);
  assert.equal(outsideHours(new Date('2026-11-23T12:00:00Z'), night), true);
  const tokyo = hoursRule({ kind: 'outside-hours', match: { type: 'x' }, from: '09:00', to: '17:00', utcOffsetMinutes: 540 });
  assert.equal(outsideHours(new Date('2026-11-23T01:00:00Z'), tokyo), false, '10:00 in Tokyo');
});

test('property: a window and its complement never both permit a time', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 10_000_000 }), (a, b, minute) => {
      fc.pre(a !== b);
      const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
      const t = new Date(Date.UTC(2026, 0, 1) + minute * 60_000);
      const w = hoursRule({ kind: 'outside-hours', match: { a: 'b' }, from: hh(a), to: hh(b) });
      const c = hoursRule({ kind: 'outside-hours', match: { a: 'b' }, from: hh(b), to: hh(a) });
      assert.equal(outsideHours(t, w), !outsideHours(t, c));
    }),
  );
});

test('invalid rules are refused with field paths', () => {
  assert.throws(
    () => parseRule({ kind: 'burst', match: {}, threshold: 1, windowSeconds: 0 }),
    (e: unknown) => e instanceof DbError && e.problems.some((p) => p.path === 'threshold') && e.problems.some((p) => p.path === 'windowSeconds') && e.problems.some((p) => p.path === 'match'),
  );
  assert.throws(() => parseRule({ kind: 'outside-hours', match: { type: 'x' }, from: '25:00', to: '06:00' }), (e: unknown) => e instanceof DbError && e.problems[0]?.path === 'from');
  assert.throws(() => parseRule({ kind: 'nope' }), DbError);
});

for (const backend of testBackends()) {
  describe(`monitoring on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });

    test('raises burst, off-hours and heartbeat-gap alerts once, from new entries only', async () => {
      const db = await backend.open();
      dbs.push(db);
      const t0 = new Date('2026-11-23T10:00:00Z');
      await createLog(db, master, { name: 'audit', origin: 'keygrade.test/log/audit', kind: 'audit' }, t0);
      await createLog(db, master, { name: 'acme', origin: 'keygrade.test/log/acme', kind: 'custodian' }, t0);
      await addRule(db.kysely, 'audit', 'failed sign-ins', { kind: 'burst', match: { action: 'auth.login', result: 'failed' }, threshold: 3, windowSeconds: 60 }, t0);
      await addRule(db.kysely, 'acme', 'night signing', { kind: 'outside-hours', match: { type: 'key-*' }, from: '08:00', to: '18:00' }, t0);
      await addRule(db.kysely, 'acme', 'heartbeat', { kind: 'heartbeat-gap', match: { type: 'heartbeat' }, maxGapSeconds: 300 }, t0);
      const seen: Alert[] = [];
      const monitor = new Monitor(db.kysely, { notify: (a) => void seen.push(a), now: t0 });
      const login = (s: number, result: 'ok' | 'failed') => auditEntry({ ts: new Date(t0.getTime() + s * 1000).toISOString(), actor: 'user:7', action: 'auth.login', object: 'user:7', requestId: `r${s}`, result });
      await db.kysely.transaction().execute(async (trx) => {
        await appendEntries(trx, 'audit', [login(0, 'failed'), login(10, 'ok'), login(20, 'failed'), login(200, 'failed')], 'x');
        await appendEntries(trx, 'acme', [custodianEntry({ id: 'h1', type: 'heartbeat', ts: '2026-11-23T10:00:00Z' }), custodianEntry({ id: 'k1', type: 'key-usage', ts: '2026-11-23T11:00:00Z' }), custodianEntry({ id: 'k2', type: 'key-usage', ts: '2026-11-23T23:30:00Z' })], 'x');
      });
      assert.equal(await monitor.run(t0), 1, 'only the 23:30 key usage: failures at 0, 20, 200 s are no burst of 3 within 60 s');
      assert.match(seen[0]!.message, /night signing: entry 2 .* outside the permitted hours 08:00-18:00/);
      await db.kysely.transaction().execute((trx) => appendEntries(trx, 'audit', [login(210, 'failed'), login(220, 'failed'), login(230, 'failed')], 'x'));
      assert.equal(await monitor.run(t0), 1, 'a burst of failures');
      assert.match(seen[1]!.message, /failed sign-ins: 3 matching entries within 60 s \(threshold 3\)/);
      assert.equal(seen[1]!.firstIndex, 3);
      assert.equal(await monitor.run(new Date('2026-11-23T23:31:00Z')), 1, 'no heartbeat since 10:00');
      assert.equal(await monitor.run(new Date('2026-11-23T23:32:00Z')), 0, 'the gap alert is raised once');
      const stored = await listAlerts(db.kysely);
      assert.equal(stored.length, 3);
      assert.deepEqual(stored.map((a) => a.log).sort(), ['acme', 'acme', 'audit']);
    });
  });
}
