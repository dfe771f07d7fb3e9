import { createWriteStream, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { describeFileError, makeDir } from '../file-errors.js';

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

/**
 * One file per day in `dir`, opened lazily and switched at midnight.
 * A log file that cannot be written never stops what is being logged (a `connect` session, the daemon):
 * the sink says so once on stderr, naming the file and why, drops file lines for the rest of that day,
 * and tries again with the next day's file.
 */
export function dailyFileSink(
  dir: string,
  level: LogLevel,
  name = 'burrow',
  warn: (line: string) => void = (line) => process.stderr.write(`burrow: warn: ${line}\n`),
): { level: LogLevel; write: Sink } {
  let day = '';
  let stream: WriteStream | undefined;
  let failedDay = '';
  const fail = (error: unknown, path: string, verb: string) => {
    stream?.destroy();
    stream = undefined;
    if (failedDay === day) return;
    failedDay = day;
    warn(`${describeFileError(error, path, verb)}; going on without a log file`);
  };
  return {
    level,
    write: (lvl, line) => {
      const now = new Date();
      const today = now.toISOString().slice(0, 10);
      if (today !== day) {
        stream?.end();
        stream = undefined;
        day = today;
        const file = join(dir, `${name}-${today}.log`);
        try {
          makeDir(dir, 0o700);
        } catch (error) {
          return fail(error, dir, 'create the log folder');
        }
        const opened = createWriteStream(file, { flags: 'a', mode: 0o600 });
        // Open and write errors arrive as events: unhandled, they would end the process.
        opened.on('error', (error) => {
          if (stream === opened) fail(error, file, 'write the log file');
        });
        stream = opened;
      }
      stream?.write(`${now.toISOString()} ${lvl.toUpperCase()} ${line}\n`);
    },
  };
}

export function createLogger(sinks: { level: LogLevel; write: Sink }[], scope = ''): Logger {
  return new SinkLogger(sinks, scope);
}

export const silentLogger: Logger = createLogger([]);
