// Checks the `tests` section of a config in plain words: every problem with its JSON Pointer, like the rest.
import type { ConfigProblem, ProblemCode } from './problems.ts';
import { toPointer } from './problems.ts';
import { REFUSAL_RULES, STEP_KINDS } from './scenario-types.ts';
import { ownEntry } from './own-key.ts';

type Segments = ReadonlyArray<PropertyKey>;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const isCellValue = (value: unknown): boolean =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));

const STEP_KEYS = new Set(['as', 'server', 'instance', 'expect', ...STEP_KINDS]);
const EXPECTING_KINDS = new Set(['set', 'delete', 'createInstance', 'join', 'invite']);
const MULTI_KINDS = new Set(['createInstance', 'join', 'invite']);

/** What a step is checked against: the datastore's kind and tables, and the instance names made so far. */
interface StepScope {
  kind: string;
  tables: Record<string, unknown>;
  names: Set<string>;
}

const checkExpectation = (value: unknown, at: Segments, add: Adder): void => {
  if (value === 'accepted' || value === 'refused') return;
  if (isObject(value) && Object.keys(value).length === 1 && typeof value.refused === 'string') {
    if ((REFUSAL_RULES as readonly string[]).includes(value.refused)) return;
    add(
      [...at, 'refused'],
      'bad_choice',
      `"${value.refused}" is not a rule a refusal can name; use one of ${REFUSAL_RULES.join(', ')}.`,
    );
    return;
  }
  add(at, 'bad_step', 'The expectation must be "accepted", "refused", or {"refused": "<rule>"}.');
};

type Adder = (at: Segments, code: ProblemCode, message: string) => void;

const checkCells = (value: unknown, at: Segments, add: Adder, what: string): void => {
  if (!isObject(value)) {
    add(at, 'bad_step', `${what} must be an object of cells, like {"text": "Hi"}.`);
    return;
  }
  for (const [cell, cellValue] of Object.entries(value)) {
    if (!isCellValue(cellValue)) {
      add([...at, cell], 'wrong_type', `Cell "${cell}" must hold text, a number or true/false.`);
    }
  }
};

const checkRowAddress = (
  value: unknown,
  at: Segments,
  scope: StepScope,
  add: Adder,
  length: number,
  usage: string,
): value is unknown[] => {
  if (!Array.isArray(value) || value.length !== length) {
    add(at, 'bad_step', `This step must be written as ${usage}.`);
    return false;
  }
  const [table, row] = value as unknown[];
  if (typeof table !== 'string' || table === '') {
    add([...at, 0], 'bad_step', 'The first item must be a table id.');
  } else if (ownEntry(scope.tables, table) === undefined) {
    add([...at, 0], 'unknown_table', `There is no table "${table}" in this datastore.`);
  }
  if (typeof row !== 'string' || row === '') add([...at, 1], 'bad_step', 'The second item must be a row id.');
  return true;
};

const checkInstanceName = (
  step: Record<string, unknown>,
  key: string,
  at: Segments,
  scope: StepScope,
  add: Adder,
): void => {
  const name = step[key];
  if (typeof name !== 'string' || name === '') {
    add([...at, key], 'bad_step', `"${key}" must be the name of an instance a createInstance step made.`);
  } else if (!scope.names.has(name)) {
    add(
      [...at, key],
      'unknown_instance_name',
      `No earlier step creates an instance named "${name}". Add a createInstance step before this one.`,
    );
  }
};

const checkStep = (step: unknown, at: Segments, scope: StepScope, add: Adder): void => {
  if (!isObject(step)) {
    add(
      at,
      'bad_step',
      'A step must be an object, like {"as": "alice", "set": ["notes", "n1", {"text": "Hi"}]}.',
    );
    return;
  }
  for (const key of Object.keys(step)) {
    if (!STEP_KEYS.has(key)) {
      add([...at, key], 'unknown_key', `"${key}" is not part of a step. Remove it or check its spelling.`);
    }
  }
  const kinds = STEP_KINDS.filter((kind) => kind in step);
  const [kind] = kinds;
  if (kind === undefined || kinds.length > 1) {
    add(
      at,
      'bad_step',
      kind === undefined
        ? `A step needs one action: ${STEP_KINDS.join(', ')}.`
        : `A step does one thing; this one has ${kinds.join(' and ')}. Split it into ${kinds.length} steps.`,
    );
    return;
  }
  const server = step.server;
  if (server !== undefined && server !== true) {
    add([...at, 'server'], 'wrong_type', '"server" must be true, or left out.');
  }
  const byServer = server === true;
  if (byServer && kind !== 'set' && kind !== 'delete') {
    add([...at, 'server'], 'bad_step', 'Only set and delete steps can be done as the server.');
  }
  if (step.as === undefined) {
    if (!byServer)
      add(
        [...at, 'as'],
        'missing',
        'Say who does this step with "as" (a user id; "" for someone without a token).',
      );
    else if (scope.kind === 'perUser' || scope.kind === 'perTenant') {
      add(
        [...at, 'as'],
        'missing',
        `Say with "as" whose instance the server writes to: each ${scope.kind === 'perUser' ? 'user' : 'organisation'} has its own here.`,
      );
    }
  } else if (typeof step.as !== 'string') {
    add([...at, 'as'], 'wrong_type', '"as" must be a user id (text; "" for someone without a token).');
  }
  if (step.expect !== undefined) {
    if (EXPECTING_KINDS.has(kind)) checkExpectation(step.expect, [...at, 'expect'], add);
    else add([...at, 'expect'], 'bad_step', `A ${kind} step holds its own expectation; remove "expect".`);
  }
  const isMulti = scope.kind === 'multi';
  if (MULTI_KINDS.has(kind) && !isMulti) {
    add(
      [...at, kind],
      'multi_only',
      `A ${kind} step only applies when instances is "multi"; this datastore's are "${scope.kind}".`,
    );
    return;
  }
  if (kind === 'createInstance' || kind === 'join') {
    if (step.instance !== undefined) {
      add(
        [...at, 'instance'],
        'bad_step',
        `A ${kind} step names its instance in "${kind}"; remove "instance".`,
      );
    }
    if (kind === 'join') {
      checkInstanceName(step, 'join', at, scope, add);
      return;
    }
    const name = step.createInstance;
    if (typeof name !== 'string' || name === '') {
      add(
        [...at, 'createInstance'],
        'bad_step',
        'Give the new instance a name that later steps use in "instance".',
      );
    } else if (scope.names.has(name)) {
      add(
        [...at, 'createInstance'],
        'duplicate_name',
        `An earlier step already creates an instance named "${name}". Choose another name.`,
      );
    } else scope.names.add(name);
    return;
  }
  if (isMulti) checkInstanceName(step, 'instance', at, scope, add);
  else if (step.instance !== undefined) {
    add(
      [...at, 'instance'],
      'multi_only',
      `"instance" only applies when instances is "multi"; here each step uses the instance its person would open.`,
    );
  }
  switch (kind) {
    case 'set':
      if (
        checkRowAddress(step.set, [...at, 'set'], scope, add, 3, '"set": ["<table>", "<row>", {<cells>}]')
      ) {
        const cells = (step.set as unknown[])[2];
        checkCells(cells, [...at, 'set', 2], add, 'The third item');
        if (isObject(cells) && Object.keys(cells).length === 0) {
          add([...at, 'set', 2], 'bad_step', 'Give at least one cell to set.');
        }
      }
      return;
    case 'delete':
      checkRowAddress(step.delete, [...at, 'delete'], scope, add, 2, '"delete": ["<table>", "<row>"]');
      return;
    case 'sees':
      if (
        checkRowAddress(
          step.sees,
          [...at, 'sees'],
          scope,
          add,
          3,
          '"sees": ["<table>", "<row>", {<cells>} or null]',
        )
      ) {
        const cells = (step.sees as unknown[])[2];
        if (cells !== null)
          checkCells(cells, [...at, 'sees', 2], add, 'The third item (or null for no such row)');
      }
      return;
    case 'connect':
      if (step.connect !== 'accepted' && step.connect !== 'refused') {
        add([...at, 'connect'], 'bad_choice', '"connect" must be "accepted" or "refused".');
      }
      return;
    case 'invite':
      if (typeof step.invite !== 'string' || step.invite === '') {
        add([...at, 'invite'], 'bad_step', '"invite" must be the user id of the person to add.');
      }
      return;
  }
};

const checkPeople = (people: unknown, at: Segments, add: Adder): void => {
  if (people === undefined) return;
  if (!isObject(people)) {
    add(at, 'not_an_object', 'The people must be an object: user id to {"roles": [...], "tenant": "..."}.');
    return;
  }
  for (const [userId, person] of Object.entries(people)) {
    const place = [...at, userId];
    if (userId === '')
      add(place, 'bad_id', 'Someone without a token ("") has no roles or tenant; remove this entry.');
    if (!isObject(person)) {
      add(
        place,
        'not_an_object',
        `"${userId}" must be an object like {"roles": ["editor"], "tenant": "acme"}.`,
      );
      continue;
    }
    for (const key of Object.keys(person)) {
      if (key !== 'roles' && key !== 'tenant') {
        add(
          [...place, key],
          'unknown_key',
          `"${key}" is not something a person has here: use roles and tenant.`,
        );
      }
    }
    if (
      person.roles !== undefined &&
      !(Array.isArray(person.roles) && person.roles.every((role) => typeof role === 'string'))
    ) {
      add(
        [...place, 'roles'],
        'wrong_type',
        `The roles of "${userId}" must be a list of texts, like ["editor"].`,
      );
    }
    if (person.tenant !== undefined && typeof person.tenant !== 'string') {
      add([...place, 'tenant'], 'wrong_type', `The tenant of "${userId}" must be text.`);
    }
  }
};

/** Checks the `tests` section against the config's datastores; answers every problem at once. */
export const checkTests = (tests: unknown, datastores: unknown): ConfigProblem[] => {
  const problems: ConfigProblem[] = [];
  const add: Adder = (at, code, message) => problems.push({ path: toPointer(at), code, message });
  if (tests === undefined) return problems;
  if (!Array.isArray(tests)) {
    add(['tests'], 'wrong_type', 'The tests must be a list of scenarios.');
    return problems;
  }
  tests.forEach((scenario: unknown, index) => {
    const at = ['tests', index];
    if (!isObject(scenario)) {
      add(at, 'not_an_object', 'A scenario must be an object with a name, a datastore and steps.');
      return;
    }
    for (const key of Object.keys(scenario)) {
      if (!['name', 'datastore', 'people', 'steps'].includes(key)) {
        add(
          [...at, key],
          'unknown_key',
          `"${key}" is not part of a scenario. Remove it or check its spelling.`,
        );
      }
    }
    if (typeof scenario.name !== 'string' || scenario.name.trim() === '') {
      add(
        [...at, 'name'],
        scenario.name === undefined ? 'missing' : 'wrong_type',
        'Give the scenario a name, in words.',
      );
    }
    checkPeople(scenario.people, [...at, 'people'], add);
    const datastore =
      typeof scenario.datastore === 'string' && isObject(datastores)
        ? ownEntry(datastores, scenario.datastore)
        : undefined;
    if (typeof scenario.datastore !== 'string') {
      add([...at, 'datastore'], 'missing', 'Say which datastore the scenario tests with "datastore".');
    } else if (!isObject(datastore)) {
      add(
        [...at, 'datastore'],
        'unknown_datastore',
        `There is no datastore "${scenario.datastore}" in this config.`,
      );
    }
    if (!Array.isArray(scenario.steps)) {
      add(
        [...at, 'steps'],
        scenario.steps === undefined ? 'missing' : 'wrong_type',
        'The steps must be a list.',
      );
      return;
    }
    if (!isObject(datastore)) return;
    const scope: StepScope = {
      kind: typeof datastore.instances === 'string' ? datastore.instances : '',
      tables: isObject(datastore.tables) ? datastore.tables : {},
      names: new Set(),
    };
    scenario.steps.forEach((step: unknown, stepIndex) =>
      checkStep(step, [...at, 'steps', stepIndex], scope, add),
    );
  });
  return problems;
};
