/**
 * File-system failures in words a person reads, with the path: "no such file: /x", never "ENOENT".
 * Shared by the CLI (remote add --key, --passphrase-file) and anything else that reads a file
 * someone named.
 */
export function describeFileError(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return `no such file: ${path}`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied: ${path}`;
    case 'EISDIR':
      return `${path} is a folder, not a file`;
    case 'ENOTDIR':
      return `no such file: ${path} (a part of the path is not a folder)`;
    case 'ELOOP':
      return `${path}: too many symbolic links (a link loop?)`;
    default:
      return `cannot read ${path}: ${(error as Error | undefined)?.message ?? String(error)}`;
  }
}
