/**
 * Wallet and key evidence in the web app (issue 8): a system's key inventory (import from YAML or
 * CSV as `keygrade wallet check --inventory` reads it, every import a new version, download and
 * export), the wallet check of a descriptor or Caravan config against the stored inventory, and the
 * PSBT spend check, each of which can be attached to an assessment as evidence.
 *
 *   GET  /api/systems/:systemId/wallet-inventory            org:read      current version and the version list
 *   POST /api/systems/:systemId/wallet-inventory            system:write  import (a new version)
 *   GET  /api/systems/:systemId/wallet-inventory/export     org:read      ?version=&format=yaml|json|file&file=
 *   POST /api/systems/:systemId/wallet-check                org:read      run the wallet check
 *   POST /api/systems/:systemId/psbt-check                  org:read      run the PSBT check
 *   POST /api/assessments/:assessmentId/wallet-evidence     answer:write  run the wallet check and attach it
 *   POST /api/assessments/:assessmentId/psbt-evidence       answer:write  run the PSBT check and attach it
 *
 * The checks run here, on the server, from the inputs (never from a result the client sends), so a
 * client cannot forge a "pass": attaching re-runs the check and records what the server computed,
 * through POST /api/assessments/:id/evidence (routes/evidence-push.ts) with the caller's own
 * credentials, so the same authorization, idempotency and audit entry apply as for `--attach`.
 * Inputs are recorded by name and SHA-256, as the CLI records them. Private keys and seeds are
 * refused in every input (xprv/tprv, WIF, mnemonic fields or word lists) before anything is parsed
 * or stored.
 */
import { createHash } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { stringify } from 'yaml';
import { createBase58check } from '@scure/base';
import { sha256 } from '@noble/hashes/sha2.js';
import { wordlist as BIP39_WORDS } from '@scure/bip39/wordlists/english.js';
import { indexEdition, type Catalog } from '@keygrade/catalog';
import { isKeygradeError, formatProblem, type Problem } from '@keygrade/errors';
import { addInventoryVersion, audited, DomainError, getAssessment, getInventoryVersion, getSystem, listInventoryVersions, type InventoryFile } from '@keygrade/db';
import {
  caravanToDescriptor,
  checkWallet,
  decodePsbt,
  deriveAddresses,
  EDITIONS,
  evaluateSpend,
  keysOf,
  mergeInventories,
  parseDescriptor,
  parseInventory,
  parseSpendHistory,
  parseSpendPolicy,
  MAX_WHITELIST_INDICES as MAX_WHITELIST_INDICES_CLI,
  parseYamlInventory,
  REQUIREMENTS,
  walletPolicy,
  WalletError,
  Inventory,
  type Descriptor,
  type Edition,
  type Network,
  type RuleId,
} from '@keygrade/wallet';
import type { AppDeps } from '../app.js';
import { ApiError, accountErrorHandler, requireOrg, type Permission } from '../authz.js';

const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'an id');
const TOOL_VERSION = '0.1.0';
const SOURCE_SYSTEM = 'Keygrade web app (checked on the server)';
/** Largest inventory file, descriptor, policy or history accepted (characters). */
const MAX_TEXT = 1024 * 1024;
/** Whitelist descriptors derive every index of their range on parse: bounded on a shared server. */
const MAX_WHITELIST_INDICES = 10_000;

const FileName = z.string().trim().min(1, 'must not be empty').max(200);
const InventoryFileIn = z.object({ name: FileName.describe('the file name: .csv is read as CSV, anything else as YAML'), content: z.string().max(MAX_TEXT, `at most ${MAX_TEXT} characters`) }).strict();
const ImportBody = z
  .object({
    files: z.array(InventoryFileIn).min(1, 'give at least one file').max(10, 'at most 10 files'),
    note: z.string().trim().max(500).optional(),
    expectedVersion: z.number().int().min(0).optional().describe('the version the importer last saw (0: none); a different current version answers 409'),
  })
  .strict();

const WalletInput = {
  descriptor: z.string().max(200_000).optional().describe('an output descriptor (BIP 380-386, 389), optionally with #checksum'),
  caravan: z.string().max(MAX_TEXT).optional().describe('a Caravan wallet-config JSON file (instead of descriptor)'),
  addresses: z.number().int().min(0).max(20).default(3).describe('how many receive and change addresses to derive'),
  network: z.enum(['mainnet', 'testnet', 'regtest']).optional(),
};
const WalletCheckBody = z.object({ ...WalletInput, edition: z.enum(EDITIONS as [Edition, ...Edition[]]).optional().describe("default: ccss-2021, or the edition of assessmentId's assessment"), assessmentId: Id.optional() }).strict();
const WalletEvidenceBody = z.object({ ...WalletInput, edition: z.enum(EDITIONS as [Edition, ...Edition[]]).optional().describe("must be the assessment's edition when given") }).strict();

const PsbtInput = {
  psbt: z.string().min(1, 'must not be empty').max(24 * 1024 * 1024).describe('the PSBT (v0 or v2), base64 or hex'),
  policy: z.string().min(1, 'must not be empty').max(MAX_TEXT).describe('the spend policy, YAML'),
  descriptor: z.string().min(1, 'must not be empty').max(200_000).describe("the spending wallet's descriptor"),
  history: z.string().max(MAX_TEXT).optional().describe('previous spends, CSV or JSON'),
  at: z.iso.datetime({ offset: true, error: 'an ISO 8601 time with a zone, such as 2026-11-24T09:00:00Z' }).optional(),
};
const PsbtCheckBody = z.object(PsbtInput).strict();

// ---- private keys and seeds -----------------------------------------------------------------------

const b58check = createBase58check(sha256);
const BIP39 = new Set(BIP39_WORDS);
const XPRV = /\b[xtyzuvYZUV]prv[1-9A-HJ-NP-Za-km-z]{20,}/;
const WIF_CANDIDATE = /\b[5KLc9][1-9A-HJ-NP-Za-km-z]{50,51}\b/g;
const SECRET_FIELD = /^(mnemonic|mnemonics|seed|seeds|seed[ _-]?phrase|seed[ _-]?words|recovery[ _-]?(phrase|words|seed)|words|passphrase|private[ _-]?key|privkey|priv|xprv|tprv|wif|secret|secret[ _-]?key)$/i;
const FIELD_NAME = /(?:^|[{,\s-])["']?([A-Za-z][A-Za-z _-]{0,40}?)["']?\s*:(?=\s|$)/g;

function isWif(s: string): boolean {
  try {
    const b = b58check.decode(s);
    return (b[0] === 0x80 || b[0] === 0xef) && (b.length === 33 || (b.length === 34 && b[33] === 1));
  } catch {
    return false;
  }
}

/** The longest run of BIP 39 words separated only by blanks. */
function mnemonicRun(line: string): number {
  let best = 0;
  let run = 0;
  for (const w of line.split(/[\s,"']+/)) {
    if (w === '') continue;
    run = BIP39.has(w.toLowerCase()) ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/**
 * Where a text holds private key material: an extended private key, a WIF key, a field named like a
 * seed or mnemonic, or 12+ BIP 39 words in a row. Every hit with its line; the values are never echoed.
 */
export function secretProblems(text: string, file: string, opts: { fields?: boolean } = {}): Problem[] {
  const problems: Problem[] = [];
  const lines = text.split(/\r?\n/);
  // A CSV's field names are its header row: the first line that is not blank or a # comment.
  const headerLine = file.toLowerCase().endsWith('.csv') ? lines.findIndex((l) => l.trim() !== '' && !l.startsWith('#')) : -1;
  lines.forEach((line, i) => {
    const at = (message: string, path?: string) => problems.push({ file, line: i + 1, ...(path ? { path } : {}), message });
    if (XPRV.test(line)) at('holds an extended private key (xprv/tprv): give the xpub/tpub instead; private keys are never stored');
    for (const m of line.matchAll(WIF_CANDIDATE)) if (isWif(m[0])) at('holds a private key in WIF: give the public key or xpub instead; private keys are never stored');
    if (opts.fields !== false) {
      const csvHeader = i === headerLine ? line.split(',').map((c) => c.trim().replace(/^"|"$/g, '')) : [];
      for (const name of [...[...line.matchAll(FIELD_NAME)].map((m) => m[1]!.trim()), ...csvHeader]) {
        if (SECRET_FIELD.test(name)) at(`a field named "${name}" looks like a seed or private key: an inventory records xpubs and where keys and backups are, never the secrets themselves`, name);
      }
    }
    if (mnemonicRun(line) >= 12) at('holds 12 or more BIP 39 words in a row, which looks like a mnemonic seed phrase: never upload a seed');
  });
  return problems;
}

/** 400 PRIVATE_KEY_REFUSED when any text holds private key material. */
function refuseSecrets(inputs: { text: string | undefined; file: string; fields?: boolean }[]): void {
  const problems = inputs.flatMap((i) => (i.text === undefined ? [] : secretProblems(i.text, i.file, { fields: i.fields ?? true })));
  if (problems.length > 0) {
    throw new ApiError(400, 'PRIVATE_KEY_REFUSED', `refused: ${[...new Set(problems.map((p) => p.file))].join(', ')} contain${problems.length === 1 ? 's' : ''} what looks like a private key or seed. Keygrade never accepts private keys, seeds or mnemonics; nothing was stored`, { problems: problems.map(apiProblem) });
  }
}

// ---- helpers ----------------------------------------------------------------------------------------

const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');
const where = (p: Problem) => [p.file, p.line].filter((x) => x !== undefined).join(':');
/** A located problem as the API's { path, message } (plus file, line and field for the web app). */
const apiProblem = (p: Problem) => ({ path: [where(p), p.path].filter(Boolean).join(' '), message: p.message, ...(p.file ? { file: p.file } : {}), ...(p.line !== undefined ? { line: p.line } : {}), ...(p.path ? { field: p.path } : {}) });

/** Wallet-package input errors (descriptor, Caravan, inventory, PSBT, policy, history) are 400 with every problem. */
const INPUT_ERROR = /^(DESCRIPTOR_|CARAVAN_|INVENTORY_|PSBT_|SPEND_)/;

/** A descriptor error with the text around the position and a caret under it, as the CLI shows it. */
function descriptorProblem(e: { message: string; position?: number | undefined }, text: string, field: string): { path: string; message: string }[] {
  if (e.position === undefined) return [];
  const from = Math.max(0, e.position - 40);
  return [{ path: field, message: `${from > 0 ? '…' : ''}${text.slice(from, e.position + 40)}\n${' '.repeat(e.position - from + (from > 0 ? 1 : 0))}^` }];
}

function parseWallet(text: string, field: string): Descriptor {
  try {
    return parseDescriptor(text);
  } catch (e) {
    if (isKeygradeError(e) && e.code.startsWith('DESCRIPTOR_')) throw new ApiError(400, e.code, e.message.startsWith(`${field}:`) ? e.message : `${field}: ${e.message}`, { problems: descriptorProblem(e as { message: string; position?: number }, text, field) });
    throw e;
  }
}

/** Refuses descriptors with private keys even when the text scan did not see them (hex WIF variants). */
function refusePrivateKeys(d: Descriptor, field: string): void {
  const priv = keysOf(d.root).filter((k) => k.kind === 'xprv' || k.kind === 'wif');
  if (priv.length > 0) throw new ApiError(400, 'PRIVATE_KEY_REFUSED', `${field}: the descriptor holds ${priv.length} private key${priv.length === 1 ? '' : 's'} (at position ${priv.map((k) => k.pos + 1).join(', ')}); give the public descriptor (xpub/tpub) instead. Private keys are never accepted`, { problems: priv.map((k) => ({ path: field, message: `private key at position ${k.pos + 1}` })) });
}

/** The first line of a descriptor text that is not blank or a `#` comment (files as the CLI reads them). */
const firstLine = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ?? '';

interface WalletSource {
  descriptor: Descriptor;
  network: Network | undefined;
  input: { name: string; sha256: string; size: number };
}

function walletSource(body: { descriptor?: string | undefined; caravan?: string | undefined }): WalletSource {
  if ((body.descriptor === undefined || body.descriptor.trim() === '') === (body.caravan === undefined || body.caravan.trim() === '')) {
    throw new ApiError(400, 'INVALID_REQUEST', 'give either a descriptor or a Caravan wallet config (exactly one)', { problems: [{ path: 'descriptor', message: 'give a descriptor or a Caravan config' }] });
  }
  if (body.caravan !== undefined && body.caravan.trim() !== '') {
    refuseSecrets([{ text: body.caravan, file: 'caravan config', fields: false }]);
    let w;
    try {
      w = caravanToDescriptor(body.caravan);
    } catch (e) {
      if (isKeygradeError(e)) throw new ApiError(400, e.code, e.message, { problems: e.problems.map(apiProblem) });
      throw e;
    }
    const d = parseWallet(w.descriptor, 'caravan');
    refusePrivateKeys(d, 'caravan');
    return { descriptor: d, network: w.network, input: { name: 'caravan-config.json', sha256: sha(body.caravan), size: Buffer.byteLength(body.caravan) } };
  }
  const text = body.descriptor!;
  refuseSecrets([{ text, file: 'descriptor', fields: false }]);
  const d = parseWallet(firstLine(text), 'descriptor');
  refusePrivateKeys(d, 'descriptor');
  return { descriptor: d, network: undefined, input: { name: 'descriptor.txt', sha256: sha(text), size: Buffer.byteLength(text) } };
}

/** Control ids become their requirements; requirement ids stay (as `--attach` expands them). */
function expandIds(catalog: Catalog, edition: string, ids: readonly string[]): string[] {
  const index = indexEdition(catalog.edition(edition));
  const out: string[] = [];
  for (const id of ids) {
    const c = index.control(id);
    if (c) out.push(...c.requirements.map((r) => r.id));
    else if (index.requirement(id)) out.push(id);
  }
  return [...new Set(out)];
}

/** The requirement (or control) ids of the PSBT check per edition, as apps/cli/src/attach-requirements.ts maps `psbt check`. */
const PSBT_IDS: Record<Edition, readonly string[]> = { 'ccss-2020': ['1.4.6'], 'ccss-2021': ['1.4.6'], 'ccss-v9': ['1.05.8'] };

/**
 * The files' inventories merged and validated together (a backups CSV names the keys of a keys CSV).
 * A cross-file problem (`backups.3.key: unknown key`) is reported against the file that holds the
 * item, with the item's index in that file, since the merged text has no lines of its own.
 */
function mergedInventory(parts: Inventory[], names: string[]): Inventory {
  try {
    return parseYamlInventory(stringify(mergeInventories(parts)), 'merged inventory');
  } catch (e) {
    if (!(isKeygradeError(e) && e.code === 'INVENTORY_INVALID')) throw e;
    const problems = e.problems.map((p): Problem => {
      const m = /^(keys|backups)\.(\d+)\.(.*)$/.exec(p.path ?? '');
      if (!m) return { file: names.join(' + '), ...(p.path ? { path: p.path } : {}), message: p.message };
      const kind = m[1] as 'keys' | 'backups';
      let i = Number(m[2]);
      let f = 0;
      while (f < parts.length - 1 && i >= parts[f]![kind].length) i -= parts[f++]![kind].length;
      return { file: names[f]!, path: `${kind}.${i}.${m[3]!}`, message: p.message };
    });
    throw new WalletError('INVENTORY_INVALID', `the key inventory files do not validate together (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.slice(0, 3).map(formatProblem).join('; ')}`, { problems });
  }
}

const isEdition = (e: string): e is Edition => (EDITIONS as readonly string[]).includes(e);

export function walletRoutes(deps: AppDeps & { catalog: Catalog }): FastifyPluginAsync {
  const now = deps.now ?? (() => new Date());
  const k = deps.db.kysely;
  const catalog = deps.catalog;
  const noSystem = () => new DomainError('SYSTEM_NOT_FOUND', 'no such system');
  const noAssessment = () => new DomainError('ASSESSMENT_NOT_FOUND', 'no such assessment');

  /** The resource's organization grants `permission`; a foreign resource answers 404 like a missing one. */
  async function authorise<T extends { orgId: string }>(req: FastifyRequest, resource: T | undefined, permission: Permission, notFound: () => DomainError): Promise<{ resource: T; actor: string }> {
    if (!resource) throw notFound();
    try {
      return { resource, actor: (await requireOrg(req, resource.orgId, permission)).actor };
    } catch (e) {
      if ((e as { statusCode?: number }).statusCode === 404) throw notFound();
      throw e;
    }
  }
  const systemFor = async (req: FastifyRequest, id: string, permission: Permission) => (await authorise(req, await getSystem(k, id), permission, noSystem)).resource;

  /** Runs the wallet check against the system's current inventory. */
  async function runWalletCheck(systemId: string, body: z.infer<typeof WalletCheckBody> | z.infer<typeof WalletEvidenceBody>, edition: Edition) {
    const src = walletSource(body);
    const stored = await getInventoryVersion(k, systemId);
    const inventory = stored ? Inventory.parse(stored.inventory) : undefined;
    const report = checkWallet(walletPolicy(src.descriptor), { edition, now: now(), ...(inventory ? { inventory } : {}) });
    const network = body.network ?? src.network ?? 'mainnet';
    const addresses = body.addresses > 0 ? deriveAddresses(src.descriptor, { count: body.addresses, network }) : [];
    const result = {
      descriptor: src.descriptor.body,
      checksum: src.descriptor.checksum ?? null,
      ...report,
      addresses,
      network,
      inventory: stored ? { version: stored.version, sha256: stored.sha256, importedAt: stored.createdAt } : null,
    };
    return { result, src, stored };
  }

  /** Runs the PSBT check. */
  function runPsbtCheck(body: z.infer<typeof PsbtCheckBody>) {
    refuseSecrets([
      { text: body.policy, file: 'policy.yaml' },
      { text: body.descriptor, file: 'descriptor', fields: false },
      { text: body.history, file: 'history' },
    ]);
    const wallet = parseWallet(firstLine(body.descriptor), 'descriptor');
    refusePrivateKeys(wallet, 'descriptor');
    const policy = parseSpendPolicy(body.policy, 'policy.yaml', { maxWhitelistIndices: MAX_WHITELIST_INDICES, boundHint: `by the web app, ${MAX_WHITELIST_INDICES_CLI} by keygrade psbt check on your own machine` });
    const historyName = body.history?.trim().startsWith('[') ? 'history.json' : 'history.csv';
    const history = body.history === undefined || body.history.trim() === '' ? undefined : parseSpendHistory(body.history, historyName);
    const psbt = decodePsbt(body.psbt.trim());
    const at = body.at ? new Date(body.at) : now();
    const result = evaluateSpend(psbt, policy, wallet, { at, ...(history ? { history } : {}) });
    const item = (name: string, text: string) => ({ name, sha256: sha(text), size: Buffer.byteLength(text) });
    const inputs = [item('psbt', body.psbt.trim()), item('policy.yaml', body.policy), item('descriptor.txt', body.descriptor), ...(history ? [item(historyName, body.history!)] : [])];
    const parameters = [`psbt (sha256:${inputs[0]!.sha256})`, '--policy', `policy.yaml (sha256:${inputs[1]!.sha256})`, '--wallet', `descriptor.txt (sha256:${inputs[2]!.sha256})`, ...(history ? ['--history', `${historyName} (sha256:${inputs[3]!.sha256})`] : []), '--at', at.toISOString()];
    return { result, inputs, parameters };
  }

  /** Records a result as evidence through the evidence-push route, with the caller's own credentials. */
  async function attach(req: FastifyRequest, reply: FastifyReply, assessmentId: string, push: { command: string; ok: boolean; result: unknown; requirements: string[]; inputs: { name: string; sha256: string; size: number }[]; parameters: string[] }) {
    const content = `${JSON.stringify(push.result, null, 2)}\n`;
    const headers: Record<string, string> = {};
    for (const h of ['authorization', 'cookie', 'x-csrf-token'] as const) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const names = push.inputs.map((i) => i.name).join(', ');
    const res = await req.server.inject({
      method: 'POST',
      url: `/api/assessments/${encodeURIComponent(assessmentId)}/evidence`,
      headers,
      payload: {
        title: `keygrade ${push.command} (${names}): ${push.ok ? 'ok' : 'check failed'}`.slice(0, 300),
        filename: `keygrade-${push.command.replace(/\s+/g, '-')}-${now().toISOString().replace(/[:.]/g, '-')}.json`,
        content: Buffer.from(content).toString('base64'),
        sha256: sha(content),
        requirements: push.requirements,
        sourceSystem: SOURCE_SYSTEM,
        tool: { name: `keygrade ${push.command}`, version: TOOL_VERSION },
        parameters: push.parameters,
        inputs: push.inputs,
      },
    });
    const answer = res.json() as Record<string, unknown>;
    if (res.statusCode >= 300) return reply.code(res.statusCode).send(answer);
    return reply.code(res.statusCode).send({ ...answer, result: push.result, requirements: push.requirements });
  }

  return async (root) => {
    const app = root.withTypeProvider<ZodTypeProvider>();
    // Wallet-package input errors are bad input (400) with every located problem; others go on to the app's handler.
    app.setErrorHandler((error, _req, reply) => {
      if (isKeygradeError(error) && INPUT_ERROR.test(error.code)) return reply.code(400).send({ error: error.code, message: error.message, problems: error.problems.map(apiProblem) });
      if (error instanceof ApiError) return accountErrorHandler(error, _req, reply);
      throw error;
    });

    // ---- key inventory ---------------------------------------------------------------------------

    app.get(
      '/api/systems/:systemId/wallet-inventory',
      { config: { permission: 'org:read' }, schema: { tags: ['wallets'], summary: "The system's key inventory (current version) and every version", params: z.object({ systemId: Id }) } },
      async (req) => {
        const system = await systemFor(req, req.params.systemId, 'org:read');
        const current = await getInventoryVersion(k, system.id);
        const versions = await listInventoryVersions(k, system.id);
        return { current: current ? { version: current.version, sha256: current.sha256, note: current.note, createdAt: current.createdAt, createdBy: current.createdBy, files: current.files, counts: current.counts, inventory: current.inventory } : null, versions };
      },
    );

    app.post(
      '/api/systems/:systemId/wallet-inventory',
      {
        config: { permission: 'system:write' },
        bodyLimit: 12 * MAX_TEXT,
        schema: {
          tags: ['wallets'],
          summary: 'Import a key inventory (YAML, or CSV tables of keys and backups) as a new version. Private keys, seeds and mnemonics are refused.',
          params: z.object({ systemId: Id }),
          body: ImportBody,
        },
      },
      async (req, reply) => {
        const { resource: system, actor } = await authorise(req, await getSystem(k, req.params.systemId), 'system:write', noSystem);
        const body = req.body;
        const names = body.files.map((f) => f.name);
        const dup = names.find((n, i) => names.indexOf(n) !== i);
        if (dup) throw new ApiError(400, 'INVALID_REQUEST', `two files are named ${JSON.stringify(dup)}`, { problems: [{ path: 'files', message: `duplicate file name ${dup}` }] });
        refuseSecrets([...body.files.map((f) => ({ text: f.content, file: f.name })), { text: body.note, file: 'note', fields: false }]);
        // Each file as the CLI reads it, then the merged inventory again (a backups CSV names keys of a keys CSV).
        const problems: Problem[] = [];
        const parts = body.files.flatMap((f) => {
          try {
            return [parseInventory(f.content, f.name)];
          } catch (e) {
            if (isKeygradeError(e) && e.code === 'INVENTORY_INVALID') {
              problems.push(...(e.problems.length > 0 ? e.problems : [{ file: f.name, message: e.message }]));
              return [];
            }
            // The YAML reader's own refusals (e.g. an alias bomb: "Excessive alias count") are bad input too.
            problems.push({ file: f.name, message: `cannot be read: ${String((e as Error).message ?? e).split('\n')[0]}` });
            return [];
          }
        });
        if (problems.length > 0) {
          return reply.code(400).send({ error: 'INVENTORY_INVALID', message: `the key inventory does not validate (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.slice(0, 3).map(formatProblem).join('; ')}${problems.length > 3 ? '; …' : ''}`, problems: problems.map(apiProblem) });
        }
        const merged = parts.length === 1 ? parts[0]! : mergedInventory(parts, body.files.map((f) => f.name));
        if (merged.sites.length + merged.devices.length + merged.keys.length + merged.backups.length === 0) {
          throw new ApiError(400, 'INVENTORY_INVALID', 'the files hold no sites, devices, keys or backups: nothing to import', { problems: body.files.map((f) => ({ path: f.name, message: 'no sites, devices, keys or backups', file: f.name })) as { path: string; message: string }[] });
        }
        const files: InventoryFile[] = body.files.map((f) => ({ name: f.name, format: /\.csv$/i.test(f.name) ? 'csv' : 'yaml', sha256: sha(f.content), size: Buffer.byteLength(f.content), text: f.content }));
        const at = now();
        const v = await audited(
          k,
          { actor, requestId: req.id, at },
          'wallet.inventory.import',
          `system:${system.id}`,
          (trx) => addInventoryVersion(trx, { orgId: system.orgId, systemId: system.id, inventory: merged as unknown as Record<string, unknown>, files, note: body.note, expectedVersion: body.expectedVersion }, { actor, at }),
          (r) => ({ version: r.version, sha256: r.sha256, files: files.map((f) => ({ name: f.name, sha256: f.sha256 })) }),
        );
        return reply.code(201).send({ current: { version: v.version, sha256: v.sha256, note: v.note, createdAt: v.createdAt, createdBy: v.createdBy, files: v.files, counts: v.counts, inventory: v.inventory } });
      },
    );

    app.get(
      '/api/systems/:systemId/wallet-inventory/export',
      {
        config: { permission: 'org:read' },
        schema: {
          tags: ['wallets'],
          summary: 'Download a version of the key inventory (default: the current one): yaml (readable by keygrade wallet check --inventory), json, or file (one uploaded file as it was)',
          params: z.object({ systemId: Id }),
          querystring: z.object({ version: z.coerce.number().int().min(1).optional(), format: z.enum(['yaml', 'json', 'file']).default('yaml'), file: z.coerce.number().int().min(0).default(0) }),
        },
      },
      async (req, reply) => {
        const system = await systemFor(req, req.params.systemId, 'org:read');
        const v = await getInventoryVersion(k, system.id, req.query.version);
        if (!v) throw new ApiError(404, 'INVENTORY_NOT_FOUND', req.query.version === undefined ? 'this system has no key inventory yet' : `the key inventory has no version ${req.query.version}`);
        const base = `key-inventory-v${v.version}`;
        if (req.query.format === 'file') {
          const f = v.fileTexts[req.query.file];
          if (!f) throw new ApiError(404, 'INVENTORY_NOT_FOUND', `version ${v.version} has ${v.fileTexts.length} file(s); there is no file ${req.query.file}`);
          const name = f.name.replace(/[^A-Za-z0-9._-]+/g, '_');
          return reply.header('content-type', f.format === 'csv' ? 'text/csv; charset=utf-8' : 'text/yaml; charset=utf-8').header('content-disposition', `attachment; filename="v${v.version}-${name}"`).send(f.text);
        }
        if (req.query.format === 'json') {
          return reply.header('content-type', 'application/json; charset=utf-8').header('content-disposition', `attachment; filename="${base}.json"`).send(`${JSON.stringify(v.inventory, null, 2)}\n`);
        }
        const header = `# Key inventory of ${system.name}, version ${v.version} (sha256 ${v.sha256}), imported ${v.createdAt} by ${v.createdBy}.\n# keygrade wallet check --inventory ${base}.yaml --descriptor <descriptor>\n`;
        return reply.header('content-type', 'text/yaml; charset=utf-8').header('content-disposition', `attachment; filename="${base}.yaml"`).send(header + stringify(v.inventory));
      },
    );

    // ---- wallet check ------------------------------------------------------------------------------

    app.post(
      '/api/systems/:systemId/wallet-check',
      {
        config: { permission: 'org:read' },
        bodyLimit: 2 * MAX_TEXT,
        schema: { tags: ['wallets'], summary: "Check a wallet (descriptor or Caravan config) against the system's key inventory; nothing is stored", params: z.object({ systemId: Id }), body: WalletCheckBody },
      },
      async (req) => {
        const system = await systemFor(req, req.params.systemId, 'org:read');
        let edition: Edition = req.body.edition ?? 'ccss-2021';
        if (req.body.edition === undefined && req.body.assessmentId !== undefined) {
          const a = await getAssessment(k, req.body.assessmentId);
          if (a && a.systemId === system.id && isEdition(a.edition)) edition = a.edition;
        }
        return (await runWalletCheck(system.id, req.body, edition)).result;
      },
    );

    app.post(
      '/api/assessments/:assessmentId/wallet-evidence',
      {
        config: { permission: 'answer:write' },
        bodyLimit: 2 * MAX_TEXT,
        schema: {
          tags: ['wallets', 'evidence'],
          summary: "Run the wallet check on the server against the assessment's system inventory, in the assessment's edition, and attach the result as evidence to the requirements of its decided findings",
          params: z.object({ assessmentId: Id }),
          body: WalletEvidenceBody,
        },
      },
      async (req, reply) => {
        const { resource: a } = await authorise(req, await getAssessment(k, req.params.assessmentId), 'answer:write', noAssessment);
        if (!isEdition(a.edition)) throw new ApiError(400, 'INVALID_REQUEST', `the wallet check has no requirement mapping for ${a.edition}`);
        if (req.body.edition !== undefined && req.body.edition !== a.edition) throw new ApiError(400, 'INVALID_REQUEST', `the assessment is in ${a.edition}, not ${req.body.edition}: attach runs the check in the assessment's edition`, { problems: [{ path: 'edition', message: `must be ${a.edition} or left out` }] });
        const { result, src, stored } = await runWalletCheck(a.systemId, req.body, a.edition);
        // pass and fail are evidence for their requirements; "not determinable" is not.
        const ids = result.findings.filter((f) => f.status !== 'not-determinable').flatMap((f) => REQUIREMENTS[f.rule as RuleId][a.edition as Edition]);
        const requirements = expandIds(catalog, a.edition, ids);
        if (requirements.length === 0) throw new ApiError(400, 'NOTHING_TO_ATTACH', 'no finding was decided (every rule is not determinable), so the check is evidence for no requirement; import the key inventory first');
        const inputs = [src.input, ...(stored ? stored.files.map((f) => ({ name: f.name, sha256: f.sha256, size: f.size })) : [])];
        const parameters = ['--descriptor', `${src.input.name} (sha256:${src.input.sha256})`, ...(stored ? ['--inventory', stored.files.map((f) => `${f.name} (sha256:${f.sha256})`).join(','), `(key inventory version ${stored.version}, sha256:${stored.sha256})`] : []), '--edition', a.edition, ...(req.body.addresses > 0 ? ['--addresses', String(req.body.addresses), '--network', result.network] : [])];
        return attach(req, reply, a.id, { command: 'wallet check', ok: result.summary.fail === 0, result, requirements, inputs, parameters });
      },
    );

    // ---- PSBT check --------------------------------------------------------------------------------

    app.post(
      '/api/systems/:systemId/psbt-check',
      {
        config: { permission: 'org:read' },
        bodyLimit: 32 * MAX_TEXT,
        schema: { tags: ['wallets'], summary: 'Check a PSBT against a spend policy and the wallet descriptor: allow, deny or needs-approval with the reasons; nothing is stored', params: z.object({ systemId: Id }), body: PsbtCheckBody },
      },
      async (req) => {
        await systemFor(req, req.params.systemId, 'org:read');
        return runPsbtCheck(req.body).result;
      },
    );

    app.post(
      '/api/assessments/:assessmentId/psbt-evidence',
      {
        config: { permission: 'answer:write' },
        bodyLimit: 32 * MAX_TEXT,
        schema: { tags: ['wallets', 'evidence'], summary: 'Run the PSBT check on the server and attach the result as evidence (spend verification: 2020/2021 1.4.6, v9 1.05.8)', params: z.object({ assessmentId: Id }), body: PsbtCheckBody },
      },
      async (req, reply) => {
        const { resource: a } = await authorise(req, await getAssessment(k, req.params.assessmentId), 'answer:write', noAssessment);
        if (!isEdition(a.edition)) throw new ApiError(400, 'INVALID_REQUEST', `the PSBT check has no requirement mapping for ${a.edition}`);
        const { result, inputs, parameters } = runPsbtCheck(req.body);
        return attach(req, reply, a.id, { command: 'psbt check', ok: result.decision === 'allow', result, requirements: expandIds(catalog, a.edition, PSBT_IDS[a.edition]), inputs, parameters });
      },
    );
  };
}
