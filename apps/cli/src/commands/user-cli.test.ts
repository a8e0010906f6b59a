import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { createUser, recordLoginFailure } from '@keygrade/db';
import { postgresSkipNote, testBackends, type TestDb } from '@keygrade/db/testing';
import { keygrade, tempDir } from '../test/harness.js';

const note = postgresSkipNote();
if (note) test(note, { skip: note }, () => undefined);
const at = new Date('2026-11-22T10:00:00Z');

for (const backend of testBackends()) {
  describe(`keygrade user on ${backend.name}`, () => {
    const dbs: TestDb[] = [];
    after(async () => {
      for (const d of dbs) await d.close();
    });

    test('user list shows accounts and lockouts; user unlock lifts a lockout and is audited', async () => {
      const db = await backend.open();
      dbs.push(db);
      const cwd = tempDir();
      const env = { KEYGRADE_MASTER_KEY: randomBytes(32).toString('hex') };
      const hash = '$scrypt$ln=15,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
      const ada = await createUser(db.kysely, db.dialect, { email: 'ada@example.com', password: '', name: 'Ada', passwordHash: hash }, at);
      await createUser(db.kysely, db.dialect, { email: 'bob@example.com', password: '', name: 'Bob', passwordHash: hash }, at);
      for (let i = 0; i < 5; i++) await recordLoginFailure(db.kysely, ada.id, at);
      const list = await keygrade(['user', 'list', '--db', db.url, '--json'], { cwd, env });
      assert.equal(list.code, 0, list.stderr);
      const users = (JSON.parse(list.stdout) as { users: { email: string; isAdmin: boolean; lockedUntil: string | null }[] }).users;
      assert.deepEqual(users.map((u) => [u.email, u.isAdmin, u.lockedUntil]), [['ada@example.com', true, '2026-11-22T10:15:00.000Z'], ['bob@example.com', false, null]]);
      assert.ok(!list.stdout.includes('scrypt'), 'no password hashes');
      const unlock = await keygrade(['user', 'unlock', 'ADA@example.com', '--db', db.url], { cwd, env });
      assert.equal(unlock.code, 0, unlock.stderr);
      assert.match(unlock.stdout, /unlocked/);
      const again = JSON.parse((await keygrade(['user', 'list', '--db', db.url, '--json'], { cwd, env })).stdout) as { users: { lockedUntil: string | null }[] };
      assert.equal(again.users[0]!.lockedUntil, null);
      const audit = await db.kysely.selectFrom('log_entry').select('type').where('log', '=', 'keygrade-audit').execute();
      assert.deepEqual(audit.map((a) => a.type), ['user.unlock']);
      const unknown = await keygrade(['user', 'unlock', 'nobody@example.com', '--db', db.url], { cwd, env });
      assert.equal(unknown.code, 2);
    });
  });
}
