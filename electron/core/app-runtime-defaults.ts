/** How long an unused SSH connection stays open unless the settings or `burrow daemon --idle-timeout` say otherwise. */
export const DEFAULT_IDLE_TIMEOUT_SEC = 600;
