/** An element id from names a server chose (which may hold spaces or slashes): ids and `list=` need none. */
export function fieldId(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9_-]/g, '_')).join('-');
}
