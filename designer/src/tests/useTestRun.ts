// Hook running every scenario of the draft in process on every change: results, coverage, or why they cannot run.
import { useMemo } from 'react';
import { runTests, type TestRun, validateConfig } from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';

/** The run of the draft's tests, or `blocked` with the count of problems that keep them from running. */
export type DraftTestRun = { kind: 'ran'; run: TestRun } | { kind: 'blocked'; problems: number };

/** Runs the draft's scenarios whenever the draft changes (they take a few milliseconds). */
export const useTestRun = (): DraftTestRun => {
  const config = useDesigner((s) => s.config);
  return useMemo(() => {
    const checked = validateConfig(config);
    return checked.ok
      ? { kind: 'ran', run: runTests(checked.config) }
      : { kind: 'blocked', problems: checked.errors.length };
  }, [config]);
};
