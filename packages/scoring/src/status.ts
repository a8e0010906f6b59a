/**
 * Answer statuses of SCORING.md ("Answers"): which count as satisfied and what each must carry.
 * The v9 finding statuses of an audit use the same five values (CCSS-PRIMER.md).
 */

export const STATUSES = ['in_place', 'in_place_comparable', 'qualified_in_place', 'not_applicable', 'not_in_place', 'not_assessed'] as const;
export type Status = (typeof STATUSES)[number];

/** The field a status must carry, if any. */
export type CarriedField = 'comparable_control' | 'relies_on' | 'justification';

export interface StatusRule {
  satisfied: boolean;
  mustCarry?: CarriedField;
  label: string;
  /** What the carried field must say, for error messages and prompts. */
  carryHint?: string;
}

export const STATUS_RULES: Readonly<Record<Status, StatusRule>> = {
  in_place: { satisfied: true, label: 'In place' },
  in_place_comparable: {
    satisfied: true,
    mustCarry: 'comparable_control',
    label: 'In place with a comparable control',
    carryHint: 'what is done instead and why it meets the intent',
  },
  qualified_in_place: {
    satisfied: true,
    mustCarry: 'relies_on',
    label: 'Qualified for in place',
    carryHint: 'the certified service provider or certificate relied upon',
  },
  not_applicable: { satisfied: true, mustCarry: 'justification', label: 'Not applicable', carryHint: 'why the requirement does not apply' },
  not_in_place: { satisfied: false, label: 'Not in place' },
  not_assessed: { satisfied: false, label: 'Not assessed' },
};

/** The answer of one requirement as scoring sees it. */
export interface Answer {
  status: Status;
  comparable_control?: string;
  relies_on?: string;
  justification?: string;
}

/** True for a known status string. */
export function isStatus(s: unknown): s is Status {
  return typeof s === 'string' && (STATUSES as readonly string[]).includes(s);
}

/** The problem with an answer, or undefined when it carries what its status requires. */
export function answerProblem(answer: Answer): string | undefined {
  const rule = STATUS_RULES[answer.status];
  if (!rule.mustCarry) return undefined;
  const value = answer[rule.mustCarry];
  if (typeof value !== 'string' || value.trim() === '') return `status ${answer.status} must carry ${rule.mustCarry} (${rule.carryHint})`;
  return undefined;
}
