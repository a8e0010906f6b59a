/**
 * NIST OSCAL 1.0.6 JSON export: one catalog per edition and one profile per CCSS level.
 *
 * Representation (why): OSCAL profiles select by control id (`include-controls/with-ids`), and only
 * controls carry ids a profile can select; parts cannot be selected. So each CCSS requirement is a
 * sub-control of its control, the way SP 800-53 writes control enhancements (`ac-2` > `ac-2.1`):
 *
 *   group  ccss-domain-1   class ccss-domain       domain
 *   group  ccss-1.01       class ccss-aspect       aspect; summary as part `overview`
 *   control ccss-1.1.3     class ccss-control      control / component; `uncertified` cell as a
 *                                                  Keygrade-namespaced part (component-style only)
 *   control ccss-1.1.3.L2  class ccss-requirement  requirement; text as part `statement`,
 *                                                  level as prop `level` (ns https://keygrade.dev/ns/oscal)
 *
 * Ids are `ccss-` + the model id: OSCAL ids are NCName tokens (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`),
 * which allow dots but must not start with a digit. Model ids are unique across aspects, controls and
 * requirements of an edition (build-edition checks it), so the prefixed ids are unique too.
 * Definitions and caveats go to back-matter resources (title = term, description = text), which keeps
 * the group tree to domains, aspects and controls.
 *
 * Profiles are cumulative (a Level II system meets every Level I and II requirement, SCORING.md): the
 * Level N profile selects every requirement with level <= N and, explicitly, every control that holds
 * one (as SP 800-53 baselines list both `ac-2` and `ac-2.1`), with `with-child-controls: no` and
 * `merge: as-is` so the resolved catalog keeps the aspect grouping.
 */
import { CatalogError } from '@keygrade/errors';
import { allRequirements, LEVELS, pick, roman, type Aspect, type Control, type Edition, type Lang, type Level, type Requirement } from '../model.js';
import {
  KEYGRADE_OSCAL_NS,
  OSCAL_VERSION,
  type OscalCatalogDocument,
  type OscalControl,
  type OscalEnv,
  type OscalGroup,
  type OscalMetadata,
  type OscalProfileDocument,
  type OscalProp,
  type OscalResource,
} from './oscal-types.js';

export * from './oscal-types.js';

/** Class of the OSCAL controls that stand for CCSS controls (components in 2020/2021). */
export const OSCAL_CONTROL_CLASS = 'ccss-control';
/** Class of the OSCAL sub-controls that stand for CCSS requirements. */
export const OSCAL_REQUIREMENT_CLASS = 'ccss-requirement';

const ID_PREFIX = 'ccss-';

/** The OSCAL id of an aspect, control or requirement id (`1.1.3.L2` -> `ccss-1.1.3.L2`). */
export function oscalId(modelId: string): string {
  return `${ID_PREFIX}${modelId}`;
}

/** The model id of an OSCAL id written by {@link oscalId}, or undefined for any other id. */
export function modelIdFromOscal(id: string): string | undefined {
  return id.startsWith(ID_PREFIX) ? id.slice(ID_PREFIX.length) : undefined;
}

// OSCAL 1.0.6 UUIDDatatype: version 4 or 5, RFC 4122 variant.
const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[45][0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/;
// OSCAL 1.0.6 DateTimeWithTimezoneDatatype, loosely: the schema also bounds each field.
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** Wraps the injected env so a bad clock or UUID source fails here, naming the argument, not in a validator later. */
function checked(env: OscalEnv): OscalEnv {
  return {
    now: () => {
      const t = env.now();
      if (!DATE_TIME.test(t)) throw new TypeError(`now() must return an ISO 8601 date-time with a time zone, got ${JSON.stringify(t)}`);
      return t;
    },
    uuid: () => {
      const u = env.uuid();
      if (!UUID.test(u)) throw new TypeError(`uuid() must return a version 4 or 5 UUID (OSCAL UUIDDatatype), got ${JSON.stringify(u)}`);
      return u;
    },
  };
}

function prop(name: string, value: string): OscalProp {
  return { name, ns: KEYGRADE_OSCAL_NS, value };
}

/** OSCAL's own `label` prop: the identifier as the standard prints it. */
function label(modelId: string): OscalProp {
  return { name: 'label', value: modelId };
}

function requirementControl(edition: Edition, control: Control, req: Requirement, lang: Lang): OscalControl {
  const id = oscalId(req.id);
  const title = edition.style === 'component' ? `${pick(control.title, lang)}: Level ${roman(req.level)}` : `${pick(control.title, lang)}: ${req.id}`;
  return {
    id,
    class: OSCAL_REQUIREMENT_CLASS,
    title,
    props: [label(req.id), prop('level', String(req.level))],
    parts: [{ id: `${id}_smt`, name: 'statement', prose: pick(req.text, lang) }],
  };
}

function control(edition: Edition, c: Control, lang: Lang): OscalControl {
  const id = oscalId(c.id);
  const out: OscalControl = { id, class: OSCAL_CONTROL_CLASS, title: pick(c.title, lang), props: [label(c.id)] };
  if (c.uncertified) {
    out.parts = [{ id: `${id}_uncertified`, name: 'uncertified', ns: KEYGRADE_OSCAL_NS, title: 'Uncertified', prose: pick(c.uncertified, lang) }];
  }
  // OSCAL arrays have minItems 1: leave `controls` out rather than write an empty array.
  if (c.requirements.length > 0) out.controls = c.requirements.map((r) => requirementControl(edition, c, r, lang));
  return out;
}

function aspectGroup(edition: Edition, a: Aspect, lang: Lang): OscalGroup {
  const id = oscalId(a.id);
  return {
    id,
    class: 'ccss-aspect',
    title: pick(a.title, lang),
    props: [label(a.id)],
    parts: [{ id: `${id}_ovw`, name: 'overview', prose: pick(a.summary, lang) }],
    controls: a.controls.map((c) => control(edition, c, lang)),
  };
}

function metadata(edition: Edition, env: OscalEnv, title: string, extra: OscalProp[], remarks: string): OscalMetadata {
  return {
    title,
    'last-modified': env.now(),
    version: edition.published,
    'oscal-version': OSCAL_VERSION,
    props: [prop('edition', edition.id), prop('style', edition.style), ...extra],
    remarks,
  };
}

function backMatter(edition: Edition, env: OscalEnv, lang: Lang): OscalResource[] {
  return [
    ...edition.definitions.map((d) => ({ uuid: env.uuid(), title: pick(d.term, lang), description: pick(d.text, lang), props: [prop('definition', d.id)] })),
    ...edition.caveats.map((c) => ({ uuid: env.uuid(), title: pick(c.title, lang), description: pick(c.text, lang), props: [prop('caveat', c.id)] })),
  ];
}

/** Options of the OSCAL exports: injected clock and UUID source, and the language of the text. */
export interface OscalOptions extends OscalEnv {
  /** Language of titles and prose (falls back to English per text). Default `en`. */
  lang?: Lang;
}

/**
 * Exports an edition as an OSCAL 1.0.6 catalog (see the file comment for the representation).
 * Uses Keygrade's own wording; imported official wording is not written out.
 * @example exportOscalCatalog(edition, { now: () => new Date().toISOString(), uuid: () => crypto.randomUUID() })
 */
export function exportOscalCatalog(edition: Edition, options: OscalOptions): OscalCatalogDocument {
  const env = checked(options);
  const lang = options.lang ?? 'en';
  const groups: OscalGroup[] = edition.domains
    .map((d) => ({ domain: d, aspects: edition.aspects.filter((a) => a.domainId === d.id) }))
    .filter((x) => x.aspects.length > 0)
    .map(({ domain, aspects }) => ({
      id: `${ID_PREFIX}domain-${domain.id}`,
      class: 'ccss-domain',
      title: pick(domain.title, lang),
      props: [label(domain.id)],
      groups: aspects.map((a) => aspectGroup(edition, a, lang)),
    }));
  const uuid = env.uuid();
  const remarks = `${edition.source}\n\n${edition.wordingNote}`;
  const resources = backMatter(edition, env, lang);
  return {
    catalog: {
      uuid,
      metadata: metadata(edition, env, `${edition.name} — Keygrade catalog`, [], remarks),
      ...(groups.length > 0 ? { groups } : {}),
      ...(resources.length > 0 ? { 'back-matter': { resources } } : {}),
    },
  };
}

/** The OSCAL ids a Level `level` profile selects: requirements with level <= `level` and the controls holding them, in catalog order. */
export function profileControlIds(edition: Edition, level: Level): string[] {
  const ids: string[] = [];
  for (const c of edition.aspects.flatMap((a) => a.controls)) {
    const reqs = c.requirements.filter((r) => r.level <= level);
    if (reqs.length > 0) ids.push(oscalId(c.id), ...reqs.map((r) => oscalId(r.id)));
  }
  return ids;
}

/** One profile of {@link exportOscalProfiles}. */
export interface OscalLevelProfile {
  level: Level;
  document: OscalProfileDocument;
}

/**
 * Exports three cumulative OSCAL 1.0.6 profiles over the catalog at `catalogHref` (a URI reference,
 * e.g. `ccss-2021.oscal-catalog.json`): Level I, II and III, in that order.
 * @example exportOscalProfiles(edition, 'catalog.json', env).map((p) => [`level-${p.level}.json`, p.document])
 */
export function exportOscalProfiles(edition: Edition, catalogHref: string, options: OscalOptions): OscalLevelProfile[] {
  const env = checked(options);
  const requirementIds = new Set(allRequirements(edition).map((r) => oscalId(r.id)));
  return LEVELS.map((level) => {
    const ids = profileControlIds(edition, level);
    // OSCAL `with-ids` has minItems 1; an edition without a single requirement at this level has no such profile.
    if (ids.length === 0) throw new CatalogError('CATALOG_INVALID', `${edition.id} has no requirement at level ${level} or lower`);
    const count = ids.filter((id) => requirementIds.has(id)).length;
    const remarks =
      `Level ${roman(level)} of ${edition.name}: selects the ${count} of ${requirementIds.size} requirements whose level is ${level} or lower ` +
      `and the controls that hold them. A system reaches Level ${roman(level)} when every aspect does (weakest link).`;
    return {
      level,
      document: {
        profile: {
          uuid: env.uuid(),
          metadata: metadata(edition, env, `${edition.name} — Level ${roman(level)} (Keygrade profile)`, [prop('level', String(level))], remarks),
          imports: [{ href: catalogHref, 'include-controls': [{ 'with-child-controls': 'no', 'with-ids': ids }] }],
          merge: { 'as-is': true },
        },
      },
    };
  });
}

