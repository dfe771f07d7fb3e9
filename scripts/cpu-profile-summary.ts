/**
 * The top frames of a V8 CPU profile (`node --cpu-prof`), by self time, within a time window: what the bench's
 * `--profile` prints for the helper and the daemon during the call loop.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Frame {
  name: string;
  selfMs: number;
  share: number;
}

export interface ProfileSummary {
  /** Milliseconds sampled as busy (not idle) within the window. */
  busyMs: number;
  frames: Frame[];
  /** Self time by where the code lives: node internals, ssh2, the SDK, Burrow, GC… */
  areas: Frame[];
}

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url ? `${basename(url)}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'}${file ? ` ${file}` : ''}`;
}

function areaOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return url.replace(/^node:internal\//, 'node:').replace(/\/.*$/, '').replace(/\.js$/, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  return /\/dist\//.test(url) ? 'burrow' : url;
}

/**
 * Self time per frame, counting only samples whose time (µs, the profile's clock: CLOCK_MONOTONIC, the same as
 * process.hrtime) lies in [fromUs, toUs].
 */
export function summarizeProfile(path: string, fromUs = 0, toUs = Infinity, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    // A sample's delta is the time since the previous one: charge it to this sample's frame.
    if (t < fromUs || t > toUs) continue;
    const id = profile.samples[i];
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0));
  }
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') continue;
    busyUs += us;
    const name = frameName(node);
    frames.set(name, (frames.get(name) ?? 0) + us);
    const area = areaOf(node);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const rank = (m: Map<string, number>): Frame[] =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, us]) => ({ name, selfMs: us / 1000, share: busyUs ? us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, frames: rank(frames), areas: rank(areas) };
}

/** A Markdown table of a summary's frames (or areas). */
export function framesTable(title: string, frames: Frame[], perCall: number): string {
  const lines = [`| ${title} | self ms/call | share |`, '| --- | ---: | ---: |'];
  for (const f of frames) lines.push(`| \`${f.name.replace(/\|/g, '\\|')}\` | ${(f.selfMs / perCall).toFixed(4)} | ${(f.share * 100).toFixed(1)}% |`);
  return lines.join('\n');
}
