import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { keygrade } from './test/harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('examples/ score as documented in examples/README.md', () => {
  it('the 2020 exchange reproduces the standard\'s Level I illustration', async () => {
    const r = await keygrade(['score', 'examples/acme-exchange/assessment.yaml', '--json'], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout) as { systemLevel: number; complete: boolean; aspects: { id: string; level: number }[] };
    assert.deepEqual(Object.fromEntries(s.aspects.map((a) => [a.id, a.level])), { '1.01': 1, '1.02': 3, '1.03': 1, '1.04': 2, '1.05': 2, '1.06': 3, '2.01': 1, '2.02': 3, '2.03': 1, '2.04': 2 });
    assert.equal(s.systemLevel, 1);
    assert.equal(s.complete, true);
  });
  it('every example evidence file matches its recorded SHA-256', async () => {
    const r = await keygrade(['report', 'examples/acme-exchange/assessment.yaml', '--format', 'json', '--strict'], { cwd: root });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
  for (const [file, level] of [['examples/ccss-2021/acme-exchange.yaml', 1], ['examples/ccss-v9/acme-exchange.yaml', 0]] as const) {
    it(`${file} is complete at system level ${level}`, async () => {
      const r = await keygrade(['score', file, '--json'], { cwd: root });
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout) as { systemLevel: number; complete: boolean };
      assert.deepEqual([s.systemLevel, s.complete], [level, true]);
    });
  }
  it('examples/compliance/registers.yaml holds every register kind and validates', async () => {
    const r = await keygrade(['registers', 'validate', 'examples/compliance/registers.yaml', '--json'], { cwd: root });
    assert.equal(r.code, 0, r.stdout);
    const v = JSON.parse(r.stdout) as { files: { registers: Record<string, number>; warnings: unknown[] }[] };
    assert.deepEqual(v.files[0]!.warnings, [], 'every name the registers use resolves');
    const counts = v.files[0]!.registers;
    assert.deepEqual(Object.keys(counts).sort(), ['drills', 'grantRevoke', 'kcpProtocols', 'people', 'policies', 'providers', 'sanitization', 'securityTests']);
    assert.ok(Object.values(counts).every((n) => n > 0), JSON.stringify(counts));
  });
  it('v9: the only Level I gap is operator background checks (1.05.5.1)', async () => {
    const r = await keygrade(['gaps', 'examples/ccss-v9/acme-exchange.yaml', '--target', '1', '--json'], { cwd: root });
    const g = JSON.parse(r.stdout) as { aspects: { requirements: { id: string }[] }[] };
    assert.deepEqual(g.aspects.flatMap((a) => a.requirements.map((q) => q.id)), ['1.05.5.1']);
  });
});
