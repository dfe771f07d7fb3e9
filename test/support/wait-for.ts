/**
 * Polls real state (a log line, a status, a count of logins or processes) until `test` holds, and fails
 * with `describe()` (what was seen instead) after `timeoutMs`. Tests wait with this, never with a bare sleep.
 */
export async function waitFor(test: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string, intervalMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
