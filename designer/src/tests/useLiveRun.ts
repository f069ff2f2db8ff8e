// Hook running the draft's tests live: real clients against a scratch app that is deleted after each scenario.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppConfig, ScenarioResult } from '@datastore-designer/schema';
import { loadConnection } from '../model/runtime-client.ts';

/** Where a live run stands: not run, running (how far), finished (on which draft), or failed (why). */
export type LiveRunState =
  | { kind: 'idle' }
  | { kind: 'running'; done: number; total: number }
  | { kind: 'finished'; results: ScenarioResult[]; configText: string; stopped: boolean }
  | { kind: 'failed'; message: string };

/** The draft as the live run compares it: the canvas layout changes no verdict. */
export const draftText = (config: AppConfig): string => JSON.stringify({ ...config, designer: undefined });

/** Starts and stops live runs of a draft's tests on the runtime the designer is connected to. */
export const useLiveRun = (): {
  state: LiveRunState;
  start: (config: AppConfig) => void;
  stop: () => void;
} => {
  const [state, setState] = useState<LiveRunState>({ kind: 'idle' });
  const controller = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback((config: AppConfig) => {
    controller.current?.abort();
    const abort = new AbortController();
    controller.current = abort;
    const total = config.tests?.length ?? 0;
    const results: ScenarioResult[] = [];
    setState({ kind: 'running', done: 0, total });
    void (async () => {
      try {
        // The live runner brings the sync client: loaded only when someone asks for a live run.
        const { runLiveTests } = await import('@datastore-designer/preview/live-scenarios');
        const { url, adminToken } = loadConnection();
        await runLiveTests(config, {
          url: url.replace(/\/+$/, ''),
          adminToken,
          signal: abort.signal,
          onScenario: (result) => {
            results.push(result);
            if (!abort.signal.aborted) setState({ kind: 'running', done: results.length, total });
          },
        });
        if (controller.current === abort) {
          setState({
            kind: 'finished',
            results,
            configText: draftText(config),
            stopped: abort.signal.aborted,
          });
        }
      } catch (error) {
        if (controller.current === abort) {
          setState({
            kind: 'failed',
            message: `The tests could not run live: ${error instanceof Error ? error.message : String(error)} Check that the runtime is running and the admin token is right (Deploy tab).`,
          });
        }
      }
    })();
  }, []);

  const stop = useCallback(() => controller.current?.abort(), []);
  return { state, start, stop };
};
