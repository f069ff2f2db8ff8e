// `test FILE`: runs the config's scenarios in process, or live against a runtime's scratch app with --runtime.
import {
  coverageGap,
  runTests,
  type ScenarioResult,
  scenarioLine,
  summaryLine,
} from '@datastore-designer/schema';
import { runLiveTests } from '@datastore-designer/preview/live-scenarios';
import { WebSocket } from 'ws';
import type { RuntimeTarget } from './admin-api.ts';
import { type CliIo, EXIT } from './cli-io.ts';
import { loadConfig } from './config-file.ts';

/** What `test` was asked for. */
export interface TestOptions {
  file: string;
  coverage: boolean;
  runtime?: RuntimeTarget;
}

/** Runs the scenarios and prints one line per scenario, the coverage if asked, and `N passed, N failed`. */
export const testCommand = async (options: TestOptions, io: CliIo): Promise<number> => {
  const config = await loadConfig(options.file, io.out);
  if (!config) return EXIT.failed;
  const scenarios = config.tests ?? [];
  if (scenarios.length === 0) io.out(`${options.file} has no scenarios in its tests.`);
  const inProcess = runTests(config);
  let results: ScenarioResult[] = inProcess.scenarios;
  if (options.runtime) {
    const target = options.runtime;
    io.out(
      `Running ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'} live on ${target.url}, each in a scratch app.`,
    );
    const stop = new AbortController();
    const scratch = new Set<string>();
    const interrupt = () => {
      io.err('Interrupted: deleting the scratch app…');
      stop.abort();
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      results = await runLiveTests(config, {
        url: target.url.replace(/\/+$/, ''),
        adminToken: target.adminToken,
        WebSocket: WebSocket as never,
        signal: stop.signal,
        onScratchApp: (app, state) => (state === 'created' ? scratch.add(app) : scratch.delete(app)),
        onScenario: (result) => io.out(scenarioLine(result)),
      });
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    if (stop.signal.aborted) {
      io.err(
        `Stopped; ${scratch.size === 0 ? 'the scratch app is deleted' : `scratch apps left: ${[...scratch].join(', ')}`}.`,
      );
      return 130;
    }
  } else {
    for (const result of results) io.out(scenarioLine(result));
  }
  if (options.coverage) {
    io.out('Rule coverage:');
    for (const entry of inProcess.coverage) {
      const gap = coverageGap(entry);
      io.out(gap === '' ? `  ${entry.label}: tested allowing and refusing` : `  ${gap}`);
    }
  }
  io.out(summaryLine(results));
  return results.every((result) => result.passed) ? EXIT.ok : EXIT.failed;
};
