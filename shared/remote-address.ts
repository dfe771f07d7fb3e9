/** The one-line form people read in lists and errors. */
export function describeRemoteAddress(r: { user: string; host: string; port: number }): string {
  return `${r.user}@${r.host}:${r.port}`;
}
