// Reads a config file and validates it, printing every problem as `<JSON Pointer>: <message>`.
import { readFile } from 'node:fs/promises';
import { type AppConfig, parseConfigText } from '@datastore-designer/schema';
import { UsageError } from './cli-io.ts';

/** The config of a file, or undefined after printing its problems (one per line) and a summary line. */
export const loadConfig = async (
  file: string,
  print: (line: string) => void,
): Promise<AppConfig | undefined> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `There is no file "${file}".` : `"${file}" cannot be read (${code ?? 'error'}).`,
    );
  }
  const result = parseConfigText(text);
  if (result.ok) return result.config;
  for (const problem of result.errors) print(`${problem.path}: ${problem.message}`);
  print(`${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}, not valid.`);
  return undefined;
};
