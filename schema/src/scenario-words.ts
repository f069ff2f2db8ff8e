// Scenario steps and their outcomes in plain sentences, the same for the designer, the preview and the CLI.
import type { CellValue, Row } from './config-types.ts';
import type { RefusalRule, ScenarioStep, StepExpectation } from './scenario-types.ts';
import { expectationOf } from './scenario-types.ts';

/** The rules people name, in the words the designer uses for them. */
export const RULE_WORDS: Record<RefusalRule, string> = {
  create: 'who can add rows',
  update: 'who can change rows',
  delete: 'who can delete rows',
  read: 'who can see rows',
  connect: 'who can open it',
  createInstance: 'who can start a new instance',
  join: 'who can join by link',
  members: 'who can add members (the owner)',
  schema: 'the fields’ settings',
  readOnly: 'the sync mode (server to clients only)',
  unknownTable: 'the table being server-only or unknown',
  limit: 'a limit',
};

/** A person as a sentence names them: their user id, or "someone without a token" for `""`. */
export const personWords = (userId: string): string => (userId === '' ? 'Someone without a token' : userId);

const cellList = (cells: Record<string, CellValue> | null): string =>
  cells === null ? '' : Object.keys(cells).join(', ');

const valueWords = (value: CellValue): string => (typeof value === 'string' ? `"${value}"` : String(value));

/** The cells of a row in short words: `text "Hi", votes 2`. */
export const cellsWords = (cells: Row): string =>
  Object.entries(cells)
    .map(([cell, value]) => `${cell} ${valueWords(value)}`)
    .join(', ') || 'no cells';

/** What a step does, as a sentence ("Sam changes notes › n1 › text"). */
export const stepWords = (step: ScenarioStep): string => {
  const who = 'server' in step && step.server === true ? 'The server' : personWords(step.as ?? '');
  const where =
    'instance' in step && step.instance !== undefined && !('invite' in step) ? ` in ${step.instance}` : '';
  if ('set' in step) {
    const [table, row, cells] = step.set;
    return `${who} sets ${table} › ${row} › ${cellList(cells)}${where}`;
  }
  if ('delete' in step) return `${who} deletes ${step.delete[0]} › ${step.delete[1]}${where}`;
  if ('sees' in step) {
    const [table, row, cells] = step.sees;
    return cells === null
      ? `${who} does not see ${table} › ${row}${where}`
      : `${who} sees ${table} › ${row} with ${cellsWords(cells)}${where}`;
  }
  if ('connect' in step) return `${who} opens the instance${where}`;
  if ('createInstance' in step) return `${who} creates instance ${step.createInstance}`;
  if ('join' in step) return `${who} joins ${step.join}`;
  return `${who} adds ${step.invite} as a member of ${step.instance}`;
};

/** An expectation in words ("refused by who can change rows"). */
export const expectationWords = (expectation: StepExpectation): string =>
  typeof expectation === 'string' ? expectation : `refused by ${RULE_WORDS[expectation.refused]}`;

/** A step with what it expects: "Sam sets notes › n1 › text — expected: refused by who can change rows". */
export const stepSentence = (step: ScenarioStep): string => {
  if ('sees' in step) return stepWords(step);
  if ('connect' in step) return `${stepWords(step)} — expected: ${step.connect}`;
  return `${stepWords(step)} — expected: ${expectationWords(expectationOf(step))}`;
};
