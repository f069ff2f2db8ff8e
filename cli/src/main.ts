// The `datastore-designer` command: reads the arguments, runs one command, and answers its exit code.
import { parseArgs } from 'node:util';
import { typescriptFor } from '@datastore-designer/schema';
import type { RuntimeTarget } from './admin-api.ts';
import { type CliIo, EXIT, processIo, USAGE, UsageError } from './cli-io.ts';
import { loadConfig } from './config-file.ts';
import { deployCommand } from './deploy-command.ts';
import { pullCommand } from './pull-command.ts';
import { testCommand } from './test-command.ts';

const OPTIONS = {
  coverage: { type: 'boolean' },
  force: { type: 'boolean' },
  runtime: { type: 'string' },
  'admin-token': { type: 'string' },
  app: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>['values'];

const onlyFile = (positionals: string[], command: string): string => {
  const [file, ...rest] = positionals;
  if (file === undefined) throw new UsageError(`${command} needs the config file to read.`);
  if (rest.length > 0) throw new UsageError(`${command} reads one file; remove ${rest.join(' ')}.`);
  return file;
};

const runtimeTarget = (values: Values, env: NodeJS.ProcessEnv): RuntimeTarget => {
  if (values.runtime === undefined) throw new UsageError('Say which runtime with --runtime URL.');
  if (!/^https?:\/\//.test(values.runtime))
    throw new UsageError(`--runtime must be an http(s) URL, not "${values.runtime}".`);
  const adminToken = values['admin-token'] ?? env.DATASTORE_ADMIN_TOKEN;
  if (!adminToken)
    throw new UsageError('Give the admin token with --admin-token T or DATASTORE_ADMIN_TOKEN.');
  return { url: values.runtime.replace(/\/+$/, ''), adminToken };
};

const appId = (values: Values): string => {
  if (values.app === undefined) throw new UsageError('Say which app with --app ID.');
  return values.app;
};

const allowOnly = (values: Values, command: string, allowed: ReadonlyArray<keyof Values>): void => {
  for (const key of Object.keys(values) as Array<keyof Values>) {
    if (key !== 'help' && !allowed.includes(key)) throw new UsageError(`${command} has no --${key} option.`);
  }
};

const run = async (args: string[], io: CliIo, env: NodeJS.ProcessEnv): Promise<number> => {
  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const [command, ...positionals] = parsed.positionals;
  if (values.help || command === 'help') {
    io.out(USAGE);
    return EXIT.ok;
  }
  switch (command) {
    case 'validate': {
      allowOnly(values, command, []);
      const file = onlyFile(positionals, command);
      const config = await loadConfig(file, io.out);
      if (!config) return EXIT.failed;
      const tables = Object.values(config.datastores).reduce(
        (sum, ds) => sum + Object.keys(ds.tables).length,
        0,
      );
      const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
      io.out(
        `${file}: valid (${count(Object.keys(config.datastores).length, 'datastore')}, ${count(tables, 'table')}, ${count(config.tests?.length ?? 0, 'scenario')}).`,
      );
      return EXIT.ok;
    }
    case 'test': {
      allowOnly(values, command, ['coverage', 'runtime', 'admin-token']);
      const file = onlyFile(positionals, command);
      const runtime = values.runtime !== undefined ? runtimeTarget(values, env) : undefined;
      if (runtime === undefined && values['admin-token'] !== undefined)
        throw new UsageError('--admin-token goes with --runtime URL.');
      return testCommand({ file, coverage: values.coverage === true, ...(runtime ? { runtime } : {}) }, io);
    }
    case 'deploy': {
      allowOnly(values, command, ['runtime', 'admin-token', 'app', 'force']);
      const file = onlyFile(positionals, command);
      return deployCommand(
        { file, app: appId(values), force: values.force === true, runtime: runtimeTarget(values, env) },
        io,
      );
    }
    case 'pull': {
      allowOnly(values, command, ['runtime', 'admin-token', 'app']);
      if (positionals.length > 0)
        throw new UsageError(`pull takes no file; remove ${positionals.join(' ')}.`);
      return pullCommand({ app: appId(values), runtime: runtimeTarget(values, env) }, io);
    }
    case 'types': {
      allowOnly(values, command, []);
      const file = onlyFile(positionals, command);
      const config = await loadConfig(file, io.err);
      if (!config) return EXIT.failed;
      io.out(typescriptFor(config));
      io.err(`Types for ${Object.keys(config.datastores).length} datastore(s) of ${file}.`);
      return EXIT.ok;
    }
    case undefined:
      throw new UsageError('Say which command to run.');
    default:
      throw new UsageError(`There is no command "${command}".`);
  }
};

/** Runs the tool with these arguments and answers the exit code (0 ok, 1 failed, 2 usage error). */
export const main = async (
  args: string[],
  io: CliIo = processIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> => {
  try {
    return await run(args, io, env);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      io.err(USAGE);
      return EXIT.usage;
    }
    io.err((error as Error).message);
    return EXIT.failed;
  }
};
