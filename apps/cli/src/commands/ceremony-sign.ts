import { resolve } from 'node:path';
import { parseTranscript, ROLES, serializeTranscript, signTranscript, verifyTranscript, type Role } from '@keygrade/ceremony';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT, usage } from '../exit.js';
import { readBinary, writeAtomic } from '../files.js';
import { err, out, type Io } from '../io.js';
import { readSigningKey } from './ceremony-shared.js';

export const spec: CommandSpec = {
  name: 'ceremony sign',
  summary: 'Add your sign-off to a ceremony transcript with your own Ed25519 key (CCSS 1.01 Level II: sign-offs by different parties).',
  description: [
    'Read the transcript first (`keygrade ceremony verify <transcript>` shows it). Your sign-off covers the whole transcript and your name, role, time and statement; other sign-offs stay valid, and each key can sign once.',
    'The transcript is updated in place (atomically) unless -o names another file. A transcript whose existing sign-offs do not verify is refused: it was changed after signing.',
  ].join('\n'),
  args: ['<transcript>'],
  options: {
    key: { type: 'string', value: '<pem>', description: 'your Ed25519 private key (PKCS#8 PEM) (required)' },
    name: { type: 'string', value: '<name>', description: 'your name as it should appear (required)' },
    role: { type: 'string', value: '<role>', description: 'your part in the ceremony', choices: ROLES, default: 'witness' },
    statement: { type: 'string', value: '<text>', description: 'what you attest (default: the standard statement of the role)' },
    out: { type: 'string', short: 'o', value: '<file>', description: 'write the signed transcript here instead of in place' },
    json: { type: 'boolean', description: 'print { transcriptFile, signoffs } as JSON' },
  },
  examples: ['keygrade ceremony sign ceremony-0b9e3c1e.json --key bob.pem --name "Bob Smith" --role witness', 'keygrade ceremony sign t.json --key carol.pem --name Carol --role keyholder -o t-signed.json'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  if (!values.key) throw usage('--key <pem> is required');
  if (typeof values.name !== 'string' || values.name.trim() === '') throw usage('--name <name> is required');
  const t = parseTranscript(new Uint8Array(readBinary(io, file)));
  const before = verifyTranscript(t);
  const broken = before.signoffs.filter((s) => !s.valid);
  if (broken.length > 0) {
    err(io, `keygrade: refusing to sign: ${before.problems.join('; ')}`);
    return EXIT.checkFailed;
  }
  const signed = signTranscript(t, readSigningKey(io, values.key as string), {
    role: values.role as Role,
    name: values.name,
    signedAt: io.now().toISOString(),
    ...(typeof values.statement === 'string' ? { statement: values.statement } : {}),
  });
  const target = (values.out as string | undefined) ?? file;
  writeAtomic(resolve(io.cwd, target), serializeTranscript(signed));
  const added = signed.signoffs.at(-1)!;
  if (values.json) out(io, JSON.stringify({ transcriptFile: target, signoffs: signed.signoffs.map((s) => ({ role: s.role, name: s.name, keyId: s.keyId, signedAt: s.signedAt })) }, null, 2));
  else out(io, `Signed ${target} as ${added.role} "${added.name}" (key ${added.keyId}); ${signed.signoffs.length} sign-offs now.`);
  return EXIT.ok;
}
