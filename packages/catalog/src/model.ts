/**
 * The unified CCSS catalog model (shared/design/SCORING.md):
 * Edition -> Domain -> Aspect -> Control -> Requirement { id, level, text }.
 */

/** A CCSS level. Level 0 ("uncertified") is never the level of a requirement. */
export type Level = 1 | 2 | 3;
/** A computed level: 0 means uncertified. */
export type LevelOrZero = 0 | Level;

export const LEVELS: readonly Level[] = [1, 2, 3];

/** Languages Keygrade has wording in. English is always present. */
export type Lang = 'en' | 'zh-CN';
export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/** Text in one or more languages; `en` is always present. */
export type Text = { en: string } & Partial<Record<Lang, string>>;

/** Component-style editions (2020, 2021) grade cells per level; requirement-style (v9) lists requirements. */
export type EditionStyle = 'component' | 'requirement';

export interface Requirement {
  /** `<componentId>.L<level>` for component-style editions, the official id for requirement-style ones. */
  id: string;
  level: Level;
  /** Keygrade's own wording (a paraphrase or summary, never the official text). */
  text: Text;
  /** The official wording, present only when the user imported it locally (`catalog import-wording`). */
  official?: string;
  controlId: string;
  aspectId: string;
}

export interface Control {
  id: string;
  title: Text;
  /** Component-style editions: what an uncertified system looks like for this component (descriptive only). */
  uncertified?: Text;
  requirements: Requirement[];
  aspectId: string;
}

export interface Aspect {
  id: string;
  title: Text;
  summary: Text;
  domainId: string;
  controls: Control[];
}

export interface Domain {
  id: string;
  title: Text;
}

export interface Definition {
  id: string;
  term: Text;
  text: Text;
}

export interface Caveat {
  id: string;
  title: Text;
  text: Text;
}

export interface Edition {
  id: string;
  name: string;
  published: string;
  style: EditionStyle;
  languages: Lang[];
  /** Where the structure comes from and under which terms. */
  source: string;
  /** How Keygrade words this edition (own words, summaries, pointer to the official text). */
  wordingNote: string;
  domains: Domain[];
  aspects: Aspect[];
  definitions: Definition[];
  caveats: Caveat[];
}

/** Picks the text in `lang`, falling back to English. */
export function pick(text: Text, lang: Lang = 'en'): string {
  return text[lang] ?? text.en;
}

/** Every control of an edition, in catalog order. */
export function allControls(edition: Edition): Control[] {
  return edition.aspects.flatMap((a) => a.controls);
}

/** Every requirement of an edition, in catalog order. */
export function allRequirements(edition: Edition): Requirement[] {
  return edition.aspects.flatMap((a) => a.controls.flatMap((c) => c.requirements));
}

/** Fast lookups by id over one edition. */
export interface EditionIndex {
  aspect(id: string): Aspect | undefined;
  control(id: string): Control | undefined;
  requirement(id: string): Requirement | undefined;
}

/** Builds id lookups for an edition. */
export function indexEdition(edition: Edition): EditionIndex {
  const aspects = new Map(edition.aspects.map((a) => [a.id, a]));
  const controls = new Map(allControls(edition).map((c) => [c.id, c]));
  const requirements = new Map(allRequirements(edition).map((r) => [r.id, r]));
  return {
    aspect: (id) => aspects.get(id),
    control: (id) => controls.get(id),
    requirement: (id) => requirements.get(id),
  };
}

/** Roman numeral of a level as the standard prints it (0 -> "—"). */
export function roman(level: LevelOrZero): string {
  return ['—', 'I', 'II', 'III'][level] ?? '—';
}

/** The id of the requirement a component-style cell becomes (SCORING.md: `<componentId>.L<level>`). */
export function cellRequirementId(controlId: string, level: Level): string {
  return `${controlId}.L${level}`;
}
