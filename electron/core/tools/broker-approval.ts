import { randomUUID } from 'node:crypto';
import type { ToolApprovalOutcome, ToolApprovalRequest } from '../../../shared/tools.js';
import type { ApprovalBroker } from '../approvals/approval-broker.js';

/**
 * `ToolDeps.approve` through the engine's one approval queue: a `tool-call` item that a person answers
 * Allow once (`approve-once`), Allow for this session (`approve`) or Deny (`reject`).
 */
export function approveThroughBroker(broker: ApprovalBroker, timeoutMs: number): (request: ToolApprovalRequest, signal?: AbortSignal) => Promise<ToolApprovalOutcome> {
  return async (request, signal) => {
    const now = Date.now();
    const outcome = await broker.requestToolCall(
      {
        id: randomUUID(),
        kind: 'tool-call',
        remote: request.remote,
        tool: request.tool,
        client: request.client.name,
        detail: request.detail,
        reason: request.reason,
        requestedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + timeoutMs).toISOString(),
      },
      timeoutMs,
      signal,
    );
    if (outcome === 'approve-once') return 'allow-once';
    if (outcome === 'approve') return 'allow-session';
    if (outcome === 'timeout' || outcome === 'withdrawn') return outcome;
    return 'deny';
  };
}
