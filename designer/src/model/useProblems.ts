// Hook giving every problem of the open draft, live, plus those the runtime reported on the last deploy.
import { useMemo } from 'react';
import { validateConfig, type ConfigProblem } from '@datastore-designer/schema';
import { useDesigner } from './useDesigner.ts';

/**
 * The JSON view's text problem first (the text on screen is not the draft), then the draft's problems (from schema's
 * validateConfig), then the runtime's, without duplicates.
 */
export const useProblems = (): ConfigProblem[] => {
  const config = useDesigner((s) => s.config);
  const serverProblems = useDesigner((s) => s.serverProblems);
  const textProblem = useDesigner((s) => s.textProblem);
  return useMemo(() => {
    const local = validateConfig(config).errors;
    const seen = new Set(local.map((p) => `${p.path}\n${p.message}`));
    const text: ConfigProblem[] = textProblem
      ? [{ path: '', code: 'invalid_json', message: textProblem }]
      : [];
    return [...text, ...local, ...serverProblems.filter((p) => !seen.has(`${p.path}\n${p.message}`))];
  }, [config, serverProblems, textProblem]);
};
