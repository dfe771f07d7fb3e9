import { describe, expect, it } from 'vitest';
import { paddingPoolCounts, pooledRandomFill } from '../../electron/core/ssh/padding-pool.js';

describe('pooledRandomFill', () => {
  it('fills exactly the asked range with bytes never handed out before', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const packet = Buffer.alloc(40, 0xaa);
      pooledRandomFill(packet, 20, 16);
      expect(packet.subarray(0, 20).every((b) => b === 0xaa)).toBe(true);
      expect(packet.subarray(36).every((b) => b === 0xaa)).toBe(true);
      // 16 random bytes repeat with negligible chance unless the pool hands the same bytes out twice.
      const padding = packet.subarray(20, 36).toString('hex');
      expect(seen.has(padding)).toBe(false);
      seen.add(padding);
    }
    // 2000 × 16 bytes is several pools' worth.
    expect(paddingPoolCounts().refills).toBeGreaterThan(5);
  });

  it('leaves large requests and bad ranges to OpenSSL, which fills or refuses them as randomFillSync does', () => {
    const before = paddingPoolCounts().pooledFills;
    const big = Buffer.alloc(1024);
    pooledRandomFill(big);
    expect(big.some((b) => b !== 0)).toBe(true);
    expect(() => pooledRandomFill(Buffer.alloc(8), 4, 8)).toThrow(RangeError);
    expect(paddingPoolCounts().pooledFills).toBe(before);
  });
});
