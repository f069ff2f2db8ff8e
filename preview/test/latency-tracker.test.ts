// Unit tests of the preview's tracker of who wrote what: an offline change another person's later one replaced.
import { describe, expect, test } from 'vitest';
import { createMergeableStore } from 'tinybase';
import { LatencyTracker } from '../src/pane/latency-tracker.ts';

/** Alice's and Bob's stores, watched by one tracker, with a row both know. */
const twoPeople = () => {
  const tracker = new LatencyTracker();
  const alice = createMergeableStore('alice');
  const bob = createMergeableStore('bob');
  tracker.observe('alice', alice);
  tracker.observe('bob', bob);
  alice.setRow('customers', 'c1', { name: 'Acme' });
  bob.setRow('customers', 'c1', { name: 'Acme' });
  return { tracker, alice, bob };
};

describe('LatencyTracker.replacedOf', () => {
  test('names the person whose later change replaced an offline one, once its owner is back', () => {
    const { tracker, alice } = twoPeople();
    tracker.noteOffline('alice');
    tracker.noteWrite('alice', 'customers', 'c1', { name: 'Acme Ltd' }, 'Acme');
    alice.setCell('customers', 'c1', 'name', 'Acme Ltd');
    tracker.noteWrite('bob', 'customers', 'c1', { name: 'Acme Inc' }, 'Acme');
    expect(tracker.replacedOf('alice')).toEqual([]);
    tracker.noteOnline('alice');
    // The merge brings Bob's later value into Alice's store.
    alice.setCell('customers', 'c1', 'name', 'Acme Inc');
    expect(tracker.replacedOf('alice')).toMatchObject([
      { table: 'customers', rowLabel: 'Acme', cell: 'name', by: 'bob' },
    ]);
    expect(tracker.replacedOf('bob')).toEqual([]);
  });

  test('says nothing of a change made online, or of a refused change the server undid', () => {
    const { tracker, alice } = twoPeople();
    tracker.noteWrite('alice', 'customers', 'c1', { name: 'Acme Ltd' }, 'Acme');
    alice.setCell('customers', 'c1', 'name', 'Acme Ltd');
    tracker.noteWrite('bob', 'customers', 'c1', { name: 'Acme Inc' }, 'Acme');
    alice.setCell('customers', 'c1', 'name', 'Acme Inc');
    expect(tracker.replacedOf('alice')).toEqual([]);

    tracker.noteOffline('alice');
    tracker.noteWrite('alice', 'customers', 'c1', { name: 'Mine' }, 'Acme Inc');
    alice.setCell('customers', 'c1', 'name', 'Mine');
    tracker.noteOnline('alice');
    alice.setCell('customers', 'c1', 'name', 'Acme Inc');
    expect(tracker.replacedOf('alice')).toEqual([]);
  });
});
