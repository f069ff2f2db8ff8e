// `deploy FILE`: shows the changes against the live version, refuses data-losing ones without --force, deploys with If-Match.
import { type AppConfig, diffConfigs } from '@datastore-designer/schema';
import { adminCall, refusalWords, type RuntimeTarget } from './admin-api.ts';
import { type CliIo, EXIT } from './cli-io.ts';
import { loadConfig } from './config-file.ts';

/** What `deploy` was asked for. */
export interface DeployOptions {
  file: string;
  app: string;
  force: boolean;
  runtime: RuntimeTarget;
}

const MARKS = { added: '+', removed: '-', changed: '~' } as const;

/** Deploys a config file to an app, printing each change and the new version. */
export const deployCommand = async (options: DeployOptions, io: CliIo): Promise<number> => {
  const config = await loadConfig(options.file, io.out);
  if (!config) return EXIT.failed;
  const path = `/api/apps/${encodeURIComponent(options.app)}/config`;
  const live = await adminCall(options.runtime, 'GET', path);
  if (live.status !== 200 && live.status !== 404) {
    io.out(`Cannot read the live config of "${options.app}": ${refusalWords(live)}.`);
    return EXIT.failed;
  }
  const version = live.status === 200 ? Number(live.body.version) : 0;
  const before = live.status === 200 ? (live.body.config as AppConfig) : undefined;
  io.out(before ? `App "${options.app}" is at version ${version}.` : `App "${options.app}" is new.`);
  const diff = diffConfigs(before, config);
  if (diff.changes.length === 0) {
    io.out(`No changes against version ${version}; nothing deployed.`);
    return EXIT.ok;
  }
  for (const change of diff.changes) {
    io.out(`  ${MARKS[change.kind]} ${change.message}${change.destructive ? ' (loses data)' : ''}`);
  }
  if (diff.destructive && !options.force) {
    io.out('Refused: some changes lose stored data. Run again with --force to deploy anyway.');
    return EXIT.failed;
  }
  const deployed = await adminCall(options.runtime, 'PUT', `${path}${options.force ? '?force=true' : ''}`, {
    body: config,
    headers: { 'if-match': String(version) },
  });
  if (deployed.status === 200) {
    io.out(
      `Deployed version ${String(deployed.body.version)} of "${options.app}" (${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'}).`,
    );
    return EXIT.ok;
  }
  if (deployed.status === 400 && Array.isArray(deployed.body.errors)) {
    for (const problem of deployed.body.errors as Array<{ path: string; message: string }>) {
      io.out(`${problem.path}: ${problem.message}`);
    }
  }
  io.out(`Refused: ${refusalWords(deployed)}`);
  return EXIT.failed;
};
