// Deploys the draft to the preview app shortly after each change, and resets the preview's data on request.
import type { AppConfig, ConfigProblem } from '@datastore-designer/schema';
import { useCallback, useEffect, useRef, useState } from 'react';
import { deletePreviewApp, deployPreview, PreviewApiError, type PreviewRuntime } from './preview-api.ts';

/** Where the preview deploy stands; `dataEpoch` changes when the data was reset, so clients reconnect. */
export interface PreviewDeployState {
  phase: 'deploying' | 'deployed' | 'failed';
  version?: number;
  message: string;
  problems: ConfigProblem[];
  dataEpoch: number;
}

/** Keeps `<app>-preview` in step with the draft (debounced), and offers `resetData()`. */
export const usePreviewDeploy = (
  runtime: PreviewRuntime,
  previewApp: string,
  config: AppConfig,
  delayMs = 500,
): { deploy: PreviewDeployState; resetData: () => Promise<void> } => {
  const [deploy, setDeploy] = useState<PreviewDeployState>({
    phase: 'deploying',
    message: 'Putting the draft on the preview runtime…',
    problems: [],
    dataEpoch: 0,
  });
  // Canvas positions (the `designer` section) do not change what the preview runs: moving a table must not redeploy.
  const configText = JSON.stringify({ ...config, designer: undefined });
  const latest = useRef(configText);
  latest.current = configText;

  const run = useCallback(
    async (text: string, reset: boolean) => {
      setDeploy((state) => ({
        ...state,
        phase: 'deploying',
        message: reset ? 'Wiping the preview data…' : 'Putting the draft on the preview runtime…',
      }));
      try {
        if (reset) await deletePreviewApp(runtime, previewApp);
        const version = await deployPreview(runtime, previewApp, JSON.parse(text) as AppConfig);
        if (latest.current !== text && !reset) return;
        setDeploy((state) => ({
          phase: 'deployed',
          version,
          message: `The preview runs the draft (version ${version}).`,
          problems: [],
          dataEpoch: reset ? state.dataEpoch + 1 : state.dataEpoch,
        }));
      } catch (error) {
        if (latest.current !== text && !reset) return;
        setDeploy((state) => ({
          ...state,
          phase: 'failed',
          message:
            error instanceof PreviewApiError
              ? `The preview could not be updated: ${error.message}`
              : `The preview could not be updated: ${String(error)}`,
          problems: error instanceof PreviewApiError ? error.problems : [],
        }));
      }
    },
    [runtime, previewApp],
  );

  useEffect(() => {
    const timer = setTimeout(() => void run(configText, false), delayMs);
    return () => clearTimeout(timer);
  }, [configText, delayMs, run]);

  const resetData = useCallback(() => run(latest.current, true), [run]);
  return { deploy, resetData };
};
