/**
 * A Catalog: the set of editions and crosswalks a program works with. Loading is injected,
 * so the same class serves the CLI (files), the server and tests (in-memory sources).
 */
import { CatalogError } from '@keygrade/errors';
import type { Crosswalk } from './crosswalk.js';
import { composeCrosswalks, invertCrosswalk } from './crosswalk.js';
import type { Edition } from './model.js';
import { applyWording, readStoredWording } from './wording.js';

export interface CatalogSources {
  editionIds: readonly string[];
  loadEdition(id: string): Edition;
  loadCrosswalks(): { displayName: string; text: string }[];
  parseCrosswalk(file: { displayName: string; text: string }, editions: (id: string) => Edition): Crosswalk;
  /** Locally imported official wording for an edition: the stored JSON text and where it is, if any. */
  wordingFor?(id: string): { text: string; source: string } | undefined;
}

export class Catalog {
  readonly #sources: CatalogSources;
  readonly #editions = new Map<string, Edition>();
  #crosswalks: Crosswalk[] | undefined;

  constructor(sources: CatalogSources) {
    this.#sources = sources;
  }

  /** Ids of the available editions, sorted. */
  get editionIds(): readonly string[] {
    return this.#sources.editionIds;
  }

  /** True when the edition id exists. */
  has(id: string): boolean {
    return this.#sources.editionIds.includes(id);
  }

  /** Loads (once) and returns an edition; throws CATALOG_UNKNOWN_EDITION for an unknown id. */
  edition(id: string): Edition {
    const cached = this.#editions.get(id);
    if (cached) return cached;
    if (!this.has(id)) {
      throw new CatalogError('CATALOG_UNKNOWN_EDITION', `unknown edition "${id}"; available: ${this.editionIds.join(', ')}`);
    }
    let edition = this.#sources.loadEdition(id);
    if (edition.id !== id) throw new CatalogError('CATALOG_INVALID', `edition folder ${id} declares id ${edition.id}`);
    const wording = this.#sources.wordingFor?.(id);
    if (wording) edition = applyWording(edition, readStoredWording(wording.text, wording.source));
    this.#editions.set(id, edition);
    return edition;
  }

  /** The crosswalk files as shipped (each maps one edition to the next). */
  crosswalks(): Crosswalk[] {
    this.#crosswalks ??= this.#sources.loadCrosswalks().map((f) => this.#sources.parseCrosswalk(f, (id) => this.edition(id)));
    return this.#crosswalks;
  }

  /**
   * The crosswalk from one edition to another: a shipped one, its inverse, or a composition
   * through intermediate editions (e.g. 2020 -> 2021 -> v9).
   */
  crosswalk(from: string, to: string): Crosswalk {
    this.edition(from);
    this.edition(to);
    const all = this.crosswalks();
    const direct = all.find((c) => c.from === from && c.to === to);
    if (direct) return direct;
    const reverse = all.find((c) => c.from === to && c.to === from);
    if (reverse) return invertCrosswalk(reverse);
    const path = this.#path(from, to, all);
    if (!path) throw new CatalogError('CROSSWALK_NOT_FOUND', `no crosswalk connects ${from} to ${to}`);
    return path.reduce((acc, next) => composeCrosswalks(acc, next, this.edition(acc.from), this.edition(next.to)));
  }

  #path(from: string, to: string, all: Crosswalk[]): Crosswalk[] | undefined {
    const edges = [...all, ...all.map(invertCrosswalk)];
    const queue: { at: string; path: Crosswalk[] }[] = [{ at: from, path: [] }];
    const seen = new Set([from]);
    while (queue.length > 0) {
      const { at, path } = queue.shift()!;
      if (at === to) return path;
      for (const e of edges) {
        if (e.from === at && !seen.has(e.to)) {
          seen.add(e.to);
          queue.push({ at: e.to, path: [...path, e] });
        }
      }
    }
    return undefined;
  }
}
