import { expect } from 'vitest';
import type { PendingToolCall } from '../../shared/approvals.js';
import { runBurrow } from './burrow-process.js';
import { waitFor } from './wait-for.js';

/**
 * Answers the first tool call that waits for a person, as one at a terminal does: finds it with
 * `burrow approvals list --json`, then runs `burrow approvals allow|deny ID`. Fails the test unless it is answered.
 */
export async function answerToolCall(env: Record<string, string>, answer: 'allow' | 'deny' = 'allow'): Promise<void> {
  let id = '';
  await waitFor(
    async () => {
      const listed = await runBurrow(['approvals', 'list', '--json'], env);
      id = listed.code === 0 ? ((JSON.parse(listed.stdout) as PendingToolCall[])[0]?.id ?? '') : '';
      return id !== '';
    },
    20_000,
    () => 'no tool call waited for approval',
    200,
  );
  const answered = await runBurrow(['approvals', answer, id], env);
  expect(answered.code, answered.stderr).toBe(0);
}
