/**
 * Builds an Edition from its source files (pure: text in, model out). Every file is validated
 * against its schema, then the edition is checked as a whole (unique ids, ids nested under their
 * parents, every language the edition declares present everywhere). All problems are reported at once.
 */
import { CatalogError, type Problem } from '@keygrade/errors';
import type { z } from 'zod';
import { cellRequirementId, LEVELS, type Aspect, type Caveat, type Control, type Definition, type Edition, type Lang, type Text } from './model.js';
import {
  caveatsFileSchema,
  componentAspectFileSchema,
  definitionsFileSchema,
  editionFileSchema,
  requirementAspectFileSchema,
  type ComponentAspectFile,
  type EditionFile,
  type RequirementAspectFile,
} from './schema.js';
import { parseLocatedYaml, validateLocated, type LocatedYaml, type PathSegment } from './yaml-source.js';

/** One source file: its path relative to the edition folder (e.g. `aspects/1.01.yaml`) and its text. */
export interface SourceFile {
  path: string;
  text: string;
  /** The name shown in errors (defaults to `path`). */
  displayName?: string;
}

function load<T>(file: SourceFile, schema: z.ZodType<T>, problems: Problem[]): { value: T; yaml: LocatedYaml } | undefined {
  const { yaml, problems: syntax } = parseLocatedYaml(file.displayName ?? file.path, file.text);
  problems.push(...syntax);
  if (!yaml) return undefined;
  const { value, problems: invalid } = validateLocated(yaml, schema);
  problems.push(...invalid);
  return value === undefined ? undefined : { value, yaml };
}

/** The aspect id a component id belongs to: component `1.2.3` sits under aspect `1.02`. */
export function componentAspectId(componentId: string): string {
  const [d, a] = componentId.split('.');
  return `${d}.${(a ?? '').padStart(2, '0')}`;
}

/** Builds and validates an edition; throws CatalogError(CATALOG_INVALID) listing every problem. */
export function buildEdition(files: readonly SourceFile[]): Edition {
  const problems: Problem[] = [];
  const byPath = new Map(files.map((f) => [f.path, f]));
  const editionSource = byPath.get('edition.yaml');
  if (!editionSource) throw new CatalogError('CATALOG_INVALID', 'edition.yaml is missing from the edition folder');
  const head = load(editionSource, editionFileSchema, problems);
  if (!head) throw invalid(problems);
  const meta: EditionFile = head.value;

  const aspects: Aspect[] = [];
  const aspectFiles = files.filter((f) => f.path.startsWith('aspects/')).sort((a, b) => a.path.localeCompare(b.path));
  if (aspectFiles.length === 0) problems.push({ file: editionSource.displayName ?? editionSource.path, message: 'the edition has no aspects/ files' });
  const located: { aspect: Aspect; yaml: LocatedYaml }[] = [];
  for (const file of aspectFiles) {
    if (meta.style === 'component') {
      const r = load<ComponentAspectFile>(file, componentAspectFileSchema, problems);
      if (r) located.push({ aspect: componentAspect(r.value), yaml: r.yaml });
    } else {
      const r = load<RequirementAspectFile>(file, requirementAspectFileSchema, problems);
      if (r) located.push({ aspect: requirementAspect(r.value), yaml: r.yaml });
    }
  }
  for (const { aspect } of located) aspects.push(aspect);
  checkStructure(meta, located, problems);

  const definitions: Definition[] = [];
  const caveats: Caveat[] = [];
  const defs = byPath.get('definitions.yaml');
  if (defs) definitions.push(...(load(defs, definitionsFileSchema, problems)?.value.definitions ?? []));
  const cavs = byPath.get('caveats.yaml');
  if (cavs) caveats.push(...(load(cavs, caveatsFileSchema, problems)?.value.caveats ?? []));

  if (problems.length > 0) throw invalid(problems, meta.id);
  aspects.sort((a, b) => a.id.localeCompare(b.id, 'en', { numeric: true }));
  return {
    id: meta.id,
    name: meta.name,
    published: meta.published,
    style: meta.style,
    languages: meta.languages,
    source: meta.source,
    wordingNote: meta.wordingNote,
    domains: meta.domains,
    aspects,
    definitions,
    caveats,
  };
}

function invalid(problems: Problem[], edition?: string): CatalogError {
  const n = problems.length;
  return new CatalogError('CATALOG_INVALID', `catalog edition${edition ? ` ${edition}` : ''} is invalid (${n} problem${n === 1 ? '' : 's'})`, { problems });
}

function componentAspect(file: ComponentAspectFile): Aspect {
  const controls: Control[] = file.controls.map((c) => ({
    id: c.id,
    title: c.title,
    ...(c.uncertified ? { uncertified: c.uncertified } : {}),
    aspectId: file.id,
    requirements: LEVELS.flatMap((level) => {
      const text = c.levels[String(level) as '1' | '2' | '3'];
      return text ? [{ id: cellRequirementId(c.id, level), level, text, controlId: c.id, aspectId: file.id }] : [];
    }),
  }));
  return { id: file.id, title: file.title, summary: file.summary, domainId: file.domain, controls };
}

function requirementAspect(file: RequirementAspectFile): Aspect {
  const controls: Control[] = file.controls.map((c) => ({
    id: c.id,
    title: c.title,
    aspectId: file.id,
    requirements: c.requirements.map((r) => ({ id: r.id, level: r.level, text: r.summary, controlId: c.id, aspectId: file.id })),
  }));
  return { id: file.id, title: file.title, summary: file.summary, domainId: file.domain, controls };
}

function checkStructure(meta: EditionFile, located: { aspect: Aspect; yaml: LocatedYaml }[], problems: Problem[]): void {
  const seen = new Map<string, string>();
  const unique = (id: string, yaml: LocatedYaml, path: PathSegment[]) => {
    const first = seen.get(id);
    if (first) problems.push(yaml.problem(path, `id ${id} is already used in ${first}`));
    else seen.set(id, yaml.file);
  };
  const domains = new Set<string>(meta.domains.map((d) => d.id));
  for (const { aspect, yaml } of located) {
    unique(aspect.id, yaml, ['id']);
    if (!domains.has(aspect.domainId)) problems.push(yaml.problem(['domain'], `domain ${aspect.domainId} is not declared in edition.yaml`));
    if (!aspect.id.startsWith(`${aspect.domainId}.`)) problems.push(yaml.problem(['id'], `aspect ${aspect.id} does not belong to domain ${aspect.domainId}`));
    checkLanguages(meta.languages, yaml, ['title'], aspect.title, problems);
    checkLanguages(meta.languages, yaml, ['summary'], aspect.summary, problems);
    aspect.controls.forEach((control, ci) => {
      unique(control.id, yaml, ['controls', ci, 'id']);
      const parent = meta.style === 'component' ? componentAspectId(control.id) : control.id.split('.').slice(0, 2).join('.');
      if (parent !== aspect.id) problems.push(yaml.problem(['controls', ci, 'id'], `control ${control.id} does not belong to aspect ${aspect.id}`));
      checkLanguages(meta.languages, yaml, ['controls', ci, 'title'], control.title, problems);
      if (control.uncertified) checkLanguages(meta.languages, yaml, ['controls', ci, 'uncertified'], control.uncertified, problems);
      control.requirements.forEach((req, ri) => {
        const path: PathSegment[] = meta.style === 'component' ? ['controls', ci, 'levels', String(req.level)] : ['controls', ci, 'requirements', ri];
        unique(req.id, yaml, path);
        if (meta.style === 'requirement' && !req.id.startsWith(`${control.id}.`)) problems.push(yaml.problem([...path, 'id'], `requirement ${req.id} does not belong to control ${control.id}`));
        checkLanguages(meta.languages, yaml, meta.style === 'component' ? path : [...path, 'summary'], req.text, problems);
      });
    });
  }
}

function checkLanguages(langs: readonly Lang[], yaml: LocatedYaml, path: PathSegment[], text: Text, problems: Problem[]): void {
  for (const lang of langs) if (!text[lang]) problems.push(yaml.problem(path, `missing ${lang} text (the edition declares ${langs.join(', ')})`));
}
