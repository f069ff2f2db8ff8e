// The CEL environments rules are checked and run in: which variables each kind of rule sees, typed from the table.
import { Environment } from '@marcbachmann/cel-js';
import type { FieldType, RuleKind, TableConfig } from './config-types.ts';

const CEL_TYPE: Record<FieldType, string> = { string: 'string', number: 'double', boolean: 'bool' };

const USER_SCHEMA = { id: 'string', roles: 'list<string>', tenant: 'string' };
const INSTANCE_SCHEMA = { id: 'string', owner: 'string', members: 'list<string>' };

/** The variables each kind of rule may use. */
export const RULE_VARIABLES: Record<RuleKind, readonly string[]> = {
  create: ['user', 'instance', 'row', 'newRow', 'changed', 'now'],
  update: ['user', 'instance', 'row', 'newRow', 'changed', 'now'],
  delete: ['user', 'instance', 'row', 'newRow', 'changed', 'now'],
  connect: ['user', 'instance', 'now'],
  join: ['user', 'instance', 'now'],
  createInstance: ['user', 'now'],
  read: ['user', 'instance', 'row'],
};

/** The `auto` kinds whose fields never change once a row exists: the only fields a `read` rule may use. */
export const WRITE_ONCE_AUTO = new Set(['creator', 'createdAt']);

/** The fields of a table a `read` rule may use (`auto: "creator"` or `auto: "createdAt"`). */
export const readableRuleFields = (table: TableConfig | undefined): string[] =>
  Object.entries(table?.fields ?? {})
    .filter(([, field]) => field.auto !== undefined && WRITE_ONCE_AUTO.has(field.auto))
    .map(([fieldId]) => fieldId);

// A number field is a CEL double while literals and `now` are ints; these let them mix as rule writers expect.
const MIXED_NUMBER_OPERATORS: ReadonlyArray<[string, (a: number, b: number) => unknown]> = [
  ['+', (a, b) => a + b],
  ['-', (a, b) => a - b],
  ['*', (a, b) => a * b],
  ['/', (a, b) => a / b],
  ['==', (a, b) => a === b],
  ['!=', (a, b) => a !== b],
  ['<', (a, b) => a < b],
  ['<=', (a, b) => a <= b],
  ['>', (a, b) => a > b],
  ['>=', (a, b) => a >= b],
];

const registerMixedNumberOperators = (env: Environment): void => {
  for (const [operator, apply] of MIXED_NUMBER_OPERATORS) {
    const both: ReadonlyArray<[string, (l: unknown, r: unknown) => unknown]> = [
      [`double ${operator} int`, (l, r) => apply(l as number, Number(r as bigint))],
      [`int ${operator} double`, (l, r) => apply(Number(l as bigint), r as number)],
    ];
    for (const [signature, handler] of both) {
      try {
        env.registerOperator(signature, handler);
      } catch {
        // cel-js already defines this overload (most comparisons): its own is used.
      }
    }
  }
};

const rowSchema = (table: TableConfig | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(table?.fields ?? {}).map(([field, config]) => [field, CEL_TYPE[config.type]]),
  );

/**
 * Builds the environment for one kind of rule; row rules get `row`/`newRow` typed from the table's fields, and
 * `read` rules a `row` holding only the fields that never change.
 */
export const ruleEnvironment = (kind: RuleKind, table?: TableConfig): Environment => {
  const env = new Environment({ homogeneousAggregateLiterals: false });
  registerMixedNumberOperators(env);
  const variables = RULE_VARIABLES[kind];
  env.registerVariable({ name: 'user', schema: USER_SCHEMA });
  if (variables.includes('now')) env.registerVariable('now', 'int');
  if (variables.includes('instance')) env.registerVariable({ name: 'instance', schema: INSTANCE_SCHEMA });
  if (kind === 'read') {
    const allowed = new Set(readableRuleFields(table));
    const schema = rowSchema(table);
    env.registerVariable({
      name: 'row',
      schema: Object.fromEntries(Object.entries(schema).filter(([field]) => allowed.has(field))),
    });
  } else if (variables.includes('row')) {
    const schema = rowSchema(table);
    env.registerVariable({ name: 'row', schema });
    env.registerVariable({ name: 'newRow', schema });
    env.registerVariable('changed', 'list<string>');
  }
  return env;
};
