/**
 * mcp-remote-ssh's argument names as aliases of Burrow's, so its users switch without changing their prompts or
 * code. Burrow's names stay primary (documented first); an alias given together with its primary name must agree.
 */

/** Arguments that would carry a credential from the model: never written to the audit, never echoed. */
export const CREDENTIAL_ARGS = ['password', 'sudo_password'] as const;

/** The value given under either name; both given with different values is an error naming both. */
export function either<T>(primary: string, a: T | undefined, alias: string, b: T | undefined): T | undefined {
  if (a !== undefined && b !== undefined && a !== b) throw new Error(`${primary} and ${alias} are the same argument and disagree: give one`);
  return a ?? b;
}

/**
 * Refuses a credential the model passes (mcp-remote-ssh's `password`, `sudo_password`). An empty string is how
 * mcp-remote-ssh says "none", so it passes.
 */
export function refuseCredential(name: string, value: string | undefined, instead: string): void {
  if (value === undefined || value === '') return;
  throw new Error(
    `${name} is refused: Burrow never takes a password from the model (one the model holds has already leaked: change it); ${instead}. Nothing was run`,
  );
}

/** Arguments as the audit records them: any credential replaced by a mark, never its value. */
export function withoutCredentials(args: Record<string, unknown>): Record<string, unknown> {
  const out = { ...args };
  for (const k of CREDENTIAL_ARGS) if (typeof out[k] === 'string' && out[k] !== '') out[k] = '[withheld]';
  return out;
}

/** The last `lines` lines of `text`, and how many came before them (mcp-remote-ssh's `lines` / `read_lines`). */
export function tailLines(text: string, lines: number | undefined): { output: string; omitted_lines?: number } {
  if (lines === undefined) return { output: text };
  const parts = text.split('\n');
  // A trailing newline ends the last line; it does not start an empty one.
  const count = text.endsWith('\n') ? parts.length - 1 : parts.length;
  if (count <= lines) return { output: text };
  const kept = parts.slice(count - lines).join('\n');
  return { output: kept, omitted_lines: count - lines };
}
