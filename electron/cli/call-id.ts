/** How much of a call's ID `burrow approvals list` shows (as git shows a commit): enough to tell a handful apart. */
const SHORT_ID = 8;

/** The start of `id` a list shows: SHORT_ID characters, more where another of `ids` starts the same. */
export function shortCallId(id: string, ids: string[]): string {
  let length = SHORT_ID;
  while (length < id.length && ids.some((other) => other !== id && other.startsWith(id.slice(0, length)))) length++;
  return id.slice(0, length);
}

/** Fewer characters could match a call that arrived after the list was read. */
const MIN_GIVEN = 4;

/** The waiting call whose ID is `given` or starts with it; one line (after `where`) naming the problem when none or several do. */
export function findCallId(given: string, calls: { id: string }[], where: string): string {
  if (given.length < MIN_GIVEN) throw new Error(`${where}: give at least ${MIN_GIVEN} characters of the ID (burrow approvals list shows ${SHORT_ID})`);
  const matching = calls.filter((c) => c.id.startsWith(given));
  if (matching.length > 1) throw new Error(`${where}: ${given} is the start of ${matching.length} waiting calls' IDs (${matching.map((c) => c.id).join(', ')}); give more of it`);
  if (matching.length === 0) throw new Error(`${where}: no tool call with ID ${given} waits for approval (answered elsewhere, or it timed out; burrow approvals list)`);
  return matching[0].id;
}
