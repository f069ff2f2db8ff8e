// A fresh copy keeps exactly this device's own edits since a given time, deletions included, and nothing else.
import { describe, expect, it } from 'vitest';
import { createMergeableStore, getHlcFunctions } from 'tinybase';
import { startFreshCopy } from '../src/fresh-copy.ts';

describe('startFreshCopy', () => {
  it('keeps own recent edits and drops what came from elsewhere or before', () => {
    let now = 1_000_000;
    const clock = () => now;
    const device = createMergeableStore('device', clock);
    const server = createMergeableStore('server', clock);
    server.setRow('notes', 'n1', { text: 'from the server' });
    server.setRow('salaries', 's1', { amount: 5000 });
    device.merge(server);
    device.setCell('notes', 'n2', 'text', 'old own edit');
    now += 60_000;
    const since = now;
    device.setCell('notes', 'n3', 'text', 'recent own edit');
    device.delRow('notes', 'n2');
    const [, , encode, , , , clientId] = getHlcFunctions('device');

    startFreshCopy(device, clientId(), encode(since, 0));

    expect(device.getTables()).toEqual({ notes: { n3: { text: 'recent own edit' } } });
    // The deletion of n2 is kept too, so it still reaches the server.
    expect(device.getMergeableContent()[0][0].notes?.[0].n2).toBeDefined();
    expect(device.getMergeableContent()[0][0]).not.toHaveProperty('salaries');
  });
});
