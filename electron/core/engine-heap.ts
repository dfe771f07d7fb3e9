import { setFlagsFromString } from 'node:v8';

/**
 * How far V8's old generation may grow past what survived the last full collection before the next one: 300 %
 * (4×), the top of the range V8 picks from by itself (1.1×–4×).
 */
const HEAP_GROWING_PERCENT = 300;

/**
 * For a process that hosts the engine for long (the daemon, the tray app), not for helpers. Relaying a 1 MB
 * message allocates several MB of buffers outside the JS heap (ssh2's packets and cipher output, socket reads),
 * and V8 counts those toward its next full collection: with the small factor V8 chose for the engine's heap it
 * marked and compacted the whole heap every one to three 1 MB echoes. With 4× the daemon's CPU per 1 MB echo
 * went from 15–16 ms to 8 ms, its RSS after them +8 MB, small calls unchanged (docs/performance.md). V8 reads the
 * flag at every collection, so setting it after start takes effect.
 */
export function growHeapForRelaying(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
