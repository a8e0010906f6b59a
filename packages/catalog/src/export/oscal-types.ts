/**
 * The subset of NIST OSCAL 1.0.6 (JSON) that Keygrade writes: catalog and profile documents.
 * Names follow the OSCAL JSON schemas in shared/vectors/oscal/ (hyphenated keys included).
 */

/** OSCAL version the exports declare and are validated against. */
export const OSCAL_VERSION = '1.0.6';

/** Namespace of Keygrade's own OSCAL prop and part names (OSCAL 1.0.6 `ns`, a URI). */
export const KEYGRADE_OSCAL_NS = 'https://keygrade.dev/ns/oscal';

/** Injected sources of time and identity, so exports stay pure and tests reproducible. */
export interface OscalEnv {
  /** Current time as an ISO 8601 date-time with a time zone, e.g. `() => new Date().toISOString()`. */
  now: () => string;
  /** A fresh RFC 4122 version 4 (or 5) UUID, e.g. `() => crypto.randomUUID()`. */
  uuid: () => string;
}

export interface OscalProp {
  name: string;
  ns?: string;
  value: string;
  class?: string;
  remarks?: string;
}

export interface OscalPart {
  id?: string;
  name: string;
  ns?: string;
  class?: string;
  title?: string;
  props?: OscalProp[];
  prose?: string;
  parts?: OscalPart[];
}

export interface OscalControl {
  id: string;
  class?: string;
  title: string;
  props?: OscalProp[];
  parts?: OscalPart[];
  controls?: OscalControl[];
}

export interface OscalGroup {
  id?: string;
  class?: string;
  title: string;
  props?: OscalProp[];
  parts?: OscalPart[];
  groups?: OscalGroup[];
  controls?: OscalControl[];
}

export interface OscalMetadata {
  title: string;
  'last-modified': string;
  version: string;
  'oscal-version': string;
  props?: OscalProp[];
  remarks?: string;
}

export interface OscalResource {
  uuid: string;
  title?: string;
  description?: string;
  props?: OscalProp[];
}

export interface OscalBackMatter {
  resources?: OscalResource[];
}

export interface OscalCatalogDocument {
  catalog: {
    uuid: string;
    metadata: OscalMetadata;
    groups?: OscalGroup[];
    'back-matter'?: OscalBackMatter;
  };
}

export interface OscalSelectControlById {
  'with-child-controls'?: 'yes' | 'no';
  'with-ids'?: string[];
}

export interface OscalProfileDocument {
  profile: {
    uuid: string;
    metadata: OscalMetadata;
    imports: { href: string; 'include-controls'?: OscalSelectControlById[] }[];
    merge?: { 'as-is'?: boolean };
  };
}
