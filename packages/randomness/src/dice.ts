/**
 * Dice rolls typed in by a person: parsing with every invalid character located, face counts, the
 * χ² goodness-of-fit test and entropy accounting.
 *
 * Notation: for dice of up to 9 sides each digit is one roll and anything else that is not
 * whitespace, `,` or `;` is an error (`3 1 6 2`, `3162`, `3,1,6,2` are the same four rolls); for
 * dice of 10 or more sides rolls are decimal numbers separated by whitespace, `,` or `;`.
 * Faces are numbered 1 to N.
 */
import type { Problem } from '@keygrade/errors';
import { chiSquareGoodnessOfFit, type ChiSquareResult } from './chi-square.js';
import { diceEntropyBits, rollsNeeded } from './entropy.js';
import { RandomnessError } from './errors.js';

/** One roll and where it was typed. */
export interface Roll {
  value: number;
  line: number;
  column: number;
}

const SEPARATOR = /[\s,;]/;

function checkSides(sides: number): void {
  if (!Number.isInteger(sides) || sides < 2 || sides > 1000) throw new RandomnessError('DICE_INVALID', `a die has 2 to 1000 sides (got ${sides})`);
}

/**
 * Parses rolls of a die with `sides` faces (default 6). Throws DICE_INVALID listing every invalid
 * character or number with its line and column.
 */
export function parseDiceRolls(text: string, sides = 6): Roll[] {
  checkSides(sides);
  const rolls: Roll[] = [];
  const problems: Problem[] = [];
  let line = 1;
  let column = 0;
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    column++;
    if (ch === '\n') {
      line++;
      column = 0;
      continue;
    }
    if (SEPARATOR.test(ch)) continue;
    if (sides <= 9) {
      const v = ch >= '0' && ch <= '9' ? Number(ch) : NaN;
      if (v >= 1 && v <= sides) rolls.push({ value: v, line, column });
      else problems.push({ line, column, message: `"${ch}" is not a roll of a d${sides} (1–${sides})` });
      continue;
    }
    // Sides ≥ 10: read a whole token up to the next separator.
    const start = column;
    let token = ch;
    while (i + 1 < chars.length && !SEPARATOR.test(chars[i + 1]!)) {
      token += chars[++i]!;
      column++;
    }
    const v = /^\d+$/.test(token) ? Number(token) : NaN;
    if (v >= 1 && v <= sides) rolls.push({ value: v, line, column: start });
    else problems.push({ line, column: start, message: `"${token}" is not a roll of a d${sides} (1–${sides})` });
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    throw new RandomnessError('DICE_INVALID', `${problems.length} invalid ${problems.length === 1 ? 'entry' : 'entries'} in the dice rolls${problems.length > shown.length ? ` (first ${shown.length} shown)` : ''}`, { problems: shown });
  }
  return rolls;
}

/** The findings on a sequence of rolls. */
export interface DiceReport {
  sides: number;
  rolls: number;
  /** counts[f − 1] = how often face f came up. */
  counts: number[];
  /** rolls × log2(sides). */
  entropyBits: number;
  /** The key strength asked about, the rolls it needs, and whether there are enough. */
  keyBits: number;
  rollsNeeded: number;
  enough: boolean;
  /** The χ² test of fairness, or why it was not run. */
  chiSquare: ChiSquareResult | { skipped: string };
}

/** Counts, entropy against a key strength (default 256) and the χ² fairness test (α default 0.01). */
export function analyzeDice(rolls: readonly number[], options: { sides?: number; keyBits?: number; alpha?: number } = {}): DiceReport {
  const sides = options.sides ?? 6;
  checkSides(sides);
  const keyBits = options.keyBits ?? 256;
  const counts = new Array<number>(sides).fill(0);
  for (const r of rolls) {
    if (!Number.isInteger(r) || r < 1 || r > sides) throw new RandomnessError('DICE_INVALID', `${r} is not a roll of a d${sides}`);
    counts[r - 1]!++;
  }
  let chiSquare: DiceReport['chiSquare'];
  try {
    chiSquare = chiSquareGoodnessOfFit(counts, { alpha: options.alpha ?? 0.01 });
  } catch (e) {
    if (!(e instanceof RandomnessError) || e.code !== 'CHI2_EXPECTED_TOO_SMALL') throw e;
    chiSquare = { skipped: e.message };
  }
  const entropyBits = diceEntropyBits(rolls.length, sides);
  const needed = rollsNeeded(keyBits, sides);
  return { sides, rolls: rolls.length, counts, entropyBits, keyBits, rollsNeeded: needed, enough: rolls.length >= needed, chiSquare };
}
