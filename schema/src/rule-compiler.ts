// Checks CEL rules against the variables and fields they may use, and compiles them into fast evaluators.
import {
  ParseError,
  serialize,
  TypeError as CelTypeError,
  type ASTNode,
  type Environment,
  type ParseResult,
  type TypeCheckResult,
} from '@marcbachmann/cel-js';
import type { RuleKind, TableConfig } from './config-types.ts';
import type { ConfigProblem } from './problems.ts';
import type { Row } from './config-types.ts';
import type { RuleContext, RuleInstance, RuleUser } from './rule-context.ts';
import { readableRuleFields, RULE_VARIABLES, ruleEnvironment } from './rule-environment.ts';

/** Rules longer than this are refused: a rule is a sentence, not a program. */
export const MAX_RULE_LENGTH = 4000;

// Functions whose running time the input controls (regular expressions) are refused at deploy time.
const FORBIDDEN_FUNCTIONS = new Set(['matches']);

/** The answer to "may this happen?", with the rule that decided and why, in plain words. */
export interface RuleVerdict {
  allowed: boolean;
  rule: RuleKind;
  expression: string;
  reason: string;
}

/** A compiled rule: call it with the facts to get a verdict. */
export type CompiledRule = (context: RuleContext) => RuleVerdict;

type Problem = Omit<ConfigProblem, 'path'>;

const childNodes = (node: ASTNode): ASTNode[] => {
  const found: ASTNode[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object' && 'op' in value && 'args' in value) {
      found.push(value as ASTNode);
    }
  };
  visit(node.args);
  return found;
};

const findForbiddenCall = (node: ASTNode): { node: ASTNode; name: string } | undefined => {
  if (node.op === 'call' || node.op === 'rcall') {
    const name = String(node.args[0]);
    if (FORBIDDEN_FUNCTIONS.has(name)) return { node, name };
  }
  for (const child of childNodes(node)) {
    const found = findForbiddenCall(child);
    if (found) return found;
  }
  return undefined;
};

/** Edit distance of two short names, to suggest the field someone meant ("titel" → "title"). */
const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
};

const USER_PARTS = 'A user has id, roles and tenant.';

/** The one sentence every refused name of a `read` rule starts with. */
export const READ_RULE_FIELDS_MESSAGE =
  'who can see rows may only use fields that never change: Created by, Created at';

/** Why a `read` rule cannot use a name that changes over time, and what it can use instead. */
const readRuleNameMessage = (name: string, table: TableConfig | undefined): string => {
  const fields = readableRuleFields(table);
  const usable =
    fields.length > 0
      ? `It can use user, instance and ${fields.map((field) => `row.${field}`).join(', ')}.`
      : 'It can use user and instance; to decide by who created a row, add a field filled with who created it (Created by).';
  return `${READ_RULE_FIELDS_MESSAGE}. "${name}" can change, so it cannot decide who sees a row. ${usable}`;
};

const CHANGING_VARIABLES = new Set(['newRow', 'changed', 'now']);
const INSTANCE_PARTS = 'An instance has id, owner and members.';

/**
 * Says which name does not exist, and what the thing it was looked up on has instead: the table's own fields for
 * `row.` and `newRow.` (with the closest one when it looks misspelled), the parts of `user.` and `instance.`.
 * `before` is the rule's text up to the unknown name, which tells what it was looked up on.
 */
const unknownNameMessage = (
  summary: string,
  kind: RuleKind,
  table: TableConfig | undefined,
  before = '',
): string => {
  const variable = /Unknown variable: (\S+)/.exec(summary)?.[1];
  if (kind === 'read' && variable !== undefined && CHANGING_VARIABLES.has(variable)) {
    return readRuleNameMessage(variable, table);
  }
  if (variable !== undefined) {
    return `"${variable}" cannot be used in a ${kind} rule. It can use: ${RULE_VARIABLES[kind].join(', ')}.`;
  }
  const key = /No such key: (\S+)/.exec(summary)?.[1] ?? '';
  const fields = Object.keys(table?.fields ?? {});
  const owner = /(\w+)\s*\.\s*$/.exec(before)?.[1];
  if (kind === 'read' && owner === 'row' && fields.includes(key)) {
    return readRuleNameMessage(`row.${key}`, table);
  }
  if ((owner === 'row' || owner === 'newRow') && fields.length > 0) {
    const closest = fields
      .map((field) => ({ field, distance: editDistance(key.toLowerCase(), field.toLowerCase()) }))
      .sort((a, b) => a.distance - b.distance)[0];
    const guess = closest && closest.distance <= 2 ? ` Did you mean "${closest.field}"?` : '';
    return `"${key}" is not a field of ${owner}: this table's fields are ${fields.join(', ')}.${guess}`;
  }
  if (owner === 'user') return `"${key}" is not part of user. ${USER_PARTS}`;
  if (owner === 'instance') return `"${key}" is not part of instance. ${INSTANCE_PARTS}`;
  if (fields.length > 0 && RULE_VARIABLES[kind].includes('row')) {
    return `"${key}" is not a field here. ${USER_PARTS} ${INSTANCE_PARTS} This table's fields are ${fields.join(', ')}.`;
  }
  return `"${key}" does not exist here. ${USER_PARTS} ${INSTANCE_PARTS}`;
};

const typeErrorMessage = (summary: string): string => {
  const overload = /no such overload: (\w+) (\S+) (\w+)/.exec(summary);
  if (overload) {
    const [, left, operator, right] = overload;
    return `The rule uses "${operator}" between ${plainType(left)} and ${plainType(right)}, which do not go together.`;
  }
  return `The rule mixes kinds of values that do not go together: ${summary}.`;
};

const TOKEN_WORDS: Record<string, string> = {
  IDENTIFIER: 'a name',
  RPAREN: 'a closing ")"',
  RBRACKET: 'a closing "]"',
  RBRACE: 'a closing "}"',
  DOT: '"."',
  NUMBER: 'a number',
  STRING: 'a text in quotes',
  OR: '"||"',
  AND: '"&&"',
  MULTIPLY: '"*"',
  PLUS: '"+"',
  MINUS: '"-"',
  COMMA: '","',
};

const tokenWords = (token: string): string => TOKEN_WORDS[token] ?? `"${token}"`;

/** The parser's own words ("Expected IDENTIFIER, got EOF") said for people who do not write code. */
const syntaxMessage = (summary: string, expression: string): string => {
  const expected = /^Expected (\w+), got (\w+)/.exec(summary);
  if (expected) {
    const [, wanted = '', found = ''] = expected;
    return found === 'EOF'
      ? `The rule cannot be read: ${tokenWords(wanted)} is missing at the end.`
      : `The rule cannot be read: ${tokenWords(wanted)} is expected where ${tokenWords(found)} is.`;
  }
  if (/^Unexpected token: EOF/.test(summary)) {
    return `The rule cannot be read: it stops in the middle ("${expression.trim().slice(-20)}" needs something after it).`;
  }
  if (/^Unterminated string/.test(summary)) {
    return 'The rule cannot be read: a text in quotes is not closed. Add the closing quote.';
  }
  const unexpected = /^Unexpected (?:token|character): '?([^']+?)'?$/.exec(summary);
  if (unexpected) {
    const [, what = ''] = unexpected;
    const hint = what === '=' ? ' To compare, write "==".' : '';
    return `The rule cannot be read: ${tokenWords(what)} is out of place here.${hint}`;
  }
  return `The rule cannot be read: ${summary}.`;
};

const plainType = (celType: string | undefined): string =>
  ({
    string: 'text',
    int: 'a whole number',
    double: 'a number',
    bool: 'yes/no',
    'list<string>': 'a list of text',
  })[celType ?? ''] ??
  (celType?.startsWith('list') ? 'a list' : celType?.startsWith('map') ? 'a record' : `a ${celType}`);

const problemFromCheck = (
  result: TypeCheckResult,
  kind: RuleKind,
  table: TableConfig | undefined,
  expression: string,
): Problem | undefined => {
  const error = result.error;
  if (!error) {
    if (result.type === 'bool' || result.type === 'dyn') return undefined;
    return {
      code: 'rule_not_bool',
      message: `A rule must answer yes or no, but this one gives ${plainType(result.type)}. Compare it with something, e.g. "== 'x'".`,
    };
  }
  const position = error.range ? { start: error.range.start, end: error.range.end } : undefined;
  const withPosition = (problem: Problem): Problem => (position ? { ...problem, position } : problem);
  if (error.name === 'ParseError') {
    return withPosition({ code: 'rule_syntax', message: syntaxMessage(error.summary, expression) });
  }
  if (error.code === 'unknown_variable' || error.code === 'no_such_key') {
    const message = unknownNameMessage(error.summary, kind, table, expression.slice(0, position?.start ?? 0));
    return withPosition({
      code: message.startsWith(READ_RULE_FIELDS_MESSAGE) ? 'rule_read_changing' : 'rule_unknown_name',
      message,
    });
  }
  if (error.code === 'no_matching_overload') {
    return withPosition({
      code: 'rule_unknown_name',
      message: `The rule calls a function that does not exist or takes other values: ${error.summary}.`,
    });
  }
  return withPosition({ code: 'rule_type', message: typeErrorMessage(error.summary) });
};

interface Parsed {
  env: Environment;
  parsed?: ParseResult;
  problem?: Problem;
}

const parseRule = (expression: string, kind: RuleKind, table: TableConfig | undefined): Parsed => {
  const env = ruleEnvironment(kind, table);
  if (expression.length > MAX_RULE_LENGTH) {
    return {
      env,
      problem: {
        code: 'rule_too_long',
        message: `A rule can be at most ${MAX_RULE_LENGTH} characters long.`,
      },
    };
  }
  if (expression.trim() === '') {
    return {
      env,
      problem: { code: 'rule_syntax', message: 'The rule is empty. Write "false" to allow nobody.' },
    };
  }
  let parsed: ParseResult;
  try {
    parsed = env.parse(expression);
  } catch (error) {
    // cel-js reports a rule's faults (syntax, nesting too deep) as its own errors; anything else is not the rule's.
    if (!(error instanceof ParseError || error instanceof CelTypeError)) throw error;
    return { env, problem: problemFromCheck({ valid: false, error }, kind, table, expression) };
  }
  const forbidden = findForbiddenCall(parsed.ast);
  if (forbidden) {
    return {
      env,
      problem: {
        code: 'rule_forbidden_function',
        message: `"${forbidden.name}" is not allowed in rules: it can take unboundedly long. Use startsWith, endsWith or contains instead.`,
        position: { start: forbidden.node.start, end: forbidden.node.end },
      },
    };
  }
  const problem = problemFromCheck(parsed.check(), kind, table, expression);
  return problem ? { env, problem } : { env, parsed };
};

/** Parses and type-checks one rule for its kind (and table); problems have path '' and a position in the rule. */
export const checkRule = (expression: string, kind: RuleKind, table?: TableConfig): ConfigProblem[] => {
  const { env, parsed, problem } = parseRule(expression, kind, table);
  if (problem || !parsed) return problem ? [{ path: '', ...problem }] : [];
  // Deploy time runs what run time runs: the compilation the runtime will do, explanations included.
  try {
    compileParsed(env, expression, kind, parsed);
  } catch (error) {
    return [
      {
        path: '',
        code: 'rule_syntax',
        message: `The rule cannot be prepared to run: ${describeFailure(error)}. Rewrite it more simply.`,
      },
    ];
  }
  return [];
};

const celContext = (context: RuleContext): Record<string, unknown> => ({
  user: context.user,
  instance: context.instance ?? { id: '', owner: '', members: [] },
  row: context.row ?? {},
  newRow: context.newRow ?? {},
  changed: context.changed ?? [],
  now: BigInt(Math.trunc(context.now)),
});

const describeFailure = (error: unknown): string => {
  const summary =
    error !== null &&
    typeof error === 'object' &&
    typeof (error as { summary?: unknown }).summary === 'string'
      ? (error as { summary: string }).summary
      : String(error);
  const key = /No such key: (\S+)/.exec(summary)?.[1];
  return key !== undefined ? `"${key}" is not set` : summary;
};

const conjuncts = (node: ASTNode): ASTNode[] =>
  node.op === '&&' ? (node.args as ASTNode[]).flatMap(conjuncts) : [node];

const isNode = (value: unknown): value is ASTNode =>
  value !== null && typeof value === 'object' && 'op' in value && 'args' in value;

/** Whether two parses are the same expression (operators and operands, positions aside). */
const sameTree = (a: unknown, b: unknown): boolean => {
  if (isNode(a) || isNode(b)) return isNode(a) && isNode(b) && a.op === b.op && sameTree(a.args, b.args);
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, index) => sameTree(item, b[index]))
    );
  }
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.join() === b.join();
  }
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    return a.constructor === b.constructor && String(a) === String(b);
  }
  return Object.is(a, b);
};

/**
 * Parentheses in `text` outside quoted strings that close nothing (`open`) or that nothing closes (`close`).
 * The parser's positions leave out the parentheses around an operand (`!(a)` ends before its `)`), so these
 * say how far to widen a part's text; the result is checked by parsing it again, never trusted.
 */
const unbalanced = (text: string): { open: number; close: number } => {
  let depth = 0;
  let open = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"' || char === "'") {
      const raw = i > 0 && /[rR]/.test(text[i - 1] ?? '');
      const quote = text.startsWith(char.repeat(3), i) ? char.repeat(3) : char;
      i += quote.length;
      while (i < text.length && !text.startsWith(quote, i)) i += !raw && text[i] === '\\' ? 2 : 1;
      i += quote.length - 1;
    } else if (char === '(') depth++;
    else if (char === ')') {
      if (depth > 0) depth--;
      else open++;
    }
  }
  return { open, close: depth };
};

/** The source text of one part of a rule, parsed on its own and checked to be that same part; else undefined. */
const partSource = (
  env: Environment,
  expression: string,
  node: ASTNode,
): { text: string; evaluate: ParseResult } | undefined => {
  const reparse = (text: string): ParseResult | undefined => {
    try {
      const parsed = env.parse(text);
      return sameTree(parsed.ast, node) ? parsed : undefined;
    } catch {
      return undefined;
    }
  };
  const candidates: string[] = [];
  const slice = expression.slice(node.start, node.end);
  const { open, close } = unbalanced(slice);
  let start = node.start;
  for (let missing = open; missing > 0 && start > 0; start--) {
    if (expression[start - 1] === '(') missing--;
    else if (!/\s/.test(expression[start - 1] ?? '')) break;
  }
  let end = node.end;
  for (let missing = close; missing > 0 && end < expression.length; end++) {
    if (expression[end] === ')') missing--;
    else if (!/\s/.test(expression[end] ?? '')) break;
  }
  candidates.push(expression.slice(start, end).trim(), slice.trim());
  try {
    candidates.push(serialize(node));
  } catch {
    // No printed form: the other candidates, or no explanation for this part.
  }
  for (const text of candidates) {
    const evaluate = reparse(text);
    if (evaluate) return { text, evaluate };
  }
  return undefined;
};

/** Why a rule that said no said no: the first part of its `&&` chain that was false or could not be decided. */
const explainer = (
  env: Environment,
  expression: string,
  parsed: ParseResult,
): ((cel: Record<string, unknown>, failure: unknown) => string) => {
  const whole = (failure: unknown): string =>
    failure === undefined
      ? `${expression} is false`
      : `${expression} could not be decided: ${describeFailure(failure)}`;
  const nodes = conjuncts(parsed.ast);
  if (nodes.length < 2) return (_cel, failure) => whole(failure);
  const parts = nodes.map((node) => partSource(env, expression, node));
  // A part that cannot be read back on its own leaves the whole rule as the explanation: still a denial.
  if (parts.some((part) => part === undefined)) return (_cel, failure) => whole(failure);
  const readable = parts as Array<{ text: string; evaluate: ParseResult }>;
  return (cel, failure) => {
    for (const part of readable) {
      try {
        if (part.evaluate(cel) !== true) return `${part.text} is false`;
      } catch (error) {
        return `${part.text} could not be decided: ${describeFailure(error)}`;
      }
    }
    return whole(failure);
  };
};

/** Compiles a checked rule into an evaluator; a rule that fails to evaluate denies. Throws on an invalid rule. */
export const compileRule = (expression: string, kind: RuleKind, table?: TableConfig): CompiledRule => {
  const { env, parsed, problem } = parseRule(expression, kind, table);
  if (!parsed) throw new Error(`Invalid ${kind} rule "${expression}": ${problem?.message}`);
  return compileParsed(env, expression, kind, parsed);
};

// Everything after parsing: never throws, so a rule that checks (checkRule runs this too) always compiles.
const compileParsed = (
  env: Environment,
  expression: string,
  kind: RuleKind,
  parsed: ParseResult,
): CompiledRule => {
  // Only when a rule says no do we look for the part that said no, so allowed changes stay cheap.
  const whyNot = explainer(env, expression, parsed);
  return (context) => {
    let cel: Record<string, unknown>;
    try {
      cel = celContext(context);
    } catch (error) {
      return {
        allowed: false,
        rule: kind,
        expression,
        reason: `${expression} could not be decided: ${describeFailure(error)}`,
      };
    }
    let allowed = false;
    let failure: unknown;
    try {
      allowed = parsed(cel) === true;
    } catch (error) {
      failure = error ?? new Error('the rule failed');
    }
    if (allowed) return { allowed, rule: kind, expression, reason: 'allowed' };
    let reason: string;
    try {
      reason = whyNot(cel, failure);
    } catch {
      reason = `${expression} is false`;
    }
    return { allowed, rule: kind, expression, reason };
  };
};

/** How much of a table one person sees: all of it, none of it, or it depends on each row. */
export type Visibility = 'all' | 'none' | 'perRow';

/** A compiled `read` rule: what a person sees of the table, and whether they see one row. */
export interface CompiledReadRule {
  expression: string;
  /** Decided from the person and instance alone where the rule allows it; 'perRow' when the row decides. */
  visibility(user: RuleUser, instance: RuleInstance): Visibility;
  /** Whether this person may see this row; a rule that fails to evaluate hides the row. */
  mayRead(user: RuleUser, instance: RuleInstance, row: Row): boolean;
}

const rowProbeFailure = (): never => {
  throw new Error('the row decides');
};

// A row that cannot be looked at: CEL's `||` and `&&` still answer when the other side decides, so an answer
// given with it holds for every row, and a failure means the row decides.
const ROW_PROBE: Row = new Proxy({} as Row, {
  get: rowProbeFailure,
  has: rowProbeFailure,
  ownKeys: rowProbeFailure,
  getOwnPropertyDescriptor: rowProbeFailure,
  getPrototypeOf: rowProbeFailure,
});

/** Compiles a checked `read` rule; throws on an invalid one (see checkRule). */
export const compileReadRule = (expression: string, table?: TableConfig): CompiledReadRule => {
  const { parsed, problem } = parseRule(expression, 'read', table);
  if (!parsed) throw new Error(`Invalid read rule "${expression}": ${problem?.message}`);
  const run = (user: RuleUser, instance: RuleInstance, row: Row): boolean | undefined => {
    try {
      return parsed({ user, instance, row }) === true;
    } catch {
      return undefined;
    }
  };
  return {
    expression,
    visibility: (user, instance) => {
      const answer = run(user, instance, ROW_PROBE);
      return answer === undefined ? 'perRow' : answer ? 'all' : 'none';
    },
    mayRead: (user, instance, row) => run(user, instance, row) === true,
  };
};
