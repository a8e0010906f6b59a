import type { Lang } from '@keygrade/catalog';
import { buildReportModel, renderScorecardSvg } from '@keygrade/report';
import { langOption, type CommandSpec, type Parsed } from '../command.js';
import { loadAssessment, writeOutput } from '../files.js';
import { out, type Io } from '../io.js';

export const spec: CommandSpec = {
  name: 'scorecard',
  summary: 'Draw the scorecard matrix (aspects × Levels I–III with check marks) as an SVG image.',
  args: ['<file>'],
  options: {
    output: { type: 'string', short: 'o', value: '<file.svg>', description: 'where to write the SVG (default: stdout)' },
    lang: langOption('language of the aspect titles'),
  },
  examples: ['keygrade scorecard assessment.yaml -o card.svg', 'keygrade scorecard assessment.yaml --lang zh-CN > card.svg'],
};

export async function run({ values, positionals }: Parsed, io: Io): Promise<number> {
  const file = positionals[0]!;
  const model = buildReportModel(loadAssessment(io, file), { generatedAt: io.now().toISOString(), lang: values.lang as Lang });
  const written = writeOutput(io, values.output as string | undefined, renderScorecardSvg(model), { protect: [file] });
  if (written) out(io, `Wrote scorecard to ${values.output as string}`);
  return 0;
}
