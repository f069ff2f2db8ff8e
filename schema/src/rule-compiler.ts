// Checks CEL rules against the variables and fields they may use, and compiles them into fast evaluators.
import type { ASTNode, Environment, ParseResult, TypeCheckResult } from '@marcbachmann/cel-js';
import type { RuleKind, TableConfig } from './config-types.ts';
import type { ConfigProblem } from './problems.ts';
import type { RuleContext } from './rule-context.ts';
import { RULE_VARIABLES, ruleEnvironment } from './rule-environment.ts';

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
  if (variable !== undefined) {
    return `"${variable}" cannot be used in a ${kind} rule. It can use: ${RULE_VARIABLES[kind].join(', ')}.`;
  }
  const key = /No such key: (\S+)/.exec(summary)?.[1] ?? '';
  const fields = Object.keys(table?.fields ?? {});
  const owner = /(\w+)\s*\.\s*$/.exec(before)?.[1];
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
    return withPosition({
      code: 'rule_unknown_name',
      message: unknownNameMessage(error.summary, kind, table, expression.slice(0, position?.start ?? 0)),
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
    return {
      env,
      problem: problemFromCheck({ valid: false, error: error as never }, kind, table, expression),
    };
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
  const { problem } = parseRule(expression, kind, table);
  return problem ? [{ path: '', ...problem }] : [];
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
  const summary = (error as { summary?: string }).summary ?? String(error);
  const key = /No such key: (\S+)/.exec(summary)?.[1];
  return key !== undefined ? `"${key}" is not set` : summary;
};

const conjuncts = (node: ASTNode): ASTNode[] =>
  node.op === '&&' ? (node.args as ASTNode[]).flatMap(conjuncts) : [node];

/** Compiles a checked rule into an evaluator; a rule that fails to evaluate denies. Throws on an invalid rule. */
export const compileRule = (expression: string, kind: RuleKind, table?: TableConfig): CompiledRule => {
  const { env, parsed, problem } = parseRule(expression, kind, table);
  if (!parsed) throw new Error(`Invalid ${kind} rule "${expression}": ${problem?.message}`);
  // Only when a rule says no do we look for the part that said no, so allowed changes stay cheap.
  const parts = conjuncts(parsed.ast).map((node) => {
    const text = expression.slice(node.start, node.end);
    return { text, evaluate: node === parsed.ast ? parsed : env.parse(text) };
  });
  const whyNot = (cel: Record<string, unknown>): string => {
    for (const part of parts) {
      try {
        if (part.evaluate(cel) !== true) return `${part.text} is false`;
      } catch (error) {
        return `${part.text} could not be decided: ${describeFailure(error)}`;
      }
    }
    return 'the rule is false';
  };
  return (context) => {
    const cel = celContext(context);
    let allowed = false;
    let reason: string;
    try {
      allowed = parsed(cel) === true;
      reason = allowed ? 'allowed' : whyNot(cel);
    } catch (error) {
      reason =
        parts.length > 1 ? whyNot(cel) : `${expression} could not be decided: ${describeFailure(error)}`;
    }
    return { allowed, rule: kind, expression, reason };
  };
};
