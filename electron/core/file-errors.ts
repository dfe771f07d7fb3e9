/**
 * File-system failures in words a person reads: "no such file", never "ENOENT". Shared by the CLI
 * (remote add --key, --passphrase-file, keys generate) and the engine (keys it loads).
 */
export function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ENOTDIR':
      return 'no such file (a part of the path is not a folder)';
    case 'ELOOP':
      return 'too many symbolic links (a link loop?)';
    default:
      // Node's message starts with the code ("EMFILE: too many open files, open '/x'"): keep the words.
      return ((error as Error | undefined)?.message ?? String(error)).replace(/^E[A-Z]+: /, '').replace(/, \w+ '[^']*'$/, '');
  }
}

/** The reason with the path, in the order a person reads it: "no such file: /x", "/x is a folder, not a file". */
export function describeFileError(error: unknown, path: string): string {
  const reason = fileErrorReason(error);
  return reason.startsWith('is ') ? `${path} ${reason}` : reason.startsWith('no such file') ? `no such file: ${path}${reason.slice('no such file'.length)}` : `${reason}: ${path}`;
}
