/**
 * Prompts that read one line at a time from the injected stdin. Reading through the async line
 * iterator (not readline.question) means piped input is never lost between prompts, so tests
 * drive interactive commands with a plain stream.
 */
import { createInterface } from 'node:readline';
import type { Io } from './io.js';

export interface LineReader {
  /** Prints the prompt and resolves with the trimmed answer, or undefined at end of input. */
  ask(prompt: string): Promise<string | undefined>;
  close(): void;
}

export function lineReader(io: Io): LineReader {
  const rl = createInterface({ input: io.stdin, terminal: false, crlfDelay: Infinity });
  const lines = rl[Symbol.asyncIterator]();
  return {
    async ask(prompt) {
      io.stdout.write(prompt);
      const next = await lines.next();
      if (next.done) {
        io.stdout.write('\n');
        return undefined;
      }
      return String(next.value).trim();
    },
    close: () => rl.close(),
  };
}
