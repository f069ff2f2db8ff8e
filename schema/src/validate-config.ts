// Validates a config JSON: its structure (zod), then what zod cannot see (references, defaults, limits, rules).
import type { z } from 'zod';
import type { AppConfig, FieldConfig, RuleKind, TableConfig } from './config-types.ts';
import { configSchema, ID_PATTERN } from './config-schema.ts';
import { type ConfigProblem, describePlace, type ProblemCode, toPointer } from './problems.ts';
import { jsonDepthProblem } from './json-depth.ts';
import { checkRule } from './rule-compiler.ts';
import { validateCell } from './row-validation.ts';
import { ownEntry } from './own-key.ts';
import { checkTests } from './scenario-validation.ts';

/** The outcome of validation: the typed config, or every problem found at once. */
export type ValidationResult =
  { ok: true; config: AppConfig; errors: [] } | { ok: false; config?: undefined; errors: ConfigProblem[] };

type Segments = ReadonlyArray<PropertyKey>;

const KEY_WORDS: Record<string, string> = {
  format: 'The config format',
  datastores: 'The list of datastores',
  tables: 'The list of tables',
  fields: 'The list of fields',
  rules: 'The rules',
  instances: 'The instance kind',
  sync: 'The sync mode',
  type: 'The field type',
  title: 'The title',
  required: '"required"',
  serverOnly: '"serverOnly"',
  maxLength: 'The longest length (maxLength)',
  min: 'The minimum (min)',
  max: 'The maximum (max)',
  references: 'The referenced table',
  default: 'The default value',
  auto: 'The server-written value (auto)',
  maxInstancesPerUser: 'The most instances per user (maxInstancesPerUser)',
  deleteIdleAfterDays: 'The idle days before deletion (deleteIdleAfterDays)',
  designer: 'The designer section',
  tests: 'The tests',
};

const RULE_KEYS = new Set(['connect', 'createInstance', 'join', 'create', 'update', 'delete', 'read']);

const valueAt = (root: unknown, segments: Segments): unknown =>
  segments.reduce<unknown>(
    (value, segment) =>
      value !== null && typeof value === 'object'
        ? (value as Record<PropertyKey, unknown>)[segment]
        : undefined,
    root,
  );

const kindOf = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'string'
        ? 'text'
        : typeof value === 'number'
          ? 'a number'
          : typeof value === 'boolean'
            ? 'true/false'
            : typeof value === 'object'
              ? 'an object'
              : 'nothing';

const subjectOf = (segments: Segments): string => {
  const key = String(segments[segments.length - 1] ?? '');
  if (key === 'read') return 'Who can see rows (the read rule)';
  if (RULE_KEYS.has(key)) return `The ${key} rule`;
  return ownEntry(KEY_WORDS, key) ?? `"${key}"`;
};

const expectedWords: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'an object ({ … })',
  record: 'an object ({ … })',
};

const idRule = 'start with a lower-case letter and use only letters, digits and _ (at most 64 characters)';

const problemFromIssue = (issue: z.core.$ZodIssue, input: unknown): ConfigProblem => {
  const segments = issue.path;
  const path = toPointer(segments);
  const subject = subjectOf(segments);
  const where = segments.length > 1 ? ` in ${describePlace(segments)}` : '';
  const make = (code: ProblemCode, message: string): ConfigProblem => ({ path, code, message });
  switch (issue.code) {
    case 'invalid_type': {
      const actual = valueAt(input, segments);
      if (actual === undefined) return make('missing', `${subject} is missing${where}. Add it.`);
      const expected = expectedWords[issue.expected] ?? issue.expected;
      return make(
        issue.expected === 'object' || issue.expected === 'record' ? 'not_an_object' : 'wrong_type',
        `${subject}${where} must be ${expected}, not ${kindOf(actual)}.`,
      );
    }
    case 'unrecognized_keys': {
      const [key] = issue.keys;
      return {
        path: toPointer([...segments, key ?? '']),
        code: 'unknown_key',
        message: `"${key}" is not a setting here${segments.length ? ` (${describePlace(segments)})` : ''}. Remove it or check its spelling.`,
      };
    }
    case 'invalid_key':
      return make(
        'bad_id',
        `The id "${String(segments[segments.length - 1])}" is not allowed: ids must ${idRule}.`,
      );
    case 'invalid_value': {
      if (valueAt(input, segments) === undefined)
        return make('missing', `${subject} is missing${where}. Add it.`);
      if (segments[0] === 'format' && segments.length === 1) {
        return make('bad_format', 'The config format must be 1.');
      }
      const choices = issue.values.map((value) => `"${String(value)}"`).join(', ');
      return make('bad_choice', `${subject}${where} must be one of ${choices}.`);
    }
    case 'invalid_format':
      return make('bad_id', `${subject}${where} must be a table id, which must ${idRule}.`);
    case 'too_small':
      return make('out_of_range', `${subject}${where} must be at least ${String(issue.minimum)}.`);
    case 'too_big':
      return make('out_of_range', `${subject}${where} must be at most ${String(issue.maximum)}.`);
    default:
      return make('wrong_type', `${subject}${where} is not valid: ${issue.message}.`);
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const objectEntries = (value: unknown): Array<[string, unknown]> =>
  isObject(value) ? Object.entries(value) : [];

const FIELD_TYPES = new Set(['string', 'number', 'boolean']);

// Words CEL reads as literals or operators, and "constructor", which the CEL library reads as a value's type:
// a field with such a name could never be used in a rule (`row.in`).
const RESERVED_FIELD_IDS = new Set(['in', 'null', 'true', 'false', 'constructor']);

/** What the server fills each kind of `auto` field with, in words, and the field type that value has. */
const AUTO_WORDS = {
  creator: { what: 'the id of the person who created the row', type: 'string' },
  createdAt: { what: 'the time the row was created', type: 'number' },
  updatedAt: { what: 'the time the row was last changed', type: 'number' },
} as const;

const AUTO_FORBIDDEN_WORDS = {
  default: 'a default value',
  min: 'a minimum (min)',
  max: 'a maximum (max)',
  maxLength: 'a longest length (maxLength)',
  references: 'a link to another table (references)',
} as const;

const checkField = (
  field: Record<string, unknown>,
  segments: Segments,
  tables: Record<string, unknown>,
  tableIsSynced: boolean,
  problems: ConfigProblem[],
): void => {
  const add = (key: string, code: ProblemCode, message: string): void => {
    problems.push({ path: toPointer([...segments, key]), code, message });
  };
  const place = describePlace(segments);
  const type = field.type;
  if (typeof type !== 'string' || !FIELD_TYPES.has(type)) return;
  if (typeof field.auto === 'string' && field.auto in AUTO_WORDS) {
    const auto = AUTO_WORDS[field.auto as keyof typeof AUTO_WORDS];
    if (type !== auto.type) {
      add(
        'auto',
        'auto_not_for_type',
        `${place} is filled with ${auto.what}, which is ${expectedWords[auto.type]}: make it a ${auto.type === 'string' ? 'text' : 'number'} field, or remove "auto".`,
      );
    }
    // The server writes the value: nothing a client-written field may have makes sense on it.
    for (const key of ['default', 'min', 'max', 'maxLength', 'references'] as const) {
      if (field[key] !== undefined) {
        add(
          key,
          'auto_with_setting',
          `${place} is filled by the server with ${auto.what}, so it cannot also have ${AUTO_FORBIDDEN_WORDS[key]}: remove one of them.`,
        );
      }
    }
    // A server-written value is there on every row the server creates, so the limits below never apply to it.
    return;
  }
  if (field.maxLength !== undefined && type !== 'string') {
    add('maxLength', 'limit_not_for_type', `maxLength only applies to text fields; ${place} holds ${type}s.`);
  }
  for (const limit of ['min', 'max'] as const) {
    if (field[limit] !== undefined && type !== 'number') {
      add(limit, 'limit_not_for_type', `${limit} only applies to number fields; ${place} holds ${type}s.`);
    }
  }
  if (typeof field.min === 'number' && typeof field.max === 'number' && field.min > field.max) {
    add(
      'min',
      'min_above_max',
      `The minimum of ${place} (${field.min}) is larger than its maximum (${field.max}).`,
    );
  }
  if (field.default !== undefined && ['string', 'number', 'boolean'].includes(typeof field.default)) {
    if (typeof field.default !== type) {
      add(
        'default',
        'default_type',
        `The default of ${place} must be ${expectedWords[type]}, like the field.`,
      );
    } else {
      const problem = validateCell(field as unknown as FieldConfig, field.default);
      if (problem) add('default', 'default_invalid', `The default of ${place} is not allowed: ${problem}`);
    }
  }
  if (typeof field.references === 'string' && ID_PATTERN.test(field.references)) {
    const target = ownEntry(tables, field.references);
    if (target === undefined) {
      add(
        'references',
        'missing_reference',
        `${place} points to table "${field.references}", which does not exist in this datastore.`,
      );
    } else if (tableIsSynced && isObject(target) && target.serverOnly === true) {
      add(
        'references',
        'reference_server_only',
        `${place} points to "${field.references}", a server-only table that clients never see.`,
      );
    }
    if (type !== 'string') {
      add(
        'type',
        'reference_not_string',
        `${place} refers to rows of "${field.references}", so it must hold text.`,
      );
    }
  }
};

const checkRuleAt = (
  expression: unknown,
  kind: RuleKind,
  table: TableConfig | undefined,
  segments: Segments,
  problems: ConfigProblem[],
): void => {
  if (typeof expression !== 'string') return;
  for (const problem of checkRule(expression, kind, table)) {
    problems.push({ ...problem, path: toPointer(segments) });
  }
};

// A table's fields as far as they are well formed, so its rules can be checked even when a field is broken.
const wellFormedTable = (table: Record<string, unknown>): TableConfig => ({
  fields: Object.fromEntries(
    objectEntries(table.fields).filter(
      ([id, field]) =>
        ID_PATTERN.test(id) &&
        !RESERVED_FIELD_IDS.has(id) &&
        isObject(field) &&
        FIELD_TYPES.has(field.type as string),
    ),
  ) as TableConfig['fields'],
});

const checkDatastore = (
  datastore: Record<string, unknown>,
  segments: Segments,
  problems: ConfigProblem[],
): void => {
  const isMulti = datastore.instances === 'multi';
  for (const key of ['createInstance', 'join', 'maxInstancesPerUser', 'deleteIdleAfterDays'] as const) {
    if (datastore[key] !== undefined && !isMulti && typeof datastore.instances === 'string') {
      problems.push({
        path: toPointer([...segments, key]),
        code: 'multi_only',
        message: `"${key}" only applies when instances is "multi"; this datastore's instances are "${String(datastore.instances)}". Remove it or switch to multi.`,
      });
    }
  }
  checkRuleAt(datastore.connect, 'connect', undefined, [...segments, 'connect'], problems);
  if (isMulti) {
    checkRuleAt(
      datastore.createInstance,
      'createInstance',
      undefined,
      [...segments, 'createInstance'],
      problems,
    );
    checkRuleAt(datastore.join, 'join', undefined, [...segments, 'join'], problems);
  }
  const tables = isObject(datastore.tables) ? datastore.tables : {};
  for (const [tableId, table] of Object.entries(tables)) {
    if (!isObject(table)) continue;
    const tableSegments = [...segments, 'tables', tableId];
    const fields = objectEntries(table.fields);
    if (isObject(table.fields) && fields.length === 0) {
      problems.push({
        path: toPointer([...tableSegments, 'fields']),
        code: 'no_fields',
        message: `Table "${tableId}" has no fields. Add at least one.`,
      });
    }
    for (const [fieldId, field] of fields) {
      if (RESERVED_FIELD_IDS.has(fieldId)) {
        problems.push({
          path: toPointer([...tableSegments, 'fields', fieldId]),
          code: 'reserved_id',
          message: `"${fieldId}" cannot be a field name in table "${tableId}": rules read it as a word of their own. Choose another name.`,
        });
      }
      if (isObject(field)) {
        checkField(field, [...tableSegments, 'fields', fieldId], tables, table.serverOnly !== true, problems);
      }
    }
    const typed = wellFormedTable(table);
    for (const [kind, expression] of objectEntries(table.rules)) {
      if (kind === 'create' || kind === 'update' || kind === 'delete' || kind === 'read') {
        checkRuleAt(expression, kind, typed, [...tableSegments, 'rules', kind], problems);
      }
    }
  }
};

const byPath = (a: ConfigProblem, b: ConfigProblem): number =>
  a.path < b.path ? -1 : a.path > b.path ? 1 : 0;

/** Validates a config JSON value, answering every problem at once, each with a JSON Pointer and plain words. */
export const validateConfig = (json: unknown): ValidationResult => {
  // First, and alone: every later check walks the value, and a walk of thousands of levels overflows the stack.
  const tooDeep = jsonDepthProblem(json);
  if (tooDeep) return { ok: false, errors: [tooDeep] };
  const parsed = configSchema.safeParse(json);
  // The tests section is checked in plain words by checkTests; zod's own issues there are kept only as a
  // fallback, for a case checkTests would miss.
  const testProblems = isObject(json) ? checkTests(json.tests, json.datastores) : [];
  const problems: ConfigProblem[] = parsed.success
    ? []
    : parsed.error.issues
        .filter((issue) => issue.path[0] !== 'tests' || testProblems.length === 0)
        .map((issue) => problemFromIssue(issue, json));
  problems.push(...testProblems);
  if (isObject(json)) {
    for (const [datastoreId, datastore] of objectEntries(json.datastores)) {
      if (isObject(datastore)) checkDatastore(datastore, ['datastores', datastoreId], problems);
    }
  }
  if (problems.length > 0) {
    const sentences = problems.map((problem) => ({
      ...problem,
      message: problem.message.charAt(0).toUpperCase() + problem.message.slice(1),
    }));
    return { ok: false, errors: sentences.sort(byPath) };
  }
  return { ok: true, config: parsed.data as AppConfig, errors: [] };
};

/** Validates config text, reporting malformed JSON as one problem at the root with its position. */
export const parseConfigText = (text: string): ValidationResult => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      errors: [{ path: '', code: 'invalid_json', message: `The file is not valid JSON: ${detail}.` }],
    };
  }
  return validateConfig(json);
};
