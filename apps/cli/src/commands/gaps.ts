import { roman, type Lang, type Level } from '@keygrade/catalog';
import { gaps, STATUS_RULES } from '@keygrade/scoring';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { loadAssessment } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'gaps',
  summary: 'List every requirement still to close to reach a target level, grouped by aspect.',
  args: ['<file>'],
  options: {
    target: { type: 'string', short: 't', value: '<1|2|3>', description: 'the level to reach', choices: ['1', '2', '3'], default: '1' },
    json: { type: 'boolean', description: 'print JSON' },
    lang: langOption('language of the wording'),
    fail: { type: 'boolean', description: 'exit 1 when there are gaps (for CI)' },
  },
  examples: ['keygrade gaps assessment.yaml --target 2', 'keygrade gaps assessment.yaml -t 3 --json', 'keygrade gaps assessment.yaml --target 1 --fail'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const assessment = loadAssessment(io, positionals[0]!);
  const target = Number(values.target) as Level;
  const result = gaps(assessment.edition, assessment.answers, target, values.lang as Lang);
  const code = values.fail && result.total > 0 ? EXIT.checkFailed : EXIT.ok;
  if (values.json) {
    out(io, JSON.stringify(result, null, 2));
    return code;
  }
  if (result.total === 0) {
    out(io, `No gaps: every requirement up to Level ${roman(target)} is satisfied.`);
    return code;
  }
  out(io, `${result.total} requirement${result.total === 1 ? '' : 's'} to close for Level ${roman(target)} (system level now: ${result.systemLevel === 0 ? 'uncertified' : roman(result.systemLevel)})`);
  for (const a of result.aspects) {
    out(io);
    out(io, `${a.id} ${a.title} (now ${a.level === 0 ? 'uncertified' : `Level ${roman(a.level)}`})`);
    for (const r of a.requirements) out(io, `  [${roman(r.level).padEnd(3)}] ${r.id.padEnd(11)} ${STATUS_RULES[r.status].label.toLowerCase().padEnd(13)} ${r.text}`);
  }
  out(io);
  out(io, 'Close a gap with status in_place, or in_place_comparable (+ comparable_control), qualified_in_place (+ relies_on), not_applicable (+ justification).');
  return code;
}
