// A test recorded in the preview joins the draft as one undoable change; a live run's disagreements are found by step.
import { describe, expect, it } from 'vitest';
import {
  runTests,
  templates,
  type AppConfig,
  type Scenario,
  type ScenarioResult,
} from '@datastore-designer/schema';
import { createDesignerStore } from '../src/model/designer-store.ts';
import { appendScenario } from '../src/tests/test-edits.ts';
import { liveDifferences } from '../src/tests/live-differences.ts';

const todo = (): AppConfig => structuredClone(templates.find((t) => t.id === 'todo')?.config) as AppConfig;

const recorded: Scenario = {
  name: 'Bob ticks a to-do',
  datastore: 'board',
  steps: [
    { as: 'alice', set: ['todos', 't9', { title: 'Milk', done: false }], expect: 'accepted' },
    { as: 'bob', sees: ['todos', 't9', { title: 'Milk' }] },
  ],
};

describe('a recorded test', () => {
  it('is appended as one undoable change, under a name of its own', () => {
    const store = createDesignerStore('p', todo(), 'todo');
    const before = store.getState().config.tests?.length ?? 0;
    store.getState().change((draft) => appendScenario(draft, recorded));
    store.getState().change((draft) => appendScenario(draft, recorded));
    const names = store.getState().config.tests?.map((scenario) => scenario.name) ?? [];
    expect(names.slice(before)).toEqual(['Bob ticks a to-do', 'Bob ticks a to-do (2)']);
    store.getState().undo();
    expect(store.getState().config.tests).toHaveLength(before + 1);
    store.getState().undo();
    expect(store.getState().config.tests).toHaveLength(before);
  });

  it('starts a tests section in a config without one', () => {
    const config = todo();
    delete config.tests;
    appendScenario(config, recorded);
    expect(config.tests).toEqual([recorded]);
    expect(config.tests?.[0]).not.toBe(recorded);
  });
});

describe('live differences', () => {
  const inProcess = (): ScenarioResult[] => runTests(todo()).scenarios;

  it('finds nothing when both runs agree', () => {
    expect(liveDifferences(inProcess(), inProcess())).toEqual([]);
  });

  it('names each step whose live verdict differs, with what happened live', () => {
    const live = inProcess();
    const first = live[0];
    const step = first?.steps[1];
    if (!first || !step) throw new Error('the template has no second step');
    first.steps[1] = { ...step, passed: false, message: 'it was accepted' };
    expect(liveDifferences(inProcess(), live)).toEqual([
      { scenario: 0, step: 2, livePassed: false, message: 'it was accepted' },
    ]);
  });

  it('leaves out scenarios a stopped live run did not reach', () => {
    expect(liveDifferences(inProcess(), inProcess().slice(0, 1))).toEqual([]);
  });
});
