// A refused change that reaches the hub again over the same socket (a loaded client answering a pull with what it
// still holds, or handing back the hub's own correction) is corrected again but notified once.
import { getHlcFunctions } from 'tinybase';
import { expect, test } from 'vitest';
import { notesBoard } from '../../test/support/configs.ts';
import { deploy, noticesIn, openSocket, rowFrame, waitFor, type RawSocket } from './support/sockets.ts';

const config = notesBoard({
  fields: { text: { type: 'string' }, author: { type: 'string', required: true } },
  rules: {
    create: 'newRow.author == user.id',
    update: 'row.author == user.id',
    delete: 'row.author == user.id',
  },
});

type Body = [
  [Record<string, [Record<string, [Record<string, [unknown, string]>, string?]>, string?]>, string?],
];

/** The ContentDiff frames (sync type 3) a socket received that touch one row, as their bodies. */
const diffsFor = (socket: RawSocket, row: string): Body[] =>
  socket.frames
    .map((frame) => JSON.parse(frame.slice(frame.indexOf('\n') + 1)) as [unknown, number, unknown])
    .filter(([, type, body]) => type === 3 && JSON.stringify(body).includes(`"${row}"`))
    .map(([, , body]) => body as Body);

const setUp = async (app: string) => {
  await deploy(app, config);
  const ann = await openSocket(`${app}/board/main`, 'ann');
  const bob = await openSocket(`${app}/board/main`, 'bob');
  ann.socket.send(rowFrame('notes', 'n1', { text: 'ann wrote this', author: 'ann' }));
  await waitFor(() => diffsFor(bob, 'n1').length === 1, 'ann’s note at bob');
  return { ann, bob };
};

test('the same refused update sent twice is corrected twice and notified once', async () => {
  const { bob } = await setUp('again-update');
  const frame = rowFrame('notes', 'n1', { text: 'bob was here' });
  bob.socket.send(frame);
  await waitFor(() => diffsFor(bob, 'n1').length === 2, 'the first correction');
  bob.socket.send(frame);
  await waitFor(() => diffsFor(bob, 'n1').length === 3, 'the second correction');
  // Each correction re-asserts ann's text under a newer stamp than the last, so bob converges both times.
  const [first, second] = diffsFor(bob, 'n1')
    .slice(1)
    .map((body) => body[0][0].notes?.[0].n1?.[0].text ?? []);
  expect(first?.[0]).toBe('ann wrote this');
  expect(second?.[0]).toBe('ann wrote this');
  expect((second?.[1] ?? '') > (first?.[1] ?? '')).toBe(true);
  expect(noticesIn(bob.frames)).toEqual([expect.objectContaining({ row: 'n1', rule: 'update' })]);
});

test('the same refused create sent twice is undone twice at the sender and notified once', async () => {
  const { ann, bob } = await setUp('again-create');
  const frame = rowFrame('notes', 'forged', { text: 'in ann’s name', author: 'ann' });
  bob.socket.send(frame);
  await waitFor(() => diffsFor(bob, 'forged').length === 1, 'the first correction');
  bob.socket.send(frame);
  await waitFor(() => diffsFor(bob, 'forged').length === 2, 'the second correction');
  expect(noticesIn(bob.frames)).toEqual([expect.objectContaining({ row: 'forged', rule: 'create' })]);
  expect(diffsFor(ann, 'forged')).toEqual([]);
});

test('a new refused change to the same row, with new stamps, is notified again', async () => {
  const { bob } = await setUp('again-new');
  const clock = getHlcFunctions('bob')[0];
  bob.socket.send(rowFrame('notes', 'n1', { text: 'bob was here' }, clock));
  await waitFor(() => noticesIn(bob.frames).length === 1, 'the first notice');
  bob.socket.send(rowFrame('notes', 'n1', { text: 'bob was here' }, clock));
  await waitFor(() => noticesIn(bob.frames).length === 2, 'the second notice');
  expect(noticesIn(bob.frames).map((notice) => notice.rule)).toEqual(['update', 'update']);
});

test('the hub’s own correction handed back by the sender is not judged as the sender’s write', async () => {
  const { ann, bob } = await setUp('echo');
  bob.socket.send(rowFrame('notes', 'n1', { text: 'bob was here' }));
  await waitFor(() => diffsFor(bob, 'n1').length === 2, 'the correction');
  const correction = diffsFor(bob, 'n1')[1] as Body;
  // What a TinyBase client sends when it saves the transaction that merged the correction.
  bob.socket.send(`S\n${JSON.stringify(['echo-1', 3, correction])}`);
  // A later write of ann's own, so the echo has surely been handled when it arrives.
  ann.socket.send(rowFrame('notes', 'n2', { text: 'after the echo', author: 'ann' }));
  await waitFor(() => diffsFor(bob, 'n2').length === 1, 'ann’s later note at bob');
  expect(noticesIn(bob.frames)).toHaveLength(1);
  expect(diffsFor(bob, 'n1')).toHaveLength(2);
});
