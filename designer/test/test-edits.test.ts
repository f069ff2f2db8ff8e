// The Tests panel's edits of scenarios, and renames of datastores, tables and fields carried into them.
import { describe, expect, it } from 'vitest';
import { type AppConfig, runTests, templates, validateConfig } from '@datastore-designer/schema';
import { renameDatastore, renameField, renameTable } from '../src/model/config-edits.ts';
import {
  deleteScenario,
  deleteStep,
  flipExpectation,
  moveStep,
  renameScenario,
} from '../src/tests/test-edits.ts';

const todo = (): AppConfig => structuredClone(templates.find((t) => t.id === 'todo')!.config) as AppConfig;

describe('scenario edits', () => {
  it('flips an expectation both ways, and a connect step between accepted and refused', () => {
    const config = todo();
    flipExpectation(config, 0, 0);
    expect(config.tests?.[0]?.steps[0]).toMatchObject({ expect: 'refused' });
    flipExpectation(config, 0, 0);
    expect(config.tests?.[0]?.steps[0]).not.toHaveProperty('expect');
    flipExpectation(config, 0, 3);
    expect(config.tests?.[0]?.steps[3]).not.toHaveProperty('expect');
    flipExpectation(config, 2, 0);
    expect(config.tests?.[2]?.steps[0]).toMatchObject({ connect: 'accepted' });
    const sees = structuredClone(config.tests?.[0]?.steps[2]);
    flipExpectation(config, 0, 2);
    expect(config.tests?.[0]?.steps[2]).toEqual(sees);
  });

  it('moves, deletes and renames, ignoring moves past either end and blank names', () => {
    const config = todo();
    const steps = structuredClone(config.tests?.[1]?.steps ?? []);
    moveStep(config, 1, 0, -1);
    moveStep(config, 1, steps.length - 1, 1);
    expect(config.tests?.[1]?.steps).toEqual(steps);
    moveStep(config, 1, 1, -1);
    expect(config.tests?.[1]?.steps.slice(0, 2)).toEqual([steps[1], steps[0]]);
    deleteStep(config, 1, 0);
    expect(config.tests?.[1]?.steps).toHaveLength(steps.length - 1);
    renameScenario(config, 1, '   ');
    expect(config.tests?.[1]?.name).toBe(todo().tests?.[1]?.name);
    renameScenario(config, 1, ' Forgers are refused ');
    expect(config.tests?.[1]?.name).toBe('Forgers are refused');
    deleteScenario(config, 0);
    deleteScenario(config, 0);
    deleteScenario(config, 0);
    expect(config).not.toHaveProperty('tests');
  });

  it('renaming a datastore, table or field keeps the scenarios valid and passing', () => {
    const config = todo();
    renameTable(config, 'board', 'todos', 'tasks');
    renameField(config, 'board', 'tasks', 'author', 'by');
    renameDatastore(config, 'board', 'team');
    const checked = validateConfig(config);
    expect(checked.errors).toEqual([]);
    expect(config.tests?.[1]?.steps[0]).toEqual({
      as: 'bob',
      set: ['tasks', 't1', { text: 'Forged', by: 'ada' }],
    });
    expect(runTests(checked.config!).failed).toBe(0);
  });
});
