import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { aperiodicTemplates, isAperiodic, stsTemplates, templateToString } from './templates.js';

// Number of aperiodic (unbordered) binary words of length m = 2 … 21 (OEIS A003000), as in
// sts-2.1.2's numOfTemplates table.
const COUNTS = [2, 4, 6, 12, 20, 40, 74, 148, 284, 568, 1116, 2232, 4424, 8848, 17622, 35244, 70340, 140680, 281076, 562152];

const file = process.env.KEYGRADE_VECTORS_DIR ? join(process.env.KEYGRADE_VECTORS_DIR, 'sp800-22', 'template9') : undefined;

describe('aperiodic templates', () => {
  it('counts match sts-2.1.2 for m = 2 … 16', () => {
    for (let m = 2; m <= 16; m++) assert.equal(aperiodicTemplates(m).length, COUNTS[m - 2], `m = ${m}`);
  });
  it('m = 9: 148 templates from 000000001 to 111111110', () => {
    const t = stsTemplates(9).map((v) => templateToString(v, 9));
    assert.equal(t.length, 148);
    assert.equal(t[0], '000000001');
    assert.equal(t[73], '011111111');
    assert.equal(t[74], '100000000');
    assert.equal(t[147], '111111110');
  });
  it('a template with a border is periodic', () => {
    assert.equal(isAperiodic(0b000100001, 9), false); // "0001" is prefix and suffix
    assert.equal(isAperiodic(0b000100011, 9), true);
  });
  it('sts-2.1.2 takes every k-th template beyond 148: m = 10 the first 148, m = 11 every third', () => {
    assert.deepEqual(stsTemplates(10), aperiodicTemplates(10).slice(0, 148));
    const all11 = aperiodicTemplates(11);
    assert.deepEqual(stsTemplates(11), Array.from({ length: 148 }, (_, j) => all11[3 * j]));
  });
  it('m = 9 equals the sts-2.1.2 template file line by line', { skip: file && existsSync(file) ? false : 'KEYGRADE_VECTORS_DIR not set: skipping the template9 file check' }, () => {
    const lines = readFileSync(file!, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).join(''));
    assert.deepEqual(lines, stsTemplates(9).map((v) => templateToString(v, 9)));
  });
});
