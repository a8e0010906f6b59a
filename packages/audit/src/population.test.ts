import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditError, type AuditErrorCode } from './errors.js';
import { buildPopulation, parsePopulation } from './population.js';

const period = { start: '2026-01-01', end: '2026-12-31' };
const fails = (code: AuditErrorCode, message?: RegExp) => (e: unknown) => e instanceof AuditError && e.code === code && (message === undefined || message.test(e.message));

describe('parsePopulation', () => {
  it('reads ids, dates and keeps the other columns, in canonical order', () => {
    const csv = '\ufeffItem ID,Approver,Date,Note\r\nCHG-2,"Lee, Ann",2026-03-02T10:15:00Z,"said ""ok"""\r\nCHG-1,Bo,2026-03-02,"two\nlines"\r\nCHG-0,Cy,2026-01-05 08:00,\r\n\r\n';
    const p = parsePopulation(csv, { period, file: 'changes.csv' });
    assert.deepEqual(p.items.map((i) => [i.id, i.date, i.line]), [['CHG-0', '2026-01-05', 5], ['CHG-1', '2026-03-02', 3], ['CHG-2', '2026-03-02', 2]]);
    assert.deepEqual(p.items[2]!.extra, { Approver: 'Lee, Ann', Note: 'said "ok"' });
    assert.equal(p.items[1]!.extra.Note, 'two\nlines');
    assert.deepEqual(p.extraColumns, ['Approver', 'Note']);
    assert.match(p.digest, /^[0-9a-f]{64}$/);
  });
  it('the digest and order do not depend on the order of the rows', () => {
    const a = parsePopulation('id,date\nA,2026-02-01\nB,2026-01-01\nC,2026-01-01\n');
    const b = parsePopulation('date,id,x\n2026-01-01,C,1\n2026-02-01,A,2\n2026-01-01,B,3\n');
    assert.equal(a.digest, b.digest);
    assert.deepEqual(a.items.map((i) => i.id), ['B', 'C', 'A']);
    assert.notEqual(a.digest, parsePopulation('id,date\nA,2026-02-02\nB,2026-01-01\nC,2026-01-01\n').digest);
  });
  it('refuses duplicate ids, naming both lines', () => {
    assert.throws(() => parsePopulation('id,date\nA,2026-01-01\nB,2026-01-02\nA,2026-01-03\n', { file: 'p.csv' }), fails('AUDIT_POPULATION_INVALID', /^p\.csv:4: duplicate item id "A" \(first on line 2\)$/));
  });
  it('refuses dates outside the period and malformed dates, naming the line', () => {
    assert.throws(() => parsePopulation('id,date\nA,2026-01-01\nB,2027-01-01\n', { period, file: 'p.csv' }), fails('AUDIT_POPULATION_INVALID', /^p\.csv:3: 2027-01-01 is outside the audit period 2026-01-01 to 2026-12-31$/));
    assert.throws(() => parsePopulation('id,date\nA,2025-12-31\n', { period }), fails('AUDIT_POPULATION_INVALID', /^2: 2025-12-31 is outside/));
    assert.throws(() => parsePopulation('id,date\nA,31/01/2026\n', { file: 'p.csv' }), fails('AUDIT_POPULATION_INVALID', /^p\.csv:2: not a date/));
    assert.throws(() => parsePopulation('id,date\nA,2026-02-30\n'), fails('AUDIT_POPULATION_INVALID'));
  });
  it('refuses malformed rows, reporting every problem with its line', () => {
    try {
      parsePopulation('id,date\nA,2026-01-01,extra\nB\n,2026-01-02\nC,2026-01-03\n', { file: 'p.csv' });
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof AuditError);
      assert.equal(e.code, 'AUDIT_POPULATION_INVALID');
      assert.deepEqual(e.problems.map((p) => p.line), [2, 3, 4]);
      assert.match(e.message, /^p\.csv:2: expected 2 fields \(id, date\), found 3 \(and 2 more problems\)$/);
      assert.ok(e.problems.every((p) => p.file === 'p.csv'));
    }
  });
  it('refuses CSV syntax errors naming the line', () => {
    assert.throws(() => parsePopulation('id,date\nA,2026-01-01\n"B,2026-01-02\n', { file: 'p.csv' }), fails('AUDIT_POPULATION_PARSE', /^p\.csv:3: a quoted field is never closed$/));
    assert.throws(() => parsePopulation('id,date\nA"x,2026-01-01\n'), fails('AUDIT_POPULATION_PARSE', /^2: a quote inside an unquoted field/));
    assert.throws(() => parsePopulation('id,date\n"A"x,2026-01-01\n'), fails('AUDIT_POPULATION_PARSE', /^2: unexpected text after a closing quote/));
  });
  it('refuses a missing header column, a repeated column and an empty population', () => {
    assert.throws(() => parsePopulation('ref,when\nA,2026-01-01\n', { file: 'p.csv' }), fails('AUDIT_POPULATION_PARSE', /^p\.csv:1: the header row needs an id column/));
    assert.throws(() => parsePopulation('id,date,Date\nA,2026-01-01,x\n'), fails('AUDIT_POPULATION_PARSE', /"date" appears twice/));
    assert.throws(() => parsePopulation('id,date\n\n', { file: 'p.csv' }), fails('AUDIT_POPULATION_EMPTY', /^p\.csv: the population has no item/));
    assert.throws(() => parsePopulation(''), fails('AUDIT_POPULATION_EMPTY', /file is empty/));
    assert.throws(() => buildPopulation([]), fails('AUDIT_POPULATION_EMPTY'));
  });
});
