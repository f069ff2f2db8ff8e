// What a scenario step gave and whether that is what it expected: shared by the in-process and live runners.
import type { CellValue, Row } from './config-types.ts';
import type { RefusalRule, Scenario, ScenarioStep } from './scenario-types.ts';
import { expectationOf } from './scenario-types.ts';
import type { RuleUser } from './rule-context.ts';
import { cellsWords, RULE_WORDS } from './scenario-words.ts';

/** What happened at a step: accepted, refused (rule and reason), nothing to change, a row seen, or a connect verdict. */
export type StepOutcome =
  | { kind: 'accepted' }
  | { kind: 'refused'; rule: RefusalRule; reason: string }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'seen'; cells: Row | null }
  | { kind: 'connect'; allowed: boolean; reason: string }
  | { kind: 'error'; reason: string };

/** One step's result: its number (from 1), what happened, whether it passed and, when not, what happened instead. */
export interface StepResult {
  step: number;
  outcome: StepOutcome;
  passed: boolean;
  /** What happened instead of what was expected, in plain words; '' when the step passed. */
  message: string;
}

/** One scenario's result: passed when every step gave what it expects. */
export interface ScenarioResult {
  name: string;
  /** The scenario's place in `tests`, from 0. */
  index: number;
  passed: boolean;
  steps: StepResult[];
  /** The first failing step's number, when one failed. */
  failedStep?: number;
}

/** The rule user a scenario's person is: their roles and tenant from `people`, none when unlisted. */
export const scenarioUser = (scenario: Scenario, userId: string): RuleUser => {
  const person =
    userId === ''
      ? undefined
      : Object.hasOwn(scenario.people ?? {}, userId)
        ? scenario.people?.[userId]
        : undefined;
  return { id: userId, roles: [...(person?.roles ?? [])], tenant: person?.tenant ?? '' };
};

const TIME_CELLS = new Set(['createdAt', 'updatedAt']);

/** Whether a copy of a row holds at least the expected cells (`null`: the row is absent); time cells by presence. */
export const rowMatches = (seen: Row | null, expected: Record<string, CellValue> | null): boolean => {
  if (expected === null) return seen === null;
  if (seen === null) return false;
  return Object.entries(expected).every(([cell, value]) =>
    TIME_CELLS.has(cell) ? Object.hasOwn(seen, cell) : Object.hasOwn(seen, cell) && seen[cell] === value,
  );
};

const outcomeWords = (outcome: StepOutcome): string => {
  switch (outcome.kind) {
    case 'accepted':
      return 'it was accepted';
    case 'refused':
      return `it was refused by ${RULE_WORDS[outcome.rule]}: ${outcome.reason}`;
    case 'unchanged':
    case 'error':
      return outcome.reason;
    case 'seen':
      return outcome.cells === null
        ? 'the row is not in their copy'
        : `their copy has ${cellsWords(outcome.cells)}`;
    case 'connect':
      return outcome.allowed ? 'they may open it' : `they may not open it: ${outcome.reason}`;
  }
};

/** Judges a step's outcome against what the step expects; the message says what happened instead. */
export const stepResult = (step: ScenarioStep, number: number, outcome: StepOutcome): StepResult => {
  let passed: boolean;
  if (outcome.kind === 'unchanged' || outcome.kind === 'error') passed = false;
  else if ('sees' in step) passed = outcome.kind === 'seen' && rowMatches(outcome.cells, step.sees[2]);
  else if ('connect' in step)
    passed = outcome.kind === 'connect' && outcome.allowed === (step.connect === 'accepted');
  else {
    const expected = expectationOf(step);
    if (expected === 'accepted') passed = outcome.kind === 'accepted';
    else if (expected === 'refused') passed = outcome.kind === 'refused';
    else passed = outcome.kind === 'refused' && outcome.rule === expected.refused;
  }
  return { step: number, outcome, passed, message: passed ? '' : outcomeWords(outcome) };
};

/** Gathers a scenario's step results into its verdict. */
export const scenarioResult = (scenario: Scenario, index: number, steps: StepResult[]): ScenarioResult => {
  const failed = steps.find((step) => !step.passed);
  return {
    name: scenario.name,
    index,
    passed: failed === undefined,
    steps,
    ...(failed ? { failedStep: failed.step } : {}),
  };
};

/** The one-line summary of a run: `N passed, N failed`, counting scenarios. */
export const summaryLine = (results: readonly ScenarioResult[]): string => {
  const passed = results.filter((result) => result.passed).length;
  return `${passed} passed, ${results.length - passed} failed`;
};

/** One line per scenario: `ok <name>` or `FAIL <name>: step <n>: <what happened>`. */
export const scenarioLine = (result: ScenarioResult): string => {
  if (result.passed) return `ok ${result.name}`;
  const failed = result.steps.find((step) => !step.passed);
  return `FAIL ${result.name}: step ${failed?.step ?? 0}: ${failed?.message ?? ''}`;
};
