/**
 * The keygrade command table. Each command module is imported only when it runs, so
 * `keygrade --help` and simple commands start fast.
 */
import { BaseError } from '@keygrade/errors';
import { parseCommand, type CommandModule } from './command.js';
import { EXIT, ExitError, exitCodeFor } from './exit.js';
import { err, out, type Io } from './io.js';

type Loader = () => Promise<CommandModule>;

export const COMMANDS: Readonly<Record<string, { summary: string; load: Loader }>> = {
  'catalog list': { summary: 'list the CCSS editions Keygrade ships', load: () => import('./commands/catalog-list.js') },
  'catalog show': { summary: 'show an edition: aspects, controls, requirements', load: () => import('./commands/catalog-show.js') },
  'catalog diff': { summary: 'what changed between two editions (through the crosswalk)', load: () => import('./commands/catalog-diff.js') },
  'catalog export': { summary: 'export an edition as JSON, Markdown, CSV or NIST OSCAL', load: () => import('./commands/catalog-export.js') },
  'catalog import-wording': { summary: 'attach official requirement wording you hold, locally', load: () => import('./commands/catalog-import-wording.js') },
  init: { summary: 'create a new self-assessment file', load: () => import('./commands/init.js') },
  checklist: { summary: 'walk through every requirement and answer it (resumable)', load: () => import('./commands/checklist.js') },
  score: { summary: 'aspect levels and the system level (weakest link)', load: () => import('./commands/score.js') },
  gaps: { summary: 'what is missing to reach a target level', load: () => import('./commands/gaps.js') },
  report: { summary: 'a self-assessment report for partners and insurers', load: () => import('./commands/report.js') },
  scorecard: { summary: 'the scorecard matrix as an SVG image', load: () => import('./commands/scorecard.js') },
  migrate: { summary: 'carry an assessment to another edition', load: () => import('./commands/migrate.js') },
  'rng cavp': { summary: 'run NIST CAVP DRBG vectors against the SP 800-90A DRBGs', load: () => import('./commands/rng-cavp.js') },
  'rng health': { summary: 'SP 800-90B health tests and min-entropy estimate of raw samples', load: () => import('./commands/rng-health.js') },
  'rng dice': { summary: 'check dice rolls: fairness (χ²) and entropy for a key', load: () => import('./commands/rng-dice.js') },
  'rng cards': { summary: 'check a shuffled deck: duplicates, missing cards, entropy for a key', load: () => import('./commands/rng-cards.js') },
  'rng test': { summary: 'NIST SP 800-22 statistical tests (sts-2.1.2) on random bits, one or many streams', load: () => import('./commands/rng-test.js') },
  'audit rederive': { summary: 'check an exported audit file and re-derive its samples and levels', load: () => import('./commands/audit-rederive.js') },
  'audit sample': { summary: 'select a reproducible audit sample from a population (size table, seeded random or systematic)', load: () => import('./commands/audit-sample.js') },
  'ceremony new': { summary: 'run a key ceremony offline: sources, health tests, mnemonic, xpubs, signed transcript', load: () => import('./commands/ceremony-new.js') },
  'ceremony sign': { summary: 'add your sign-off to a ceremony transcript with your own key', load: () => import('./commands/ceremony-sign.js') },
  'ceremony verify': { summary: 'verify a ceremony transcript: sign-offs, structure, optional re-derivation', load: () => import('./commands/ceremony-verify.js') },
  'ceremony keygen': { summary: 'create a participant\'s Ed25519 key for signing ceremony transcripts', load: () => import('./commands/ceremony-keygen.js') },
  'verify-install': { summary: 'check the installed files against the signed release manifest', load: () => import('./commands/verify-install.js') },
  'por keygen': { summary: 'create the key that signs proof-of-reserves manifests', load: () => import('./commands/por-keygen.js') },
  'por build': { summary: 'build a proof-of-reserves snapshot: tree, signed manifest, customer proofs', load: () => import('./commands/por-build.js') },
  'por proof': { summary: 'take one customer\'s inclusion proof from a snapshot\'s store', load: () => import('./commands/por-proof.js') },
  'por verify-proof': { summary: 'check a customer\'s inclusion proof against the signed manifest', load: () => import('./commands/por-verify-proof.js') },
  'wallet check': { summary: 'check a descriptor and its key inventory against CCSS key-management rules', load: () => import('./commands/wallet-check.js') },
  'psbt check': { summary: 'check a PSBT against a spend policy: whitelist, limits, time window, fees, approvals', load: () => import('./commands/psbt-check.js') },
  'kcp sweep': { summary: 'key compromise: build an unsigned PSBT sweeping a wallet to a new, independent one', load: () => import('./commands/kcp-sweep.js') },
  'wallet reuse': { summary: 'find addresses of a wallet\'s history that received twice or after being spent from', load: () => import('./commands/wallet-reuse.js') },
  'wallet prove-control': { summary: 'proof of control of keys: per-key challenges, BIP-322/legacy answers, overdue checks', load: () => import('./commands/wallet-prove-control.js') },
  'sigs scan': { summary: 'scan transactions for ECDSA nonce reuse (repeated r values) and recover exposed keys', load: () => import('./commands/sigs-scan.js') },
  'signer check': { summary: 'tell from signatures over a test seed whether a signer uses RFC 6979, low-R grinding or neither', load: () => import('./commands/signer-check.js') },
  'por assets': { summary: 'verify proofs of assets (BIP-322, BIP-127, signmessage) and solvency per asset', load: () => import('./commands/por-assets.js') },
  'cert keygen': { summary: 'create an auditor signing key for certificates (Ed25519, private key stays here)', load: () => import('./commands/cert-keygen.js') },
  'cert sign': { summary: 'sign a certificate statement offline with your auditor key', load: () => import('./commands/cert-sign.js') },
  'cert verify': { summary: 'verify a CCSS certificate offline: signatures, log proof, blockchain timestamp', load: () => import('./commands/cert-verify.js') },
  'ots info': { summary: 'show an OpenTimestamps proof: digest, operations, attestations', load: () => import('./commands/ots-info.js') },
  'ots verify': { summary: 'verify an OpenTimestamps proof offline against a block headers file', load: () => import('./commands/ots-verify.js') },
  'registers validate': { summary: 'check compliance register files (CSV/YAML) offline, every problem located', load: () => import('./commands/registers-validate.js') },
  'registers import': { summary: "import compliance register files into an organization (all or nothing, audited)", load: () => import('./commands/registers-import.js') },
  'registers export': { summary: "export an organization's compliance registers as CSV or YAML", load: () => import('./commands/registers-export.js') },
  monitor: { summary: 're-evaluate every assessment: lapsed evidence lowers levels; audit, notify, webhook', load: () => import('./commands/monitor.js') },
  serve: { summary: 'run the server: API, C2SP log endpoints and the log sequencer', load: () => import('./commands/serve.js') },
  'log create': { summary: 'create a tamper-evident log for a custodian\'s events', load: () => import('./commands/log-create.js') },
  'log list': { summary: 'list logs with size, pending entries and witnesses', load: () => import('./commands/log-list.js') },
  'log verify': { summary: 're-verify a whole log and name the first bad index', load: () => import('./commands/log-verify.js') },
  'log proof': { summary: 'write the .tlog-proof of one entry', load: () => import('./commands/log-proof.js') },
  'log verify-proof': { summary: 'verify a .tlog-proof offline', load: () => import('./commands/log-verify-proof.js') },
  'log tail': { summary: 'show (and follow) the latest entries of a log', load: () => import('./commands/log-tail.js') },
  'log add-witness': { summary: 'register a witness key for a log', load: () => import('./commands/log-add-witness.js') },
  'log rule add': { summary: 'add a monitoring rule (bursts, off-hours activity, missing heartbeats)', load: () => import('./commands/log-rule-add.js') },
  'log alerts': { summary: 'show monitoring rules and their alerts', load: () => import('./commands/log-alerts.js') },
  'token create': { summary: 'create a scoped API token for automation', load: () => import('./commands/token-create.js') },
  'token list': { summary: 'list API tokens (never their secrets)', load: () => import('./commands/token-list.js') },
  'token revoke': { summary: 'revoke an API token', load: () => import('./commands/token-revoke.js') },
  'user list': { summary: 'list the accounts of this instance (admin, MFA, lockout)', load: () => import('./commands/user-list.js') },
  'user unlock': { summary: 'lift the sign-in lockout of an account', load: () => import('./commands/user-unlock.js') },
  'witness run': { summary: 'run a witness of a log (separate process, separate host)', load: () => import('./commands/witness-run.js') },
  'witness keygen': { summary: 'create a witness key pair', load: () => import('./commands/witness-keygen.js') },
};

export const VERSION = '0.1.0';

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length)) + 2;
  return [
    'keygrade — self-assessment against the CryptoCurrency Security Standard (CCSS)',
    '',
    'Usage: keygrade <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([k, c]) => `  ${k.padEnd(width)}${c.summary}`),
    '',
    'Run `keygrade <command> --help` for the options and examples of a command.',
    '',
    'Examples:',
    '  $ keygrade init --edition ccss-2020 assessment.yaml',
    '  $ keygrade checklist assessment.yaml',
    '  $ keygrade score assessment.yaml',
    '  $ keygrade report assessment.yaml --format html -o report.html',
    '',
    'Exit codes: 0 ok, 1 a check failed, 2 usage or input error, 3 internal error.',
  ].join('\n');
}

/** Runs keygrade with arguments (without the program name); returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    out(io, topHelp());
    return first === undefined ? EXIT.usage : EXIT.ok;
  }
  if (first === '--version' || first === '-V') {
    out(io, VERSION);
    return EXIT.ok;
  }
  const two = second !== undefined ? `${first} ${second}` : undefined;
  const name = two && COMMANDS[two] ? two : COMMANDS[first] ? first : undefined;
  if (!name) {
    const group = Object.keys(COMMANDS).filter((k) => k.startsWith(`${first} `));
    err(io, group.length > 0 ? `keygrade ${first}: choose one of: ${group.map((g) => g.split(' ')[1]).join(', ')}` : `unknown command "${first}". Run \`keygrade --help\` for the list.`);
    return EXIT.usage;
  }
  const rest = argv.slice(name.split(' ').length);
  try {
    const mod = await COMMANDS[name]!.load();
    const parsed = parseCommand(mod.spec, rest, io);
    if (!parsed) return EXIT.ok;
    return await mod.run(parsed, io);
  } catch (e) {
    return report(e, io);
  }
}

function report(e: unknown, io: Io): number {
  const code = exitCodeFor(e);
  if (e instanceof ExitError) err(io, `keygrade: ${e.message}`);
  else if (e instanceof BaseError) err(io, `keygrade: ${e.describe()}`);
  else {
    err(io, `keygrade: internal error: ${(e as Error)?.message ?? String(e)}`);
    if (io.env.KEYGRADE_DEBUG) err(io, (e as Error)?.stack ?? '');
    else err(io, 'This is a bug in Keygrade. Set KEYGRADE_DEBUG=1 to print the stack trace, and please report it.');
  }
  return code;
}
