// The back-pressure measure on its own: who is asked, when, and when a socket counts as too far behind.
import { expect, test } from 'vitest';
import { BacklogProbe, MAX_BACKLOG_MS } from '../src/backlog-probe.ts';

const socket = () => ({}) as WebSocket;

test('a socket writing at an ordinary pace is never asked', () => {
  const probe = new BacklogProbe();
  const quiet = socket();
  for (let t = 0; t < 60_000; t += 100) expect(probe.noteMessage(quiet, t)).toBe('ok');
});

test('a flooding socket is asked once a second, and closed when the answer is over the bound late', () => {
  const probe = new BacklogProbe();
  const flood = socket();
  const verdicts: string[] = [];
  for (let i = 0; i < 60; i++) verdicts.push(probe.noteMessage(flood, 1000 + i));
  expect(verdicts.filter((verdict) => verdict === 'probe')).toHaveLength(1);
  // Answered in time: asked again only a second later.
  probe.answered(flood);
  expect(probe.noteMessage(flood, 1100)).toBe('ok');
  let t = 2100;
  let verdict = 'ok';
  for (let i = 0; verdict !== 'probe'; i++) verdict = probe.noteMessage(flood, t + i);
  // Not answered: messages keep coming for longer than the bound.
  t += 100;
  expect(probe.noteMessage(flood, t + MAX_BACKLOG_MS - 100)).toBe('ok');
  expect(probe.noteMessage(flood, t + MAX_BACKLOG_MS + 100)).toBe('behind');
  expect(probe.dropping(flood)).toBe(true);
  expect(probe.dropping(socket())).toBe(false);
});
