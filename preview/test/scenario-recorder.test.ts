// The preview's test recorder: changes with their outcomes and checks of a copy become a scenario that replays green.
import { describe, expect, it } from 'vitest';
import { createMergeableStore } from 'tinybase';
import { runTests, type AppConfig } from '@datastore-designer/schema';
import { ScenarioRecorder, type RecordedOutcome } from '../src/pane/scenario-recorder.ts';
import type { SimulatedUser } from '../src/pane/simulated-users.ts';

const config: AppConfig = {
  format: 1,
  datastores: {
    board: {
      instances: 'single',
      sync: 'twoWay',
      tables: {
        notes: {
          fields: {
            text: { type: 'string', required: true },
            author: { type: 'string', required: true },
            sentAt: { type: 'number', auto: 'createdAt' },
          },
          rules: { create: 'newRow.author == user.id', update: 'row.author == user.id' },
        },
      },
    },
  },
};

const person = (sub: string, roles: string[] = []): SimulatedUser => ({
  key: `key-${sub}`,
  name: sub,
  sub,
  roles,
  tenant: 'acme',
});

const answered = (outcome: RecordedOutcome) => Promise.resolve(outcome);

describe('ScenarioRecorder', () => {
  it('records changes with the server’s verdicts and checks of copies, and the scenario replays green', async () => {
    const recorder = new ScenarioRecorder();
    const alice = person('alice', ['editor']);
    const bob = person('bob');
    const bobsCopy = createMergeableStore();
    recorder.attach(bob, bobsCopy, 'main');
    recorder.start('board', config.datastores.board?.tables ?? {}, false);

    recorder.recordWrite(
      alice,
      'main',
      { kind: 'set', table: 'notes', row: 'n1', cells: { text: 'Hi', author: 'alice', sentAt: 5 } },
      answered({ kind: 'accepted' }),
    );
    recorder.recordWrite(
      bob,
      'main',
      { kind: 'set', table: 'notes', row: 'n1', cells: { text: 'Mine' } },
      answered({ kind: 'refused', rule: 'update' }),
    );
    recorder.recordWrite(
      bob,
      'main',
      { kind: 'set', table: 'notes', row: 'n1', cells: { text: undefined } },
      answered({ kind: 'accepted' }),
    );
    recorder.recordWrite(
      bob,
      'main',
      { kind: 'delete', table: 'notes', row: 'n1', cells: {} },
      answered({ kind: 'unanswered', reason: 'the server did not answer.' }),
    );
    bobsCopy.setRow('notes', 'n1', { text: 'Hi', author: 'alice', sentAt: 7 });
    recorder.recordSees('key-bob', 'main', 'notes', 'n1');
    recorder.recordSees('key-bob', 'main', 'notes', 'n2');
    expect(recorder.getSnapshot().steps.filter((step) => step.pending)).toHaveLength(3);

    const scenario = await recorder.finish('Bob cannot change Alice’s note');
    expect(scenario).toEqual({
      name: 'Bob cannot change Alice’s note',
      datastore: 'board',
      people: { alice: { roles: ['editor'], tenant: 'acme' }, bob: { tenant: 'acme' } },
      steps: [
        { as: 'alice', set: ['notes', 'n1', { text: 'Hi', author: 'alice', sentAt: 5 }], expect: 'accepted' },
        { as: 'bob', set: ['notes', 'n1', { text: 'Mine' }], expect: { refused: 'update' } },
        // A server-written time is compared by value, so it is left out of what Bob sees.
        { as: 'bob', sees: ['notes', 'n1', { text: 'Hi', author: 'alice' }] },
        { as: 'bob', sees: ['notes', 'n2', null] },
      ],
    });
    expect(recorder.recording).toBe(false);
    const run = runTests({ ...config, tests: scenario ? [scenario] : [] });
    expect(run.scenarios[0]?.passed).toBe(true);
  });

  it('names multi instances as the pane does, and records joins and invitations under those names', async () => {
    const recorder = new ScenarioRecorder();
    const alice = person('alice');
    const bob = person('bob');
    recorder.start('games', {}, true);
    recorder.recordCreateInstance(alice, 'Game 1', answered({ kind: 'accepted' }));
    recorder.nameSpace('id-1', 'Game 1');
    recorder.recordInvite(alice, 'id-1', bob, answered({ kind: 'accepted' }));
    recorder.recordJoin(bob, 'id-1', answered({ kind: 'refused', rule: 'join' }));
    recorder.recordWrite(
      bob,
      'id-1',
      { kind: 'set', table: 'moves', row: 'm1', cells: { at: 1 } },
      answered({ kind: 'accepted' }),
    );
    recorder.recordWrite(
      bob,
      'id-0',
      { kind: 'set', table: 'moves', row: 'm2', cells: { at: 1 } },
      answered({ kind: 'accepted' }),
    );
    expect(recorder.getSnapshot().notes).toEqual([
      'A change in a space created before the recording began was left out.',
    ]);
    const scenario = await recorder.finish('Invited players move');
    expect(scenario?.steps).toEqual([
      { as: 'alice', createInstance: 'Game 1', expect: 'accepted' },
      { as: 'alice', invite: 'bob', instance: 'Game 1', expect: 'accepted' },
      { as: 'bob', join: 'Game 1', expect: { refused: 'join' } },
      { as: 'bob', instance: 'Game 1', set: ['moves', 'm1', { at: 1 }], expect: 'accepted' },
    ]);
  });

  it('keeps nothing when stopped without a step, or discarded', async () => {
    const recorder = new ScenarioRecorder();
    recorder.start('board', {}, false);
    expect(await recorder.finish('Empty')).toBeUndefined();
    recorder.start('board', {}, false);
    recorder.recordSees('nobody', 'main', 'notes', 'n1');
    recorder.discard();
    expect(recorder.getSnapshot()).toMatchObject({ recording: false, steps: [] });
  });
});
