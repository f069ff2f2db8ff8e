// Says a rule in plain words ("Only the row's author", "Users with the role admin") for people who do not read CEL.
import { type ASTNode, parse } from '@marcbachmann/cel-js';

type Node = ASTNode;

const fieldPath = (node: Node): string | undefined => {
  if (node.op === 'id') return String(node.args);
  if (node.op === '.') {
    const [object, field] = node.args as [Node, string];
    const base = fieldPath(object);
    return base === undefined ? undefined : `${base}.${field}`;
  }
  return undefined;
};

const literal = (node: Node): string | undefined => {
  if (node.op !== 'value') return undefined;
  const value = node.args as unknown;
  return typeof value === 'bigint' ? String(value) : JSON.stringify(value);
};

const subject = (path: string): string => {
  const [root, field] = path.split('.');
  switch (path) {
    case 'user.id':
      return 'the user';
    case 'user.tenant':
      return "the user's organisation";
    case 'user.roles':
      return "the user's roles";
    case 'instance.owner':
      return 'the owner of this instance';
    case 'instance.members':
      return 'the members of this instance';
    case 'instance.id':
      return 'this instance';
  }
  if (root === 'row' && field) return `the row's ${field}`;
  if (root === 'newRow' && field) return `the new row's ${field}`;
  return path;
};

const describeComparison = (operator: string, left: Node, right: Node): string | undefined => {
  const l = fieldPath(left);
  const r = fieldPath(right);
  const value = literal(right) ?? literal(left);
  const path = l ?? r;
  if (operator === '!=' && path === 'user.id' && value === '""') return 'the user is signed in';
  if (operator === '==' && path === 'user.id' && value === '""') return 'the user is not signed in';
  if (operator === '!=' && path === 'user.tenant' && value === '""')
    return 'the user belongs to an organisation';
  const other = l && r ? (l === path ? r : l) : undefined;
  if (operator === '==' && path && other) {
    const [a, b] = [path, other].sort((x, y) => Number(y.startsWith('user')) - Number(x.startsWith('user')));
    if (a === 'user.id' && b !== undefined && (b.startsWith('row.') || b.startsWith('newRow.'))) {
      return `the user is the ${b.startsWith('row.') ? "row's" : "new row's"} ${b.split('.')[1]}`;
    }
    if (a === 'user.id' && b === 'instance.owner') return 'the user is the owner of this instance';
    if (a === 'user.tenant' && b !== undefined && (b.startsWith('row.') || b.startsWith('newRow.'))) {
      return `the user's organisation is the row's ${b.split('.')[1]}`;
    }
    return `${subject(a ?? '')} is ${subject(b ?? '')}`;
  }
  const words: Record<string, string> = {
    '==': 'is',
    '!=': 'is not',
    '<': 'is below',
    '<=': 'is at most',
    '>': 'is above',
    '>=': 'is at least',
  };
  if (path && value !== undefined && words[operator]) return `${subject(path)} ${words[operator]} ${value}`;
  return undefined;
};

const describeNode = (node: Node): string | undefined => {
  switch (node.op) {
    case 'value':
      return node.args === true ? 'anyone' : node.args === false ? 'nobody (only the server)' : undefined;
    case '&&': {
      const [left, right] = node.args as [Node, Node];
      const parts = [describeNode(left), describeNode(right)];
      return parts.every(Boolean) ? parts.join(', and ') : undefined;
    }
    case '||': {
      const [left, right] = node.args as [Node, Node];
      const parts = [describeNode(left), describeNode(right)];
      return parts.every(Boolean) ? parts.join(', or ') : undefined;
    }
    case 'in': {
      const [item, list] = node.args as [Node, Node];
      const listPath = fieldPath(list);
      const value = literal(item);
      if (listPath === 'user.roles' && value !== undefined)
        return `the user has the role ${value.replace(/"/g, '')}`;
      if (listPath === 'instance.members' && fieldPath(item) === 'user.id')
        return 'the user is a member of this instance';
      return undefined;
    }
    case 'rcall': {
      const [name, receiver, args] = node.args as [string, Node, Node[]];
      const predicate = args[1];
      if (name === 'all' && fieldPath(receiver) === 'changed' && predicate) {
        const allowed = predicate.op === 'in' ? (predicate.args as Node[])[1] : predicate;
        const fields =
          allowed?.op === 'list'
            ? (allowed.args as Node[]).map((entry) => literal(entry)?.replace(/"/g, '')).filter(Boolean)
            : predicate.op === '=='
              ? [literal((predicate.args as Node[])[1] as Node)?.replace(/"/g, '')]
              : [];
        return fields.length > 0 ? `only ${fields.join(', ')} change` : undefined;
      }
      return undefined;
    }
    case 'call': {
      const [name, args] = node.args as [string, Node[]];
      if (name === 'has' && args[0]) {
        const path = fieldPath(args[0]);
        return path ? `${subject(path)} is set` : undefined;
      }
      return undefined;
    }
    case '!_': {
      const inner = describeNode(node.args as Node);
      return inner ? `not (${inner})` : undefined;
    }
    default:
      return describeComparison(node.op, ...((node.args ?? []) as [Node, Node]));
  }
};

/** Says a rule in plain words, best effort; rules it cannot read out loud are called "a custom rule". */
export const describeRule = (expression: string): string => {
  let sentence: string | undefined;
  try {
    sentence = describeNode(parse(expression).ast);
  } catch {
    return 'A rule that cannot be read yet';
  }
  if (!sentence) return 'A custom rule';
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
};
