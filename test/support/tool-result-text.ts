/** The text parts of an MCP tool result, a line each: what a model reads of it. */
export function toolResultText(result: unknown): string {
  return ((result as { content: { text: string }[] }).content ?? []).map((c) => c.text).join('\n');
}
