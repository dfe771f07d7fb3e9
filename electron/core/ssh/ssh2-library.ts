import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Ssh2 from 'ssh2';
import { pooledRandomFill } from './padding-pool.js';

const require = createRequire(import.meta.url);

/**
 * ssh2, loaded so that its packet ciphers take their random padding from a pool (padding-pool.ts). ssh2's
 * crypto module picks `randomFillSync` off node:crypto once, when it loads; it is loaded here first with the pooled
 * function in that place, which is put back at once, so nothing else in the process draws from the pool. Every
 * engine module gets ssh2 from here (a lint rule says so): had anything loaded ssh2 before, ssh2 would keep
 * OpenSSL's function and only lose the speed (test/integration/ssh2-padding-pool.test.ts checks the pool is used).
 * An ssh2 whose crypto module is elsewhere loads as it is, with OpenSSL's padding.
 */
function loadSsh2(): typeof Ssh2 {
  const original = crypto.randomFillSync;
  crypto.randomFillSync = pooledRandomFill as typeof crypto.randomFillSync;
  try {
    require('ssh2/lib/protocol/crypto.js');
  } catch {
    // Moved or not exported in this ssh2: nothing was taken from the pool.
  } finally {
    crypto.randomFillSync = original;
  }
  return require('ssh2') as typeof Ssh2;
}

const ssh2 = loadSsh2();
export default ssh2;
