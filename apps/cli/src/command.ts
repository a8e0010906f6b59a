/**
 * The shape of a command and its argument parsing: node:util parseArgs (strict: unknown flags are
 * errors), `--help` on every command built from the same spec that parses it.
 */
import { parseArgs } from 'node:util';
import { LANGS } from '@keygrade/catalog';
import { usage } from './exit.js';
import { out, type Io } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  description: string;
  /** Placeholder shown in help, e.g. `<file>`. */
  value?: string;
  default?: string | boolean;
  /** Allowed values for a string option. */
  choices?: readonly string[];
}

export interface CommandSpec {
  /** e.g. `catalog show` */
  name: string;
  summary: string;
  /** Positional arguments, e.g. `<edition>`; `[file]` is optional; a last one ending in `...` takes any number. */
  args: readonly string[];
  options: Readonly<Record<string, OptionSpec>>;
  description?: string;
  examples: readonly string[];
}

export type Values = Record<string, string | boolean | undefined>;

export interface Parsed {
  values: Values;
  positionals: string[];
}

/** The `--lang` option shared by every command that shows catalog wording. */
export function langOption(description: string): OptionSpec {
  return { type: 'string', value: '<lang>', description, choices: LANGS, default: 'en' };
}

const HELP: OptionSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** Parses argv for a command. Returns undefined when help was printed. */
export function parseCommand(spec: CommandSpec, argv: readonly string[], io: Io): Parsed | undefined {
  const options = { ...spec.options, help: HELP };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(options).map(([k, o]) => [k, { type: o.type, ...(o.short ? { short: o.short } : {}) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw usage(`${(e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')}\nRun \`keygrade ${spec.name} --help\` for usage.`);
  }
  if (parsed.values.help) {
    out(io, helpText(spec));
    return undefined;
  }
  const required = spec.args.filter((a) => a.startsWith('<')).length;
  if (parsed.positionals.length < required) {
    throw usage(`missing argument${required - parsed.positionals.length > 1 ? 's' : ''}: ${spec.args.slice(parsed.positionals.length, required).join(' ')}\nUsage: keygrade ${spec.name} ${usageLine(spec)}`);
  }
  const variadic = spec.args.at(-1)?.endsWith('...]') === true || spec.args.at(-1)?.endsWith('...>') === true;
  if (!variadic && parsed.positionals.length > spec.args.length) {
    throw usage(`unexpected argument: ${parsed.positionals[spec.args.length]}\nUsage: keygrade ${spec.name} ${usageLine(spec)}`);
  }
  const values: Values = {};
  for (const [k, o] of Object.entries(spec.options)) {
    const v = (parsed.values as Values)[k] ?? o.default;
    if (typeof v === 'string' && o.choices && !o.choices.includes(v)) {
      throw usage(`--${k} must be one of ${o.choices.join(', ')} (got "${v}")`);
    }
    values[k] = v;
  }
  return { values, positionals: parsed.positionals };
}

function usageLine(spec: CommandSpec): string {
  return [...spec.args, Object.keys(spec.options).length > 0 ? '[options]' : ''].filter(Boolean).join(' ');
}

/** The help text of a command. */
export function helpText(spec: CommandSpec): string {
  const lines = [`Usage: keygrade ${spec.name} ${usageLine(spec)}`, '', spec.summary];
  if (spec.description) lines.push('', spec.description);
  const opts = Object.entries({ ...spec.options, help: HELP });
  lines.push('', 'Options:');
  const left = opts.map(([k, o]) => `${o.short ? `-${o.short}, ` : '    '}--${k}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  opts.forEach(([, o], i) => {
    const extra = [o.choices ? `one of: ${o.choices.join(', ')}` : '', o.default !== undefined && o.default !== false ? `default: ${String(o.default)}` : ''].filter(Boolean).join('; ');
    lines.push(`  ${left[i]!.padEnd(width)}${o.description}${extra ? ` (${extra})` : ''}`);
  });
  lines.push('', 'Examples:', ...spec.examples.map((e) => `  $ ${e}`));
  lines.push('', 'Exit codes: 0 ok, 1 a check failed, 2 usage or input error.');
  return lines.join('\n');
}

/** A command's implementation module. */
export interface CommandModule {
  spec: CommandSpec;
  run(parsed: Parsed, io: Io): Promise<number>;
}
