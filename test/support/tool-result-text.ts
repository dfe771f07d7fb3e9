/** The text parts of an MCP tool result, a line each: what a model reads of it. */
export function toolResultText(result: unknown): string {
  return ((result as { content: { text: string }[] }).content ?? []).map((c) => c.text).join('\n');
}

/** A built-in tool's structured result (structuredContent): Burrow's fields, where the text has mcp-remote-ssh's shape. */
export function toolResultJson(result: unknown): Record<string, any> {
  const structured = (result as { structuredContent?: Record<string, any> }).structuredContent;
  if (structured === undefined) throw new Error(`no structuredContent in the result: ${toolResultText(result)}`);
  return structured;
}
