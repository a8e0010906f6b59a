import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ComplianceError } from '../errors.js';
import { REGISTER_KINDS } from '../registers.js';
import { entriesArb, registersArb, v9Registers } from '../test-fixtures.js';
import { readCsv, writeCsv } from './csv-text.js';
import { csvColumns, registerFromCsv, registerToCsv } from './csv.js';
import { registerFromYaml, registersFromYaml, registersToYaml, registerToYaml } from './yaml.js';

describe('CSV text', () => {
  it('quotes what needs quoting and reads it back, line numbers included', () => {
    const rows = [['a', 'b,c', 'say "hi"'], ['multi\nline', ' padded ', '']];
    const text = writeCsv(rows);
    assert.equal(text, 'a,"b,c","say ""hi"""\r\n"multi\nline"," padded ",\r\n');
    assert.deepEqual(readCsv(text), { rows: [{ line: 1, cells: rows[0] }, { line: 2, cells: rows[1] }], problems: [] });
    assert.deepEqual(readCsv('\ufeffx,y\n\n1,2').rows, [{ line: 1, cells: ['x', 'y'] }, { line: 3, cells: ['1', '2'] }]);
    assert.deepEqual(readCsv('a,"open\nb').problems, [{ line: 1, column: 3, message: 'a quoted field is never closed' }]);
    assert.match(readCsv('a,b"c\n').problems[0]!.message, /a quote inside an unquoted field/);
    // Formula injection: what a spreadsheet would run gets an apostrophe; import removes exactly one.
    assert.equal(writeCsv([['=HYPERLINK("http://x")', '+1', '-2', '@SUM(A1)', "'=kept", 'ok']]), `"'=HYPERLINK(""http://x"")",'+1,'-2,'@SUM(A1),''=kept,ok\r\n`);
    assert.deepEqual(readCsv(writeCsv([['=1+1', "'=x", "'plain"]])).rows[0]!.cells, ['=1+1', "'=x", "'plain"]);
    fc.assert(fc.property(fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 4 }), { maxLength: 5 }), (data) => {
      assert.deepEqual(readCsv(writeCsv(data)).rows.map((r) => r.cells), data);
    }));
  });
});

describe('register CSV and YAML round trips (property tests)', () => {
  for (const kind of REGISTER_KINDS) {
    it(`${kind}: CSV export then import gives back the same entries`, () => {
      fc.assert(fc.property(entriesArb(kind), (entries) => assert.deepEqual(registerFromCsv(kind, registerToCsv(kind, entries)), entries)), { numRuns: 80 });
    });
    it(`${kind}: YAML export then import gives back the same entries`, () => {
      fc.assert(fc.property(entriesArb(kind), (entries) => assert.deepEqual(registerFromYaml(registerToYaml(kind, entries)), { kind, entries })), { numRuns: 80 });
    });
  }
  it('all registers in one YAML file', () => {
    fc.assert(fc.property(registersArb, (registers) => assert.deepEqual(registersFromYaml(registersToYaml(registers)), { ...registers })), { numRuns: 30 });
    assert.deepEqual(registersFromYaml(registersToYaml(v9Registers())), v9Registers());
  });
});

describe('register CSV format', () => {
  it('flattens objects, joins word lists and keeps record lists as JSON', () => {
    const columns = csvColumns('securityTests');
    assert.deepEqual(
      columns.map((c) => `${c.name}:${c.type}`),
      ['id:text', 'kind:text', 'scope:text', 'tester.name:text', 'tester.relation:text', 'plannedOn:text', 'startedOn:text', 'performedOn:text', 'reportedOn:text', 'report.sha256:text', 'report.uri:text', 'report.description:text', 'findings:json', 'auditedCode:json'],
    );
    assert.equal(csvColumns('providers').find((c) => c.name === 'certificate.level')!.type, 'int');
    const policies = [{ ...v9Registers().policies[0]!, covers: ['ccss-v9:1.01.1.2', 'ccss-2021:1.1.2.L1'] }];
    const text = registerToCsv('policies', policies);
    assert.equal(text.split('\r\n')[0], 'id,kind,title,version,owner,approval.by,approval.on,nextReview,covers,text,document.sha256,document.uri,document.description');
    assert.equal(text.split('\r\n')[1], 'POL-1,key_generation,,1.0,CISO,Board,2026-01-01,2027-01-01,ccss-v9:1.01.1.2|ccss-2021:1.1.2.L1,The key_generation policy.,,,');
  });

  it('refuses bad rows with the file line and the field', () => {
    const header = 'id,kind,version,owner,nextReview,text';
    const text = [header, 'P-1,key_storage,1,CISO,2027-01-01,ok', 'P-2,key_storage,1,,2027-01-01,no owner', 'P-3,hr,1,CISO,2027-02-30,bad kind and date'].join('\n');
    try {
      registerFromCsv('policies', text);
      assert.fail('expected a refusal');
    } catch (e) {
      assert.ok(e instanceof ComplianceError);
      assert.equal(e.code, 'COMPLIANCE_IMPORT_INVALID');
      assert.deepEqual(
        e.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`),
        [
          'policies.csv:3: owner: owner is required',
          'policies.csv:4: kind: kind must be one of key_generation, wallet_creation, key_storage, key_usage, key_compromise, grant_revoke, data_sanitization, governance_risk',
          'policies.csv:4: nextReview: nextReview must be a calendar date written YYYY-MM-DD',
        ],
      );
    }
    assert.throws(() => registerFromCsv('policies', 'id,colour\nP-1,red'), (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_IMPORT_PARSE' && /unknown column "colour"/.test(e.problems[0]!.message));
    assert.throws(() => registerFromCsv('people', 'id,roles,checks\nK-1,keyholder,{oops'), /checks must hold JSON/);
    assert.throws(() => registerFromCsv('drills', 'id,scenario\nD-1'), /the row has 1 cells; the header has 2/);
    assert.deepEqual(registerFromCsv('drills', ''), []);
  });

  it('YAML problems name the line and field', () => {
    const text = ['keygrade: compliance-register/v1', 'register: sanitization', 'entries:', '  - id: S-1', '    mediaId: USB-1', '    held: seed', '    tool: shredder', '    toolConfiguration: 2 mm', '    performedOn: 2026-01-01'].join('\n');
    try {
      registerFromYaml(text, 'trail.yaml');
      assert.fail('expected a refusal');
    } catch (e) {
      assert.ok(e instanceof ComplianceError);
      assert.deepEqual(
        e.problems.map((p) => `${p.file}:${p.line}: ${p.path}: ${p.message}`),
        ['trail.yaml:4: entries[0].method: method is required', 'trail.yaml:4: entries[0].performedBy: performedBy is required'],
      );
    }
    assert.throws(() => registerFromYaml('keygrade: compliance-register/v1\nregister: audits\n'), /register must be one of securityTests/);
    assert.throws(() => registersFromYaml('keygrade: v0\npolicies: []\n'), (e: unknown) => e instanceof ComplianceError && e.problems[0]!.path === 'keygrade');
    assert.throws(() => registersFromYaml('a: [\n'), (e: unknown) => e instanceof ComplianceError && e.code === 'COMPLIANCE_IMPORT_PARSE');
  });
});
