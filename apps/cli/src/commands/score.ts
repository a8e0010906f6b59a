import { roman, type Lang } from '@keygrade/catalog';
import { scoreJson } from '@keygrade/report';
import { score } from '@keygrade/scoring';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { EXIT } from '../exit.js';
import { loadAssessment } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'score',
  summary: 'Score an assessment: every aspect\'s level and the system level (its weakest aspect).',
  args: ['<file>'],
  options: {
    json: { type: 'boolean', description: 'print { edition, systemLevel, complete, aspects, notAssessed } as JSON' },
    lang: langOption('language of titles'),
    'fail-under': { type: 'string', value: '<1|2|3>', description: 'exit 1 when the system level is below this level', choices: ['1', '2', '3'] },
  },
  examples: ['keygrade score assessment.yaml', 'keygrade score assessment.yaml --json', 'keygrade score assessment.yaml --fail-under 2'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const assessment = loadAssessment(io, positionals[0]!);
  const result = score(assessment.edition, assessment.answers, values.lang as Lang);
  const failed = values['fail-under'] !== undefined && result.systemLevel < Number(values['fail-under']);
  if (values.json) {
    out(io, JSON.stringify(scoreJson(result), null, 2));
    return failed ? EXIT.checkFailed : EXIT.ok;
  }
  const { meta } = assessment;
  out(io, `${meta.organization} — ${meta.system} (${assessment.edition.id}, assessed ${meta.assessed_at})`);
  out(io);
  const width = Math.max(...result.aspects.map((a) => a.title.length));
  for (const a of result.aspects) {
    const bar = [1, 2, 3].map((l) => (l <= a.level ? '■' : '□')).join('');
    out(io, `  ${a.id}  ${a.title.padEnd(width)}  ${bar}  ${a.level === 0 ? 'uncertified' : `Level ${roman(a.level)}`}`);
    const weak = a.controls.filter((c) => c.level === a.level && a.level < 3);
    if (weak.length > 0) out(io, `        ${''.padEnd(width)}  held by ${weak.map((c) => `${c.id} (${c.level === 0 ? 'none' : roman(c.level)})`).join(', ')}`);
  }
  out(io);
  out(io, `System level: ${result.systemLevel === 0 ? 'uncertified (some aspect does not reach Level I)' : `Level ${roman(result.systemLevel)}`}`);
  if (!result.complete) {
    const shown = result.notAssessed.slice(0, 8).join(', ');
    out(io, `Incomplete: ${result.notAssessed.length} requirement${result.notAssessed.length === 1 ? '' : 's'} not assessed (${shown}${result.notAssessed.length > 8 ? ', …' : ''}).`);
    out(io, `Continue with: keygrade checklist ${positionals[0]!}`);
  } else out(io, 'Complete: every requirement is answered.');
  return failed ? EXIT.checkFailed : EXIT.ok;
}
