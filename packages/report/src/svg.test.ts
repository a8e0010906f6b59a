import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LevelOrZero } from '@keygrade/catalog';
import { renderLevelChartSvg } from './chart-svg.js';
import { renderScorecardSvg } from './scorecard-svg.js';
import { wellFormedProblems, WORKED_EXAMPLE, workedExampleModel } from './test-fixtures.js';

const count = (text: string, re: RegExp) => (text.match(re) ?? []).length;

describe('renderScorecardSvg', () => {
  it('draws one check mark per level reached: exactly the sum of the aspect levels', () => {
    const svg = renderScorecardSvg(workedExampleModel());
    const sum = Object.values(WORKED_EXAMPLE).reduce<number>((n, l) => n + l, 0);
    assert.equal(count(svg, /class="kg-check"/g), sum);
    assert.equal(count(svg, /class="kg-row"/g), 10);
    assert.match(svg, /data-aspect="1\.02" data-level="3"/);
  });

  it('is a well-formed, accessible standalone SVG with the header and the system level', () => {
    const svg = renderScorecardSvg(workedExampleModel());
    assert.deepEqual(wellFormedProblems(svg), []);
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" [^>]*role="img"/);
    assert.match(svg, /<title id="kg-scorecard-title">[^<]*Acme Custody Ltd[^<]*System level: I<\/title>/);
    assert.match(svg, />System level: I</);
    assert.match(svg, />Cold Vault</);
    assert.match(svg, /CCSS \(2020 edition\) \(ccss-2020\)/);
    for (const l of ['Level I', 'Level II', 'Level III']) assert.match(svg, new RegExp(`>${l}<`));
  });

  it('escapes user text', () => {
    const svg = renderScorecardSvg(workedExampleModel({}, { organization: 'A<b>&"c"', system: "x'</svg>" }));
    assert.deepEqual(wellFormedProblems(svg), []);
    assert.match(svg, /A&lt;b&gt;&amp;&quot;c&quot;/);
    assert.doesNotMatch(svg, /x'<\/svg>/);
  });

  it('says Uncertified when some aspect is below Level I, and draws no mark for it', () => {
    const levels: Record<string, LevelOrZero> = { ...WORKED_EXAMPLE, '2.04': 0 };
    const model = workedExampleModel({}, { levels });
    const svg = renderScorecardSvg(model);
    assert.match(svg, />System level: Uncertified</);
    assert.match(svg, /data-aspect="2\.04" data-level="0"/);
    assert.equal(count(svg, /class="kg-check"/g), model.score.aspects.reduce((n, a) => n + a.level, 0));
  });

  it('leaves out the namespace when embedded in HTML', () => {
    assert.doesNotMatch(renderScorecardSvg(workedExampleModel(), { standalone: false }), /xmlns/);
  });
});

describe('renderLevelChartSvg', () => {
  it('draws one bar per aspect with its level, gridlines at I/II/III and the system-level marker', () => {
    const svg = renderLevelChartSvg(workedExampleModel());
    assert.deepEqual(wellFormedProblems(svg), []);
    assert.equal(count(svg, /class="kg-bar"/g), 10);
    for (const [id, level] of Object.entries(WORKED_EXAMPLE)) assert.match(svg, new RegExp(`class="kg-bar" data-aspect="${id.replace('.', '\\.')}" data-level="${level}"`));
    assert.equal(count(svg, /stroke-dasharray/g), 3);
    assert.equal(count(svg, /class="kg-system-marker"/g), 1);
    assert.match(svg, />System level: I</);
    assert.match(svg, /role="img" aria-labelledby="kg-chart-title kg-chart-desc"/);
  });

  it('widths grow with the level', () => {
    const svg = renderLevelChartSvg(workedExampleModel());
    const width = (level: number) => Number(new RegExp(`data-level="${level}" x="[\\d.]+" y="[\\d.]+" width="([\\d.]+)"`).exec(svg)![1]);
    assert.ok(width(1) < width(2) && width(2) < width(3));
    assert.ok(Math.abs(width(3) - 3 * width(1)) < 0.5);
  });
});
