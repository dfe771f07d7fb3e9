/**
 * Node's own pipe handles in IPC mode, which carry file descriptors (SCM_RIGHTS) as `child_process` does between a
 * parent and its child. Node has no public API to hand a descriptor to an unrelated process, so these are reached
 * through `process.binding` (deprecated, DEP0111, but kept for compatibility and listed there). Everything that uses
 * them asks `ipcPipes()` first and pipes bytes as before when it says no.
 */

/** A libuv pipe handle as Node's `pipe_wrap` binding exposes it (only what Burrow uses). */
export interface PipeHandle {
  readonly fd: number;
  /** Called with the bytes read (an ArrayBuffer), or with nothing at the end or an error. */
  /** Must always be a function (Node asserts it). */
  onread: (buffer?: ArrayBuffer) => void;
  /** A descriptor that arrived with the last read, already wrapped as a handle of its kind. */
  pendingHandle: object | null;
  open(fd: number): number;
  connect(request: object, path: string): number;
  readStart(): number;
  readStop(): number;
  writeUtf8String(request: object, text: string, handle?: object): number;
  close(callback?: () => void): void;
}

export interface IpcPipes {
  newIpcPipe(): PipeHandle;
  /** A connect request; `done` gets libuv's status (negative: an error). */
  connectRequest(done: (status: number) => void): object;
  /** A write request. Nobody waits for it: what is written (with a handle) leaves in order, and a failure shows as the peer's end. */
  writeRequest(): object;
}

interface PipeWrapBinding {
  Pipe: new (type: number) => PipeHandle;
  PipeConnectWrap: new () => { oncomplete?: (status: number) => void };
  constants: { IPC: number };
}

interface StreamWrapBinding {
  WriteWrap: new () => { oncomplete?: (status: number) => void };
}

let cached: IpcPipes | null | undefined;

/** The bindings, or undefined where they are missing (Windows, a Node or Electron without them) or disabled. */
export function ipcPipes(env: NodeJS.ProcessEnv = process.env): IpcPipes | undefined {
  if (env.BURROW_STDIO_HANDOFF === '0' || process.platform === 'win32') return undefined;
  if (cached === undefined) cached = loadBindings();
  return cached ?? undefined;
}

function loadBindings(): IpcPipes | null {
  const binding = (process as unknown as { binding?: (name: string) => unknown }).binding;
  if (typeof binding !== 'function') return null;
  try {
    const pipeWrap = binding.call(process, 'pipe_wrap') as PipeWrapBinding;
    const streamWrap = binding.call(process, 'stream_wrap') as StreamWrapBinding;
    const { Pipe, PipeConnectWrap, constants } = pipeWrap;
    const { WriteWrap } = streamWrap;
    if (typeof Pipe !== 'function' || typeof PipeConnectWrap !== 'function' || typeof WriteWrap !== 'function' || typeof constants?.IPC !== 'number') return null;
    return {
      newIpcPipe: () => new Pipe(constants.IPC),
      connectRequest: (done) => Object.assign(new PipeConnectWrap(), { oncomplete: once(done) }),
      writeRequest: () => Object.assign(new WriteWrap(), { oncomplete: () => {} }),
    };
  } catch {
    return null;
  }
}

function once(done: (status: number) => void): (status: number) => void {
  let called = false;
  return (status) => {
    if (called) return;
    called = true;
    done(status);
  };
}

/** What a handle of stdio is: only pipes and sockets (not a terminal or a file) can be handed over. */
export function isPipeHandle(handle: unknown): handle is PipeHandle {
  return typeof handle === 'object' && handle !== null && handle.constructor?.name === 'Pipe' && typeof (handle as PipeHandle).fd === 'number';
}
