/**
 * Shared by `keygrade registers validate|import|export` (issue 10, item 8): which register and
 * format a file holds, from the flags or its name.
 */
import { basename, extname } from 'node:path';
import type { Kysely } from 'kysely';
import { isRegisterKind, REGISTER_KINDS, type RegisterKind } from '@keygrade/compliance';
import type { Database } from '@keygrade/db';
import type { OptionSpec } from '../command.js';
import { usage } from '../exit.js';

export const REGISTER_OPTION: OptionSpec = { type: 'string', value: '<register>', description: `the register: ${REGISTER_KINDS.join(', ')}`, choices: [...REGISTER_KINDS] };

export type Format = 'csv' | 'yaml';

/** CSV for `.csv`, YAML otherwise, unless --format says. */
export function formatOf(file: string, flag: string | undefined): Format {
  if (flag === 'csv' || flag === 'yaml') return flag;
  return extname(file).toLowerCase() === '.csv' ? 'csv' : 'yaml';
}

/** The register named by --register, or by a CSV file's name as `export` writes it (`securityTests.csv`). */
export function registerOf(file: string, format: Format, flag: string | undefined): RegisterKind | undefined {
  if (flag !== undefined) {
    if (!isRegisterKind(flag)) throw usage(`--register must be one of ${REGISTER_KINDS.join(', ')}`);
    return flag;
  }
  if (format !== 'csv') return undefined;
  const stem = basename(file, extname(file));
  const found = REGISTER_KINDS.find((k) => k.toLowerCase() === stem.toLowerCase());
  if (!found) throw usage(`${file}: a CSV file holds one register; say which with --register (${REGISTER_KINDS.join(', ')}) or name the file <register>.csv`);
  return found;
}

/** The organization named by --org (its id, or its name when that is unique in the database). */
export async function requireOrg(k: Kysely<Database>, org: string | undefined): Promise<string> {
  if (!org) throw usage('--org is required: the organization id (as in the web app\'s URLs) or its exact name');
  const rows = await k.selectFrom('org').select(['id', 'name']).where((eb) => eb.or([eb('id', '=', org), eb('name', '=', org)])).execute();
  const byId = rows.find((r) => r.id === org);
  if (byId) return byId.id;
  if (rows.length === 1) return rows[0]!.id;
  if (rows.length > 1) throw usage(`${rows.length} organizations are named "${org}": give the id (${rows.map((r) => r.id).join(', ')})`);
  throw usage(`no organization "${org}" in this database (by id or name)`);
}
