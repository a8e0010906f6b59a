/**
 * Schemas of the catalog's source files (packages/catalog/editions/<edition>/...).
 * One schema per file kind; the loader validates every file at load and names file and path.
 */
import { z } from 'zod';

const nonEmpty = z.string().trim().min(1, 'must not be empty');

export const textSchema = z.strictObject({ en: nonEmpty, 'zh-CN': nonEmpty.optional() });

const levelKey = z.enum(['1', '2', '3']);
export const levelSchema = z.union([z.literal(1), z.literal(2), z.literal(3)], { error: 'level must be 1, 2 or 3' });

const dottedId = (what: string, pattern: RegExp) => z.string().regex(pattern, `${what} must look like ${pattern.source.replace(/\\/g, '').replace(/^\^|\$$/g, '')}`);

export const editionFileSchema = z.strictObject({
  id: z.string().regex(/^ccss-[a-z0-9-]+$/, 'edition id must look like ccss-<name>'),
  name: nonEmpty,
  published: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'published must be YYYY, YYYY-MM or YYYY-MM-DD'),
  style: z.enum(['component', 'requirement']),
  languages: z.array(z.enum(['en', 'zh-CN'])).min(1).refine((l) => l.includes('en'), 'languages must include en'),
  source: nonEmpty,
  wordingNote: nonEmpty,
  domains: z.array(z.strictObject({ id: z.enum(['1', '2']), title: textSchema })).min(1),
});

export const componentControlSchema = z.strictObject({
  id: dottedId('component id', /^\d\.\d\.\d+$/),
  title: textSchema,
  uncertified: textSchema.optional(),
  levels: z.partialRecord(levelKey, textSchema).refine((l) => Object.keys(l).length > 0, 'a component needs at least one level cell'),
});

export const requirementControlSchema = z.strictObject({
  id: dottedId('control id', /^\d\.\d{2}\.\d+$/),
  title: textSchema,
  requirements: z
    .array(
      z.strictObject({
        id: dottedId('requirement id', /^\d\.\d{2}\.\d+\.\d+$/),
        level: levelSchema,
        summary: textSchema,
      }),
    )
    .min(1),
});

const aspectBase = {
  id: dottedId('aspect id', /^\d\.\d{2}$/),
  domain: z.enum(['1', '2']),
  title: textSchema,
  summary: textSchema,
};

export const componentAspectFileSchema = z.strictObject({ ...aspectBase, controls: z.array(componentControlSchema).min(1) });
export const requirementAspectFileSchema = z.strictObject({ ...aspectBase, controls: z.array(requirementControlSchema).min(1) });

export const definitionsFileSchema = z.strictObject({
  definitions: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), term: textSchema, text: textSchema })),
});

export const caveatsFileSchema = z.strictObject({
  caveats: z.array(z.strictObject({ id: z.string().regex(/^[a-z0-9-]+$/), title: textSchema, text: textSchema })),
});

export const crosswalkRelationSchema = z.enum(['equivalent', 'subset', 'superset', 'related', 'removed', 'new']);

export const crosswalkFileSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  note: nonEmpty,
  mappings: z.array(
    z.strictObject({
      from: z.string().optional(),
      to: z.string().optional(),
      relation: crosswalkRelationSchema,
      note: nonEmpty.optional(),
    }),
  ),
});

export type EditionFile = z.infer<typeof editionFileSchema>;
export type ComponentAspectFile = z.infer<typeof componentAspectFileSchema>;
export type RequirementAspectFile = z.infer<typeof requirementAspectFileSchema>;
export type CrosswalkFile = z.infer<typeof crosswalkFileSchema>;
