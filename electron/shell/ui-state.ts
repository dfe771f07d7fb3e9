/** The shell's own UI state (electron-store in main.ts): never settings, remotes or secrets. */
export type WindowKind = 'main' | 'inspector';
export type Theme = 'system' | 'light' | 'dark';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface UiState {
  windows: Partial<Record<WindowKind, WindowBounds>>;
  /** The remote the inspector showed last, reopened by the tray's plain "Inspector" item. */
  lastInspectorRemote?: string;
  theme: Theme;
}

export const UI_STATE_DEFAULTS: UiState = { windows: {}, theme: 'system' };

const DEFAULT_SIZE: Record<WindowKind, { width: number; height: number }> = { main: { width: 960, height: 680 }, inspector: { width: 1200, height: 800 } };
export const MIN_WINDOW = { width: 720, height: 480 };

/** A display's work area, as Electron's screen module gives it. */
export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where a window opens: its saved bounds if they are sane and still on a screen (a monitor may have
 * been unplugged since), else the default size centred by the OS.
 */
export function windowBounds(kind: WindowKind, saved: unknown, displays: Area[]): WindowBounds {
  const fallback = { ...DEFAULT_SIZE[kind] };
  if (!saved || typeof saved !== 'object') return fallback;
  const b = saved as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : undefined);
  const width = num(b.width);
  const height = num(b.height);
  if (width === undefined || height === undefined) return fallback;
  const size = { width: Math.max(MIN_WINDOW.width, Math.min(width, 10_000)), height: Math.max(MIN_WINDOW.height, Math.min(height, 10_000)) };
  const x = num(b.x);
  const y = num(b.y);
  if (x === undefined || y === undefined) return size;
  // Visible enough to grab: the title bar's first 100 × 40 pixels lie on some display.
  const onScreen = displays.some((d) => x + 100 > d.x && x < d.x + d.width && y + 40 > d.y && y < d.y + d.height);
  return onScreen ? { x, y, ...size } : size;
}

export function isTheme(value: unknown): value is Theme {
  return value === 'system' || value === 'light' || value === 'dark';
}
