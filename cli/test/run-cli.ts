// Runs the datastore-designer bin as a person would, from the repository root, and collects what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, where `npx datastore-designer` runs. */
export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** What a run of the tool gave: its exit code and both streams. */
export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the bin with these arguments (the child, so a test can signal it) and resolves once it exits. */
export const startCli = (
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<CliRun>; stdout: () => string } => {
  const child = spawn(process.execPath, [`${repoRoot}node_modules/.bin/datastore-designer`, ...args], {
    cwd: repoRoot,
    env: { ...process.env, DATASTORE_ADMIN_TOKEN: '', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, stdout: () => stdout };
};

/** Runs the bin to the end. */
export const runCli = (args: string[], env?: Record<string, string>): Promise<CliRun> =>
  startCli(args, env).done;
