/**
 * JSON export of the unified model. Objects are rebuilt field by field, so the key order is fixed
 * by this file (not by whatever order the loader happened to produce) and two exports of the same
 * edition are byte-identical.
 */
import { LANGS, type Aspect, type Control, type Edition, type Requirement, type Text } from '../model.js';

/** Schema tag written first in every JSON catalog export. */
export const CATALOG_JSON_SCHEMA = 'keygrade.catalog/v1';

/** The JSON document: an {@link Edition} with the schema tag on top. */
export type CatalogJson = { schema: typeof CATALOG_JSON_SCHEMA } & Edition;

function text(t: Text): Text {
  const out: Record<string, string> = {};
  for (const lang of LANGS) {
    const s = t[lang];
    if (s !== undefined) out[lang] = s;
  }
  return out as Text;
}

function requirement(r: Requirement): Requirement {
  return {
    id: r.id,
    level: r.level,
    text: text(r.text),
    ...(r.official !== undefined ? { official: r.official } : {}),
    controlId: r.controlId,
    aspectId: r.aspectId,
  };
}

function control(c: Control): Control {
  return {
    id: c.id,
    title: text(c.title),
    ...(c.uncertified ? { uncertified: text(c.uncertified) } : {}),
    requirements: c.requirements.map(requirement),
    aspectId: c.aspectId,
  };
}

function aspect(a: Aspect): Aspect {
  return { id: a.id, title: text(a.title), summary: text(a.summary), domainId: a.domainId, controls: a.controls.map(control) };
}

/**
 * The edition as a plain object in a fixed key order, tagged `schema: "keygrade.catalog/v1"`.
 * Parsing {@link exportJson}'s output and dropping `schema` gives back an equal Edition.
 */
export function catalogJson(edition: Edition): CatalogJson {
  return {
    schema: CATALOG_JSON_SCHEMA,
    id: edition.id,
    name: edition.name,
    published: edition.published,
    style: edition.style,
    languages: [...edition.languages],
    source: edition.source,
    wordingNote: edition.wordingNote,
    domains: edition.domains.map((d) => ({ id: d.id, title: text(d.title) })),
    aspects: edition.aspects.map(aspect),
    definitions: edition.definitions.map((d) => ({ id: d.id, term: text(d.term), text: text(d.text) })),
    caveats: edition.caveats.map((c) => ({ id: c.id, title: text(c.title), text: text(c.text) })),
  };
}

/**
 * Exports an edition as pretty-printed JSON (two-space indent, trailing newline).
 * Includes imported official wording (`official`) when the edition carries it.
 * @example writeFileSync('ccss-2021.json', exportJson(catalog.edition('ccss-2021')));
 */
export function exportJson(edition: Edition): string {
  return `${JSON.stringify(catalogJson(edition), null, 2)}\n`;
}
