// Byte counts in words people read (B, KB, MB), for instance sizes and backups.

/** Formats a byte count for people. */
export const byteSize = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1048576
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / 1048576).toFixed(1)} MB`;
