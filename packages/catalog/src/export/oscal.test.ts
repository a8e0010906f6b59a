import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { allControls, allRequirements, type Edition } from '../model.js';
import { openCatalog } from '../node/index.js';
import { exportOscalCatalog, exportOscalProfiles, modelIdFromOscal, OSCAL_REQUIREMENT_CLASS, type OscalControl, type OscalEnv, type OscalGroup } from './oscal.js';

const catalog = openCatalog();
const env: OscalEnv = { now: () => '2025-01-02T03:04:05.678Z', uuid: () => randomUUID() };

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

function schemaDir(): { dir?: string; reason?: string } {
  const root = process.env.KEYGRADE_VECTORS_DIR;
  if (!root) return { reason: 'KEYGRADE_VECTORS_DIR is not set' };
  const dir = join(root, 'oscal');
  if (!existsSync(join(dir, 'oscal_catalog_schema.json'))) return { reason: `no OSCAL schemas in ${dir}` };
  return { dir };
}

function walkControls(groups: readonly OscalGroup[] = []): OscalControl[] {
  const inControls = (cs: readonly OscalControl[] = []): OscalControl[] => cs.flatMap((c) => [c, ...inControls(c.controls)]);
  return groups.flatMap((g) => [...walkControls(g.groups), ...inControls(g.controls)]);
}

function errorsOf(validate: ValidateFunction): string {
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message ?? ''}`).join('\n');
}

const schemas = schemaDir();
describe('OSCAL exports validate against the OSCAL 1.0.6 JSON schemas', { skip: schemas.dir ? false : `skipped: ${schemas.reason}` }, () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const load = (name: string) => ajv.compile(JSON.parse(readFileSync(join(schemas.dir!, name), 'utf8')) as object);
  const validateCatalog = load('oscal_catalog_schema.json');
  const validateProfile = load('oscal_profile_schema.json');

  for (const id of catalog.editionIds) {
    it(`${id}: catalog`, () => {
      const doc = exportOscalCatalog(catalog.edition(id), env);
      assert.ok(validateCatalog(doc), errorsOf(validateCatalog));
    });
    it(`${id}: profiles for Level I, II and III`, () => {
      const profiles = exportOscalProfiles(catalog.edition(id), `${id}.oscal-catalog.json`, env);
      assert.deepEqual(
        profiles.map((p) => p.level),
        [1, 2, 3],
      );
      for (const p of profiles) assert.ok(validateProfile(p.document), `Level ${p.level}:\n${errorsOf(validateProfile)}`);
    });
  }

  it('the schema rejects a catalog with a malformed id (the validator is live)', () => {
    const doc = exportOscalCatalog(catalog.edition('ccss-2021'), env);
    doc.catalog.groups![0]!.groups![0]!.id = '1.01';
    assert.equal(validateCatalog(doc), false);
  });
});

describe('OSCAL catalog structure', () => {
  for (const id of catalog.editionIds) {
    it(`${id}: one control per CCSS control, one sub-control per requirement with its level`, () => {
      const edition: Edition = catalog.edition(id);
      const doc = exportOscalCatalog(edition, env);
      const controls = walkControls(doc.catalog.groups);
      const reqs = controls.filter((c) => c.class === OSCAL_REQUIREMENT_CLASS);
      assert.equal(controls.length - reqs.length, allControls(edition).length);
      assert.deepEqual(
        reqs.map((c) => [modelIdFromOscal(c.id), c.props?.find((p) => p.name === 'level')?.value]),
        allRequirements(edition).map((r) => [r.id, String(r.level)]),
      );
      const ids = [...controls.map((c) => c.id), ...(doc.catalog.groups ?? []).flatMap((g) => [g.id, ...(g.groups ?? []).map((a) => a.id)])];
      assert.equal(new Set(ids).size, ids.length, 'ids are unique');
      const uncertified = allControls(edition).filter((c) => c.uncertified).length;
      assert.equal(controls.filter((c) => c.parts?.some((p) => p.name === 'uncertified')).length, uncertified);
    });
  }

  it('rejects an injected uuid() that is not a v4/v5 UUID, and a clock without a time zone', () => {
    const edition = catalog.edition('ccss-v9');
    assert.throws(() => exportOscalCatalog(edition, { ...env, uuid: () => '00000000-0000-0000-0000-000000000000' }), TypeError);
    assert.throws(() => exportOscalCatalog(edition, { ...env, now: () => '2025-01-02T03:04:05' }), TypeError);
  });
});

describe('OSCAL profiles are cumulative', () => {
  for (const id of catalog.editionIds) {
    it(`${id}: Level N selects exactly the requirements of level <= N and their controls`, () => {
      const edition = catalog.edition(id);
      const requirementIds = new Set(allRequirements(edition).map((r) => r.id));
      for (const { level, document } of exportOscalProfiles(edition, 'catalog.json', env)) {
        const withIds = document.profile.imports[0]!['include-controls']![0]!['with-ids']!.map((x) => modelIdFromOscal(x)!);
        assert.deepEqual(
          withIds.filter((x) => requirementIds.has(x)),
          allRequirements(edition)
            .filter((r) => r.level <= level)
            .map((r) => r.id),
          `Level ${level}`,
        );
        const parents = new Set(allRequirements(edition).filter((r) => r.level <= level).map((r) => r.controlId));
        assert.deepEqual(new Set(withIds.filter((x) => !requirementIds.has(x))), parents, `Level ${level} controls`);
      }
    });
  }

  it('ccss-2021 Level II holds the 53 requirements of levels I and II', () => {
    const [, level2] = exportOscalProfiles(catalog.edition('ccss-2021'), 'catalog.json', env);
    const ids = level2!.document.profile.imports[0]!['include-controls']![0]!['with-ids']!;
    assert.equal(ids.filter((x) => /\.L[12]$/.test(x)).length, 23 + 30);
    assert.ok(!ids.some((x) => x.endsWith('.L3')));
  });
});
