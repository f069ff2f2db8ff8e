// The `tests` section of a config as TypeScript types: scenarios of steps that say who can and cannot do what.
import type { CellValue } from './config-types.ts';
import type { RejectionRule } from './rejection-notice.ts';

/** The rule kinds a refusal can name: those of rejection notices (Values are no part of a scenario) and of access decisions. */
export type RefusalRule =
  Exclude<RejectionRule, 'values'> | 'connect' | 'createInstance' | 'join' | 'members';

/** Every refusal rule, in the order people read them. */
export const REFUSAL_RULES: readonly RefusalRule[] = [
  'create',
  'update',
  'delete',
  'read',
  'schema',
  'readOnly',
  'unknownTable',
  'limit',
  'connect',
  'createInstance',
  'join',
  'members',
];

/** What a step expects: accepted, refused for any reason, or refused by one rule kind. */
export type StepExpectation = 'accepted' | 'refused' | { refused: RefusalRule };

/** Cells a `set` step merges into a row; they are not checked against the fields, so schema refusals can be tested. */
export type StepCells = Record<string, CellValue>;

/** What every step may carry: who acts (`""` is someone without a token) and, for multi, on which named instance. */
interface StepBase {
  as?: string;
  instance?: string;
}

/** Merges cells into a row (creating it when absent), as one change. */
export interface SetStep extends StepBase {
  set: [table: string, row: string, cells: StepCells];
  server?: true;
  expect?: StepExpectation;
}

/** Deletes a row. */
export interface DeleteStep extends StepBase {
  delete: [table: string, row: string];
  server?: true;
  expect?: StepExpectation;
}

/** Checks a person's copy of a row: at least these cells with these values, or `null` for no such row. */
export interface SeesStep extends StepBase {
  as: string;
  sees: [table: string, row: string, cells: StepCells | null];
}

/** Checks whether a person may open the instance at all. */
export interface ConnectStep extends StepBase {
  as: string;
  connect: 'accepted' | 'refused';
}

/** Creates a multi instance that later steps name by this local name. */
export interface CreateInstanceStep {
  as: string;
  createInstance: string;
  expect?: StepExpectation;
}

/** Adds the `as` person to a named multi instance ("anyone with the link"). */
export interface JoinStep {
  as: string;
  join: string;
  expect?: StepExpectation;
}

/** Adds a member to a named multi instance with the `as` person's own rights. */
export interface InviteStep {
  as: string;
  invite: string;
  instance: string;
  expect?: StepExpectation;
}

/** One step of a scenario. */
export type ScenarioStep =
  SetStep | DeleteStep | SeesStep | ConnectStep | CreateInstanceStep | JoinStep | InviteStep;

/** Roles and tenant of one person of a scenario; an unlisted person has neither. */
export interface ScenarioPerson {
  roles?: string[];
  tenant?: string;
}

/** A named scenario on one datastore: its people and its steps, run from empty instances. */
export interface Scenario {
  name: string;
  datastore: string;
  people?: Record<string, ScenarioPerson>;
  steps: ScenarioStep[];
}

/** The step kinds, by the key that names each. */
export type StepKind = 'set' | 'delete' | 'sees' | 'connect' | 'createInstance' | 'join' | 'invite';

/** Every step kind, in the order a step's action key is looked for. */
export const STEP_KINDS: readonly StepKind[] = [
  'set',
  'delete',
  'sees',
  'connect',
  'createInstance',
  'join',
  'invite',
];

/** The kind of a (valid) step. */
export const stepKind = (step: ScenarioStep): StepKind => {
  for (const kind of STEP_KINDS) if (kind in step) return kind;
  return 'set';
};

/** What a step expects, with an absent `expect` read as "accepted". */
export const expectationOf = (step: ScenarioStep): StepExpectation =>
  'expect' in step && step.expect !== undefined ? step.expect : 'accepted';
