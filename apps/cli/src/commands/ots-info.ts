import { describeAttestation, opToString, parseTimestampFile, toHex, applyOp, type Timestamp, type TimestampFile } from '@keygrade/attest';
import type { CommandSpec, Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { readBinary } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'ots info',
  summary: 'Show an OpenTimestamps proof (.ots): digest, operations and attestations with their commitments.',
  args: ['<file.ots>'],
  options: {
    json: { type: 'boolean', description: 'print { hashOp, digest, tree } as JSON' },
  },
  examples: ['keygrade ots info hello-world.txt.ots', 'keygrade ots info checkpoint.ots --json'],
};

interface JsonNode {
  msg: string;
  attestations: string[];
  ops: { op: string; next: JsonNode }[];
}

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file: TimestampFile = parseTimestampFile(new Uint8Array(readBinary(io, positionals[0]!)));
  if (values.json) {
    out(io, JSON.stringify({ hashOp: file.hashOp, digest: toHex(file.digest), tree: toJson(file.timestamp, file.digest) }, null, 2));
    return EXIT.ok;
  }
  out(io, `File ${file.hashOp} digest: ${toHex(file.digest)}`);
  out(io, 'Timestamp:');
  render(file.timestamp, file.digest, '', (l) => out(io, l));
  return EXIT.ok;
}

function toJson(t: Timestamp, msg: Uint8Array): JsonNode {
  const node: JsonNode = { msg: toHex(msg), attestations: [], ops: [] };
  for (const b of t.branches) {
    if (b.kind === 'attestation') node.attestations.push(describeAttestation(b.attestation));
    else node.ops.push({ op: opToString(b.op), next: toJson(b.next, applyOp(b.op, msg)) });
  }
  return node;
}

/** One line per operation, `-> ` before a fork's branches, the commitment after each attestation. */
function render(t: Timestamp, msg: Uint8Array, indent: string, write: (l: string) => void): void {
  const fork = t.branches.length > 1;
  for (const b of t.branches) {
    const pre = fork ? `${indent} -> ` : indent;
    const inner = fork ? `${indent}    ` : indent;
    if (b.kind === 'attestation') write(`${pre}verify ${describeAttestation(b.attestation)} (commitment ${toHex(msg)})`);
    else {
      write(`${pre}${opToString(b.op)}`);
      render(b.next, applyOp(b.op, msg), inner, write);
    }
  }
}
