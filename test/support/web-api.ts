/** Calls the daemon's web bridge as the page does: POST /api/<method>, JSON args, bearer token. */
export function webApiCaller(origin: string, token: string) {
  return async (method: string, ...args: unknown[]): Promise<unknown> => {
    const res = await fetch(`${origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(args),
    });
    const body = (await res.json()) as { result?: unknown; error?: string };
    if (!res.ok) throw new Error(body.error);
    return body.result;
  };
}
