// `pull`: prints an app's live config as JSON on standard output; progress and the summary go to standard error.
import { adminCall, refusalWords, type RuntimeTarget } from './admin-api.ts';
import { type CliIo, EXIT } from './cli-io.ts';

/** Prints the live config of an app. */
export const pullCommand = async (
  options: { app: string; runtime: RuntimeTarget },
  io: CliIo,
): Promise<number> => {
  const answer = await adminCall(
    options.runtime,
    'GET',
    `/api/apps/${encodeURIComponent(options.app)}/config`,
  );
  if (answer.status !== 200) {
    io.err(
      answer.status === 404
        ? `There is no app "${options.app}" on ${options.runtime.url}.`
        : `Cannot pull "${options.app}": ${refusalWords(answer)}.`,
    );
    return EXIT.failed;
  }
  io.out(JSON.stringify(answer.body.config, null, 2));
  io.err(`Pulled version ${String(answer.body.version)} of "${options.app}".`);
  return EXIT.ok;
};
