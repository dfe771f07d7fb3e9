import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Accepts Burrow's levels and m2m's Python names (DEBUG, INFO, WARNING, ERROR, CRITICAL). */
export function parseLogLevel(text: string): LogLevel {
  const t = text.trim().toLowerCase();
  if (t === 'warning') return 'warn';
  if (t === 'critical' || t === 'fatal') return 'error';
  if ((LOG_LEVELS as readonly string[]).includes(t)) return t as LogLevel;
  throw new Error(`unknown log level "${text}" (use error, warn, info or debug)`);
}

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  enabled(level: LogLevel): boolean;
}

type Sink = (level: LogLevel, line: string) => void;

class SinkLogger implements Logger {
  constructor(
    private readonly sinks: { level: LogLevel; write: Sink }[],
    private readonly scope: string,
  ) {}
  enabled(level: LogLevel): boolean {
    const rank = LOG_LEVELS.indexOf(level);
    return this.sinks.some((s) => rank <= LOG_LEVELS.indexOf(s.level));
  }
  private log(level: LogLevel, message: string): void {
    const rank = LOG_LEVELS.indexOf(level);
    for (const sink of this.sinks) {
      if (rank <= LOG_LEVELS.indexOf(sink.level)) sink.write(level, `${this.scope}${message}`);
    }
  }
  error(m: string): void { this.log('error', m); }
  warn(m: string): void { this.log('warn', m); }
  info(m: string): void { this.log('info', m); }
  debug(m: string): void { this.log('debug', m); }
}

/** Stderr only: what `burrow connect` uses, since its stdout is protocol. */
export function stderrSink(level: LogLevel, prefix = 'burrow'): { level: LogLevel; write: Sink } {
  return {
    level,
    write: (lvl, line) => process.stderr.write(`${prefix}: ${lvl === 'info' ? '' : `${lvl}: `}${line}\n`),
  };
}

/** One file per day in `dir`, opened lazily and switched at midnight. */
export function dailyFileSink(dir: string, level: LogLevel, name = 'burrow'): { level: LogLevel; write: Sink } {
  let day = '';
  let stream: WriteStream | undefined;
  return {
    level,
    write: (lvl, line) => {
      const now = new Date();
      const today = now.toISOString().slice(0, 10);
      if (today !== day) {
        stream?.end();
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        stream = createWriteStream(join(dir, `${name}-${today}.log`), { flags: 'a', mode: 0o600 });
        day = today;
      }
      stream?.write(`${now.toISOString()} ${lvl.toUpperCase()} ${line}\n`);
    },
  };
}

export function createLogger(sinks: { level: LogLevel; write: Sink }[], scope = ''): Logger {
  return new SinkLogger(sinks, scope);
}

export const silentLogger: Logger = createLogger([]);
