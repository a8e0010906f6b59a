/** Pure exports of an edition to other formats: JSON, Markdown, CSV and NIST OSCAL. */
export * from './csv.js';
export * from './json.js';
export * from './markdown.js';
export * from './oscal.js';
