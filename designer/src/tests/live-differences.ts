// Where a live run of the tests disagrees with the in-process run: the steps whose verdicts differ, in words.
import type { ScenarioResult } from '@datastore-designer/schema';

/** One step whose live verdict is not the in-process one. */
export interface LiveDifference {
  /** The scenario's place in `tests`, from 0. */
  scenario: number;
  /** The step's number, from 1. */
  step: number;
  /** Whether the step passed live (it did the opposite in process). */
  livePassed: boolean;
  /** What happened live, in words ('' when the step passed live). */
  message: string;
}

/** Every step, in every scenario run both ways, whose live verdict differs from the in-process verdict. */
export const liveDifferences = (
  inProcess: readonly ScenarioResult[],
  live: readonly ScenarioResult[],
): LiveDifference[] => {
  const differences: LiveDifference[] = [];
  for (const liveResult of live) {
    const local = inProcess.find((result) => result.index === liveResult.index);
    if (!local) continue;
    for (const liveStep of liveResult.steps) {
      const localStep = local.steps.find((step) => step.step === liveStep.step);
      if (!localStep || localStep.passed === liveStep.passed) continue;
      differences.push({
        scenario: liveResult.index,
        step: liveStep.step,
        livePassed: liveStep.passed,
        message: liveStep.message,
      });
    }
  }
  return differences;
};
