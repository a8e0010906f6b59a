export * from './model.js';
export * from './schema.js';
export { buildEdition, componentAspectId, type SourceFile } from './build-edition.js';
export { Catalog, type CatalogSources } from './catalog.js';
export * from './crosswalk.js';
export { formatPath, parseLocatedYaml, validateLocated, type LocatedYaml, type PathSegment } from './yaml-source.js';
export * from './wording.js';
export * from './export/index.js';
