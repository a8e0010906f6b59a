/**
 * A shuffled deck typed in by a person: parsing, duplicates and missing cards, entropy accounting.
 *
 * Notation: a card is a rank then a suit. Ranks: A 2 3 4 5 6 7 8 9 T (or 10) J Q K. Suits:
 * S H D C or ♠ ♥ ♦ ♣ (♤ ♡ ♢ ♧ too). Letters may be upper or lower case. Cards may be separated
 * by whitespace, `,` or `;`, or written together: `AS 10H QD`, `as,th,qd` and `AsThQd` are the
 * same three cards. The canonical form is rank letter plus suit letter, upper case: `AS TH QD`.
 */
import type { Problem } from '@keygrade/errors';
import { shuffleEntropyBits } from './entropy.js';
import { RandomnessError } from './errors.js';

export const RANKS = 'A23456789TJQK';
export const SUITS = 'SHDC';
const SUIT_SYMBOLS: Readonly<Record<string, string>> = { '♠': 'S', '♤': 'S', '♥': 'H', '♡': 'H', '♦': 'D', '♢': 'D', '♣': 'C', '♧': 'C' };
const SEPARATOR = /[\s,;]/;

/** One card as typed: canonical code such as `TH`, and where it was typed. */
export interface Card {
  code: string;
  line: number;
  column: number;
}

/** The 52 card codes in order: AS 2S … KS AH … KC. */
export function fullDeck(): string[] {
  return [...SUITS].flatMap((s) => [...RANKS].map((r) => `${r}${s}`));
}

/**
 * Parses cards. Throws CARDS_INVALID listing every unreadable card with its line and column, and
 * CARDS_DUPLICATE listing every card that appears twice (a shuffle holds each card once).
 */
export function parseCards(text: string): Card[] {
  const chars = [...text];
  const cards: Card[] = [];
  const problems: Problem[] = [];
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < chars.length; ) {
    const ch = chars[i]!;
    if (ch === '\n') {
      line++;
      lineStart = ++i;
      continue;
    }
    if (SEPARATOR.test(ch)) {
      i++;
      continue;
    }
    const column = i - lineStart + 1;
    let rank: string | undefined;
    let len = 1;
    const up = ch.toUpperCase();
    if (ch === '1' && chars[i + 1] === '0') {
      rank = 'T';
      len = 2;
    } else if (RANKS.includes(up)) rank = up;
    const suitChar = chars[i + len];
    const suit = suitChar === undefined ? undefined : (SUIT_SYMBOLS[suitChar] ?? (SUITS.includes(suitChar.toUpperCase()) ? suitChar.toUpperCase() : undefined));
    if (rank && suit) {
      cards.push({ code: `${rank}${suit}`, line, column });
      i += len + 1;
      continue;
    }
    // Report the unreadable text up to the next separator, then carry on after it.
    let end = i;
    while (end < chars.length && !SEPARATOR.test(chars[end]!)) end++;
    const bad = chars.slice(i, Math.max(end, i + 1)).join('');
    const why = !rank ? `"${ch}" is not a rank (A 2–9 T/10 J Q K)` : suitChar === undefined || SEPARATOR.test(suitChar) ? `rank ${rank === 'T' ? '10' : rank} has no suit (S H D C)` : `"${suitChar}" is not a suit (S H D C or ♠ ♥ ♦ ♣)`;
    problems.push({ line, column, message: `cannot read "${bad}": ${why}` });
    i = Math.max(end, i + 1);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    throw new RandomnessError('CARDS_INVALID', `${problems.length} unreadable card${problems.length === 1 ? '' : 's'}${problems.length > shown.length ? ` (first ${shown.length} shown)` : ''}`, { problems: shown });
  }
  const first = new Map<string, Card>();
  const dup: Problem[] = [];
  for (const c of cards) {
    const f = first.get(c.code);
    if (f) dup.push({ line: c.line, column: c.column, message: `${c.code} again (first at line ${f.line}, column ${f.column})` });
    else first.set(c.code, c);
  }
  if (dup.length > 0) throw new RandomnessError('CARDS_DUPLICATE', `${dup.length} duplicate card${dup.length === 1 ? '' : 's'}: a shuffled deck holds each card once`, { problems: dup.slice(0, 20) });
  return cards;
}

/** The findings on a (partial) shuffled deck. */
export interface DeckReport {
  cards: number;
  /** The cards in order, canonical codes. */
  order: string[];
  /** Cards of the 52 not in the input (empty for a full deck). */
  missing: string[];
  complete: boolean;
  /** log2(52! / (52 − k)!) for k cards. */
  entropyBits: number;
  keyBits: number;
  enough: boolean;
}

/** Missing cards and entropy against a key strength (default 256) of a parsed deck. */
export function analyzeDeck(cards: readonly Card[], options: { keyBits?: number } = {}): DeckReport {
  const keyBits = options.keyBits ?? 256;
  const seen = new Set(cards.map((c) => c.code));
  const missing = fullDeck().filter((c) => !seen.has(c));
  const entropyBits = shuffleEntropyBits(seen.size);
  return { cards: cards.length, order: cards.map((c) => c.code), missing, complete: missing.length === 0, entropyBits, keyBits, enough: entropyBits + 1e-9 >= keyBits };
}
