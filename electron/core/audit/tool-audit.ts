import { join } from 'node:path';
import { logDir } from '../paths.js';
import { HashChainLog } from './hash-chain-log.js';

/** Who decided that a tool call may run or may not. */
export type ToolDecider = 'policy' | 'command-rule' | 'person' | 'session' | 'never-offered' | 'nobody';

/**
 * One audit record of a built-in SSH tool call. `call` is written after the decision and BEFORE anything is sent
 * (if it cannot be written, nothing is sent); `result` after the call, with what came of it. Arguments are
 * redacted of loaded secrets before they get here.
 */
export type ToolAuditEntry =
  | {
      phase: 'call';
      callId: string;
      hostSession: string;
      client: { name?: string; version?: string };
      remote?: string;
      tool: string;
      args: Record<string, unknown>;
      decision: 'allow' | 'deny' | 'timeout';
      decidedBy: ToolDecider;
    }
  | {
      phase: 'result';
      callId: string;
      hostSession: string;
      remote?: string;
      tool: string;
      ok: boolean;
      exitCode?: number | null;
      signal?: string | null;
      bytesIn?: number;
      bytesOut?: number;
      durationMs: number;
      error?: string;
    };

/** Where tool calls are recorded. `append` throws when the record cannot be written. */
export interface ToolAudit {
  append(entry: ToolAuditEntry): void;
}

/** The tool audit as a hash-chained JSON-lines file (see hash-chain-log.ts; `burrow audit verify` checks it). */
export class ToolAuditLog implements ToolAudit {
  private readonly log: HashChainLog;

  constructor(file: string) {
    this.log = new HashChainLog(file);
  }

  get file(): string {
    return this.log.file;
  }

  append(entry: ToolAuditEntry): void {
    this.log.append({ kind: 'tool-call', ...entry });
  }
}

/** Where the engine keeps the tool audit unless told otherwise: `<burrow home>/logs/tool-audit.jsonl`. */
export function defaultToolAuditFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(logDir(env), 'tool-audit.jsonl');
}
