// Where the tool writes: results and progress to standard output, or to standard error for commands whose
// standard output is their product (pull, types); and the usage error that exits with 2.

/** The tool's two output streams. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** The streams of this process. */
export const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A mistake in how the tool was called: printed with the usage, exit code 2. */
export class UsageError extends Error {}

/** What each command exits with: 0 success, 1 something checked failed, 2 a usage error. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** How to call the tool. */
export const USAGE = `Usage:
  datastore-designer validate FILE
  datastore-designer test FILE [--coverage] [--runtime URL --admin-token T]
  datastore-designer deploy FILE --runtime URL --app ID [--admin-token T] [--force]
  datastore-designer pull --runtime URL --app ID [--admin-token T]
  datastore-designer types FILE

The admin token may also come from the DATASTORE_ADMIN_TOKEN environment variable.`;
