import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { keygrade, tempDir, write } from '../test/harness.js';

const SEED = 'a1'.repeat(32);

/** A population of n changes, one every 3 days from 2026-01-01. */
function changes(n: number, reverse = false): string {
  const rows = Array.from({ length: n }, (_, i) => {
    const d = new Date(Date.UTC(2026, 0, 1 + i * 3)).toISOString().slice(0, 10);
    return `CHG-${String(i + 1).padStart(3, '0')},${d},owner-${i % 4}`;
  });
  if (reverse) rows.reverse();
  return `id,date,owner\n${rows.join('\n')}\n`;
}
const idsOf = (stdout: string) => stdout.split('\n').filter((l) => /^ {2}CHG-/.test(l)).map((l) => l.trim().split(/\s+/)[0]);

describe('keygrade audit sample', () => {
  it('has help with examples', async () => {
    const r = await keygrade(['audit', 'sample', '--help'], { cwd: tempDir() });
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Examples:\n {2}\$ keygrade audit sample/);
    assert.match(r.stdout, /--frequency <frequency>.*one of: annual, quarterly, monthly, weekly, daily, multiple-times-a-day, occurrence/);
  });
  it('prints the size, the seed and the items; the same seed gives the same sample whatever the row order', async () => {
    const dir = tempDir();
    write(dir, 'a.csv', changes(60));
    write(dir, 'b.csv', changes(60, true));
    const a = await keygrade(['audit', 'sample', '--population', 'a.csv', '--frequency', 'occurrence', '--risk', 'low', '--seed', SEED], { cwd: dir });
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /Table: 51–100 occurrences, low risk: 20 \(CCSS auditor guide 2021\)/);
    assert.match(a.stdout, /Sample size: 20\n/);
    assert.match(a.stdout, new RegExp(`Seed: ${SEED}\n`));
    assert.equal(idsOf(a.stdout).length, 20);
    const b = await keygrade(['audit', 'sample', '--population', 'b.csv', '--frequency', 'occurrence', '--risk', 'low', '--seed', SEED], { cwd: dir });
    assert.deepEqual(idsOf(b.stdout), idsOf(a.stdout));
  });
  it('generates and prints a 32-byte seed when none is given, which reproduces the sample', async () => {
    const dir = tempDir();
    write(dir, 'p.csv', changes(30));
    const a = await keygrade(['audit', 'sample', '--population', 'p.csv', '--frequency', 'weekly', '--risk', 'high', '--method', 'systematic'], { cwd: dir });
    assert.equal(a.code, 0, a.stderr);
    const seed = /Seed: ([0-9a-f]{64}) \(generated/.exec(a.stdout)?.[1];
    assert.ok(seed, a.stdout);
    assert.match(a.stdout, /Method: systematic \(interval 2, start /);
    const b = await keygrade(['audit', 'sample', '--population', 'p.csv', '--frequency', 'weekly', '--risk', 'high', '--method', 'systematic', '--seed', seed], { cwd: dir });
    assert.deepEqual(idsOf(b.stdout), idsOf(a.stdout));
    assert.equal(idsOf(b.stdout).length, 15);
  });
  it('--json prints the sample record', async () => {
    const dir = tempDir();
    write(dir, 'p.csv', changes(12));
    const r = await keygrade(['audit', 'sample', '--population', 'p.csv', '--frequency', 'monthly', '--risk', 'high', '--seed', SEED, '--period', '2026-01-01/2026-12-31', '--json'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { format: string; seed: string; seedGenerated: boolean; size: { size: number; tableSize: number }; items: { id: string }[]; population: { size: number; digest: string } };
    assert.equal(j.format, 'keygrade/audit-sample/v1');
    assert.equal(j.seed, SEED);
    assert.equal(j.seedGenerated, false);
    assert.deepEqual([j.size.tableSize, j.size.size, j.items.length, j.population.size], [6, 6, 6, 12]);
  });
  it('an override needs a rationale; with one it is printed', async () => {
    const dir = tempDir();
    write(dir, 'p.csv', changes(150));
    const args = ['audit', 'sample', '--population', 'p.csv', '--frequency', 'occurrence', '--risk', 'high', '--seed', SEED];
    const judgement = await keygrade(args, { cwd: dir });
    assert.equal(judgement.code, 2);
    assert.match(judgement.stderr, /left to auditor judgement/);
    const noWhy = await keygrade([...args, '--size', '45'], { cwd: dir });
    assert.equal(noWhy.code, 2);
    assert.match(noWhy.stderr, /needs a rationale/);
    const ok = await keygrade([...args, '--size', '45', '--rationale', 'high risk: 1.5 × the low-risk size'], { cwd: dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /Sample size: 45 — override: high risk: 1\.5 × the low-risk size/);
    const whyOnly = await keygrade([...args, '--rationale', 'because'], { cwd: dir });
    assert.equal(whyOnly.code, 2);
  });
  it('refuses a bad population with exit 2, naming file:line', async () => {
    const dir = tempDir();
    write(dir, 'dup.csv', 'id,date\nA,2026-01-01\nB,2026-01-02\nA,2026-01-03\n');
    const dup = await keygrade(['audit', 'sample', '--population', 'dup.csv', '--frequency', 'quarterly', '--risk', 'low'], { cwd: dir });
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /dup\.csv:4: duplicate item id "A" \(first on line 2\)/);
    write(dir, 'late.csv', 'id,date\nA,2026-01-01\nB,2027-01-02\n');
    const late = await keygrade(['audit', 'sample', '--population', 'late.csv', '--frequency', 'quarterly', '--risk', 'low', '--period', '2026-01-01/2026-12-31'], { cwd: dir });
    assert.equal(late.code, 2);
    assert.match(late.stderr, /late\.csv:3: 2027-01-02 is outside the audit period/);
    write(dir, 'empty.csv', 'id,date\n');
    const empty = await keygrade(['audit', 'sample', '--population', 'empty.csv', '--frequency', 'quarterly', '--risk', 'low'], { cwd: dir });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /empty\.csv: the population has no item/);
    const missing = await keygrade(['audit', 'sample', '--population', 'nope.csv', '--frequency', 'quarterly', '--risk', 'low'], { cwd: dir });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read nope\.csv: no such file/);
  });
  it('refuses bad options with exit 2', async () => {
    const dir = tempDir();
    write(dir, 'p.csv', changes(5));
    const base = ['audit', 'sample', '--population', 'p.csv', '--risk', 'low'];
    for (const [extra, message] of [
      [[], /--frequency is required/],
      [['--frequency', 'hourly'], /--frequency must be one of/],
      [['--frequency', 'daily', '--seed', 'abcd'], /seed must be 32 to 1024 bytes/],
      [['--frequency', 'daily', '--period', '2026-12-31/2026-01-01'], /--period ends/],
      [['--frequency', 'daily', '--size', 'two', '--rationale', 'x'], /--size must be a whole number/],
    ] as [string[], RegExp][]) {
      const r = await keygrade([...base, ...extra], { cwd: dir });
      assert.equal(r.code, 2, extra.join(' '));
      assert.match(r.stderr, message);
    }
  });
});
