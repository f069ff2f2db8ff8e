// Edits of a config's scenarios the Tests panel makes: rename, reorder and delete steps, flip an expectation.
import type { AppConfig, Scenario, ScenarioStep } from '@datastore-designer/schema';

const stepsOf = (config: AppConfig, scenario: number): ScenarioStep[] | undefined =>
  config.tests?.[scenario]?.steps;

/** Gives a scenario a new name (blank names are ignored: a scenario always has one). */
export const renameScenario = (config: AppConfig, scenario: number, name: string): void => {
  const target = config.tests?.[scenario];
  if (target && name.trim() !== '') target.name = name.trim();
};

/** Adds a scenario (one recorded in the preview) after the others, its name made unique with a number. */
export const appendScenario = (config: AppConfig, scenario: Scenario): void => {
  const names = new Set((config.tests ?? []).map((other) => other.name));
  let name = scenario.name;
  for (let n = 2; names.has(name); n++) name = `${scenario.name} (${n})`;
  config.tests = [...(config.tests ?? []), { ...structuredClone(scenario), name }];
};

/** Removes a scenario. */
export const deleteScenario = (config: AppConfig, scenario: number): void => {
  config.tests?.splice(scenario, 1);
  if (config.tests?.length === 0) delete config.tests;
};

/** Moves a step one place up (-1) or down (+1); a move past either end does nothing. */
export const moveStep = (config: AppConfig, scenario: number, step: number, by: -1 | 1): void => {
  const steps = stepsOf(config, scenario);
  const to = step + by;
  if (!steps || to < 0 || to >= steps.length) return;
  const [moved] = steps.splice(step, 1);
  if (moved) steps.splice(to, 0, moved);
};

/** Removes a step. */
export const deleteStep = (config: AppConfig, scenario: number, step: number): void => {
  stepsOf(config, scenario)?.splice(step, 1);
};

/** Turns what a step expects around: accepted becomes refused, refused (by any rule) accepted; sees steps stay. */
export const flipExpectation = (config: AppConfig, scenario: number, step: number): void => {
  const target = stepsOf(config, scenario)?.[step];
  if (!target || 'sees' in target) return;
  if ('connect' in target) {
    target.connect = target.connect === 'accepted' ? 'refused' : 'accepted';
    return;
  }
  const expected = target.expect ?? 'accepted';
  if (expected === 'accepted') target.expect = 'refused';
  else delete target.expect;
};

/** The scenarios that test a datastore. */
const scenariosOf = (config: AppConfig, ds: string) => (config.tests ?? []).filter((s) => s.datastore === ds);

const renameCell = (cells: Record<string, unknown> | null, from: string, to: string): void => {
  if (cells === null || !Object.hasOwn(cells, from)) return;
  cells[to] = cells[from];
  delete cells[from];
};

/** Keeps scenarios pointing at a datastore that was renamed. */
export const renameDatastoreInTests = (config: AppConfig, from: string, to: string): void => {
  for (const scenario of scenariosOf(config, from)) scenario.datastore = to;
};

/** Keeps the steps of a datastore's scenarios pointing at a table that was renamed. */
export const renameTableInTests = (config: AppConfig, ds: string, from: string, to: string): void => {
  for (const scenario of scenariosOf(config, ds)) {
    for (const step of scenario.steps) {
      const address =
        'set' in step ? step.set : 'delete' in step ? step.delete : 'sees' in step ? step.sees : undefined;
      if (address && address[0] === from) address[0] = to;
    }
  }
};

/** Keeps the cells of a table's steps named after a field that was renamed. */
export const renameFieldInTests = (
  config: AppConfig,
  ds: string,
  table: string,
  from: string,
  to: string,
): void => {
  for (const scenario of scenariosOf(config, ds)) {
    for (const step of scenario.steps) {
      if ('set' in step && step.set[0] === table) renameCell(step.set[2], from, to);
      if ('sees' in step && step.sees[0] === table) renameCell(step.sees[2], from, to);
    }
  }
};
