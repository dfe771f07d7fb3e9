import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { tokenPath } from '../paths.js';

/** What a client needs to reach the running engine; kept in the user-only runtime folder. */
export interface DaemonInfo {
  pid: number;
  socket: string;
  token: string;
  version: string;
  ui?: string;
}

export function readDaemonInfo(env: NodeJS.ProcessEnv = process.env): DaemonInfo | undefined {
  try {
    return JSON.parse(readFileSync(tokenPath(env), 'utf8')) as DaemonInfo;
  } catch {
    return undefined;
  }
}

export function writeDaemonInfo(info: DaemonInfo, env: NodeJS.ProcessEnv = process.env): void {
  const file = tokenPath(env);
  writeFileSync(`${file}.tmp`, JSON.stringify(info), { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
