import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WalletError } from '../errors.js';
import { parseInventory } from './load.js';

describe('inventory YAML reader', () => {
  it('an alias bomb is refused as bad input with the file named, not expanded', () => {
    const level = (n: number) => `l${n}: &l${n} [${Array(9).fill(`*l${n - 1}`).join(',')}]`;
    const bomb = ['l0: &l0 [x,x,x,x,x,x,x,x,x]', ...[1, 2, 3, 4, 5, 6, 7].map(level)].join('\n');
    assert.throws(
      () => parseInventory(bomb, 'bomb.yaml'),
      (e: unknown) => e instanceof WalletError && e.code === 'INVENTORY_INVALID' && e.problems.some((p) => p.file === 'bomb.yaml' && /cannot be read: .*alias/i.test(p.message)),
    );
  });
});
