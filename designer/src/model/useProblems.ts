// Hook giving every problem of the open draft, live, plus those the runtime reported on the last deploy.
import { useMemo } from 'react';
import { validateConfig, type ConfigProblem } from '@datastore-designer/schema';
import { useDesigner } from './useDesigner.ts';

/** The draft's problems (from schema's validateConfig) followed by the runtime's, without duplicates. */
export const useProblems = (): ConfigProblem[] => {
  const config = useDesigner((s) => s.config);
  const serverProblems = useDesigner((s) => s.serverProblems);
  return useMemo(() => {
    const local = validateConfig(config).errors;
    const seen = new Set(local.map((p) => `${p.path}\n${p.message}`));
    return [...local, ...serverProblems.filter((p) => !seen.has(`${p.path}\n${p.message}`))];
  }, [config, serverProblems]);
};
