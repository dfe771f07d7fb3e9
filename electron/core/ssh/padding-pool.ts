import { randomFillSync } from 'node:crypto';

/** Random bytes drawn from OpenSSL's generator in one call and handed out in pieces, each byte once. */
const POOL_BYTES = 4096;
/** Larger requests are not padding: they go to OpenSSL directly. */
const MAX_POOLED_BYTES = 255;

const pool = Buffer.allocUnsafe(POOL_BYTES);
let used = POOL_BYTES;
let refills = 0;
let pooledFills = 0;

/**
 * randomFillSync(buffer, offset, size) for the random padding of every SSH packet. ssh2 asks OpenSSL for a few
 * bytes per packet, and each such call cost ~0.02 ms of a small call's CPU (OpenSSL's per-call locking and fork
 * check, a cold cache after each wake-up); OpenSSH likewise takes its padding from a buffered generator
 * (arc4random_buf). The bytes are OpenSSL's all the same, none is used twice.
 */
export function pooledRandomFill<T extends NodeJS.ArrayBufferView>(buffer: T, offset = 0, size?: number): T {
  const length = size ?? buffer.byteLength - offset;
  if (!Buffer.isBuffer(buffer) || !Number.isInteger(offset) || !Number.isInteger(length) || length > MAX_POOLED_BYTES || length < 0 || offset < 0 || offset + length > buffer.length) {
    return randomFillSync(buffer, offset, size);
  }
  if (used + length > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
    refills++;
  }
  pool.copy(buffer, offset, used, used + length);
  used += length;
  pooledFills++;
  return buffer;
}

/** How often the pool served a fill and went back to OpenSSL (for the test that it is in use). */
export function paddingPoolCounts(): { pooledFills: number; refills: number } {
  return { pooledFills, refills };
}
