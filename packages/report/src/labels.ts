/**
 * The fixed wording of reports in each language Keygrade writes (catalog titles and summaries
 * come from the edition itself). Every renderer takes its headings from here, so the HTML,
 * Markdown, PDF and SVG outputs say the same thing.
 */
import { roman, type Lang, type LevelOrZero } from '@keygrade/catalog';
import type { Status } from '@keygrade/scoring';
import type { EvidenceCheck, ReportModel } from './model.js';
import { displayDateTime } from './text-util.js';

/** The fixed wording of a report in one language. */
export interface Labels {
  reportTitle: string;
  organization: string;
  system: string;
  scope: string;
  assessor: string;
  assessedAt: string;
  edition: string;
  generatedAt: string;
  summary: string;
  systemLevel: string;
  completeness: string;
  complete: string;
  incomplete: (notAssessed: number, total: number) => string;
  requirements: string;
  status: string;
  count: string;
  scorecard: string;
  aspect: string;
  levelChart: string;
  narrative: string;
  controls: string;
  notes: string;
  noNotes: string;
  level: string;
  gaps: (target: string) => string;
  gapsIntro: (total: number, target: string) => string;
  noGaps: string;
  requirement: string;
  text: string;
  currentStatus: string;
  evidence: string;
  noEvidence: string;
  key: string;
  reference: string;
  state: string;
  found: string;
  disclaimer: string;
  shortDisclaimer: string;
  page: (n: number, of: number) => string;
  statuses: Record<Status, string>;
  evidenceStates: Record<EvidenceCheck['state'], string>;
  carried: Record<'comparable_control' | 'relies_on' | 'justification', string>;
  uncertified: string;
}

const EN: Labels = {
  reportTitle: 'CCSS self-assessment report',
  organization: 'Organization',
  system: 'System',
  scope: 'Scope',
  assessor: 'Assessor',
  assessedAt: 'Assessed',
  edition: 'Edition',
  generatedAt: 'Generated',
  summary: 'Summary',
  systemLevel: 'System level',
  completeness: 'Completeness',
  complete: 'Complete: every requirement is answered.',
  incomplete: (n, total) => `Incomplete: ${n} of ${total} requirements not assessed.`,
  requirements: 'Requirements',
  status: 'Status',
  count: 'Count',
  scorecard: 'Scorecard',
  aspect: 'Aspect',
  levelChart: 'Aspect levels',
  narrative: 'Aspects in detail',
  controls: 'Controls',
  notes: 'Notes',
  noNotes: 'No notes.',
  level: 'Level',
  gaps: (t) => `Gaps to Level ${t}`,
  gapsIntro: (n, t) => `${n} requirement${n === 1 ? '' : 's'} to close to reach Level ${t}.`,
  noGaps: 'No gaps: every requirement up to the target level is satisfied.',
  requirement: 'Requirement',
  text: 'Text',
  currentStatus: 'Current status',
  evidence: 'Evidence index',
  noEvidence: 'No evidence referenced.',
  key: 'Key',
  reference: 'Path / URL',
  state: 'State',
  found: 'found',
  disclaimer:
    'This is a self-assessment produced with Keygrade. It is not a CCSS certification: only an audit by a CCSS Auditor can certify a system.',
  shortDisclaimer: 'Self-assessment, not a CCSS certification',
  page: (n, of) => `Page ${n} of ${of}`,
  statuses: {
    in_place: 'In place',
    in_place_comparable: 'In place (comparable control)',
    qualified_in_place: 'Qualified for in place',
    not_applicable: 'Not applicable',
    not_in_place: 'Not in place',
    not_assessed: 'Not assessed',
  },
  evidenceStates: { verified: 'verified', mismatch: 'MISMATCH', missing: 'missing', 'not-checked': 'not checked' },
  carried: { comparable_control: 'Comparable control', relies_on: 'Relies on', justification: 'Justification' },
  uncertified: 'Uncertified',
};

const ZH: Labels = {
  reportTitle: 'CCSS 自评估报告',
  organization: '组织',
  system: '系统',
  scope: '范围',
  assessor: '评估人',
  assessedAt: '评估日期',
  edition: '版本',
  generatedAt: '生成时间',
  summary: '概要',
  systemLevel: '系统等级',
  completeness: '完成度',
  complete: '完整：每项要求都已作答。',
  incomplete: (n, total) => `未完成：${total} 项要求中有 ${n} 项未评估。`,
  requirements: '要求',
  status: '状态',
  count: '数量',
  scorecard: '评分卡',
  aspect: '方面',
  levelChart: '各方面等级',
  narrative: '各方面详情',
  controls: '控制项',
  notes: '备注',
  noNotes: '无备注。',
  level: '等级',
  gaps: (t) => `距离 ${t} 级的差距`,
  gapsIntro: (n, t) => `要达到 ${t} 级，还需落实 ${n} 项要求。`,
  noGaps: '无差距：目标等级及以下的要求均已满足。',
  requirement: '要求',
  text: '内容',
  currentStatus: '当前状态',
  evidence: '证据索引',
  noEvidence: '未引用任何证据。',
  key: '条目',
  reference: '路径 / URL',
  state: '校验',
  found: '实际',
  disclaimer: '本报告是使用 Keygrade 完成的自评估，并非 CCSS 认证：只有 CCSS 审计员的审计才能认证一个系统。',
  shortDisclaimer: '自评估，非 CCSS 认证',
  page: (n, of) => `第 ${n} 页，共 ${of} 页`,
  statuses: {
    in_place: '已落实',
    in_place_comparable: '以可比控制落实',
    qualified_in_place: '依托合格服务商落实',
    not_applicable: '不适用',
    not_in_place: '未落实',
    not_assessed: '未评估',
  },
  evidenceStates: { verified: '已验证', mismatch: '不一致', missing: '缺失', 'not-checked': '未校验' },
  carried: { comparable_control: '可比控制', relies_on: '依托', justification: '理由' },
  uncertified: '未认证',
};

/** The report wording in a language (English when the language has none). */
export function labels(lang: Lang): Labels {
  return lang === 'zh-CN' ? ZH : EN;
}

/** "Level II", or the language's word for uncertified at level 0. */
export function levelName(level: LevelOrZero, lang: Lang): string {
  const l = labels(lang);
  if (level === 0) return l.uncertified;
  return lang === 'zh-CN' ? `${roman(level)} 级` : `Level ${roman(level)}`;
}

/** The label/value rows describing the assessment, shared by every report format. */
export function metaRows(model: ReportModel, L: Labels): [string, string][] {
  const { meta, edition } = model;
  return [
    [L.organization, meta.organization],
    [L.system, meta.system],
    ...(meta.scope ? [[L.scope, meta.scope] as [string, string]] : []),
    ...(meta.assessor ? [[L.assessor, meta.assessor] as [string, string]] : []),
    [L.assessedAt, meta.assessedAt],
    [L.edition, `${edition.name} (${edition.id})`],
    [L.generatedAt, displayDateTime(model.generatedAt)],
  ];
}
