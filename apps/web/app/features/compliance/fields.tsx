/**
 * The server's messages for the fields of the compliance forms (`problems` name fields by path,
 * e.g. `findings.0.severity`), for the `error` of the shared TextField / SelectField.
 */
import { ApiError, type Problem } from '../../api/client';

/** The field problems of an error (a 400 with `problems`); paths of an update (`entry.x`) lose their prefix. */
export function problemsOf(error: unknown): Problem[] {
  if (!(error instanceof ApiError)) return [];
  return error.problems.map((p) => ({ ...p, path: (p.path ?? '').replace(/^entry\./, '') }));
}

/** The messages for one field path, joined; undefined when none. */
export function messageFor(problems: readonly Problem[], path: string): string | undefined {
  const hits = problems.filter((p) => p.path === path);
  return hits.length > 0 ? hits.map((p) => p.message).join('; ') : undefined;
}
