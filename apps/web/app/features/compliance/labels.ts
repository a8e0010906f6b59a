/**
 * Names of registers and kinds that may not have a message yet: the server lists the registers, and
 * a register added there (e.g. `kcpProtocols`) shows under its own id until it gets a translation.
 */
import known from '../../i18n/parts/compliance.en.json';
import type { MessageKey, Translate } from '../../i18n/i18n';

/** The translated message `key` if the catalogs have it, else `fallback`. */
export function maybe(t: Translate, key: string, fallback: string): string {
  return key in known ? t(key as MessageKey) : fallback;
}

/** The name of a register ("Security tests"), or its id when it has no message yet. */
export const registerLabel = (t: Translate, kind: string): string => maybe(t, `compliance.register.${kind}`, kind);
