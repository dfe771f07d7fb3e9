/**
 * Times and durations as a person at this terminal reads them, in the local time zone (TZ). Every human table
 * and line of the CLI uses these; `--json` keeps the engine's ISO UTC text, which programs read.
 */

const pad = (n: number) => String(n).padStart(2, '0');
const DAY_MS = 24 * 3600_000;

const sameLocalDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();

/** "14:03:12" on the same local day as `now`, else "2026-11-30 14:03"; text that is no time is returned as it is. */
export function localTimeText(iso: string, now = new Date()): string {
  const t = new Date(iso);
  if (!iso || Number.isNaN(t.getTime())) return iso;
  const clock = `${pad(t.getHours())}:${pad(t.getMinutes())}`;
  if (sameLocalDay(t, now)) return `${clock}:${pad(t.getSeconds())}`;
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${clock}`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago"; a time ahead of `now` reads "in 5 min". */
export function relativeText(iso: string, now = new Date()): string {
  const ms = now.getTime() - new Date(iso).getTime();
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 5) return 'just now';
  const span = s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min` : s < DAY_MS / 1000 ? `${Math.floor(s / 3600)} h` : `${Math.floor(s / 86_400)} day${s < 2 * 86_400 ? '' : 's'}`;
  return ms >= 0 ? `${span} ago` : `in ${span}`;
}

/**
 * A time in a table or a line: the local time, plus how long ago while that is within a day (when "14:03:12"
 * alone leaves a person counting): "14:03:12 (5 min ago)", "2026-11-30 14:03". Nothing given, nothing shown.
 */
export function whenText(iso: string | undefined, now = new Date()): string {
  if (!iso) return '';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const local = localTimeText(iso, now);
  return Math.abs(now.getTime() - t.getTime()) < DAY_MS ? `${local} (${relativeText(iso, now)})` : local;
}

/** A length of time in whole seconds: "42s", "5m 3s", "2h 10m" (uptime, time left). */
export function durationText(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}
