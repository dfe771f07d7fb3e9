/** How an unknown or changed host key is treated. `insecure` is `--disable-host-key-checking`. */
export const HOST_KEY_POLICIES = ['ask', 'strict', 'accept-new', 'insecure'] as const;
export type HostKeyPolicy = (typeof HOST_KEY_POLICIES)[number];

/** For flags: the policies a person may name (insecure has its own, louder flag). */
export function parseHostKeyPolicy(text: string): HostKeyPolicy {
  if (text === 'ask' || text === 'strict' || text === 'accept-new') return text;
  throw new Error(`unknown host-key policy "${text}" (use ask, strict or accept-new)`);
}
