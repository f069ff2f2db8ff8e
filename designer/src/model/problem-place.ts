// Maps a problem's JSON Pointer to the place in the designer (datastore, table, field, rule) and names it in words.
import type { RuleKind } from '@datastore-designer/schema';
import type { Selection } from './designer-store.ts';

/** Where a problem sits, as the designer can show it. */
export interface ProblemPlace {
  datastore?: string;
  selection: Selection;
  /** The place in words ("Table notes → field text"). */
  words: string;
}

const RULE_KINDS = new Set(['create', 'update', 'delete', 'connect', 'createInstance', 'join']);

/** Splits a JSON Pointer (RFC 6901) into its segments. */
export const pointerSegments = (pointer: string): string[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** Names a rule kind the way the side panel labels it. */
export const ruleLabel = (kind: RuleKind): string =>
  ({
    create: 'who can add rows',
    update: 'who can change rows',
    delete: 'who can delete rows',
    read: 'who can see rows',
    connect: 'who can open it',
    createInstance: 'who can start a new instance',
    join: 'who can join by link',
  })[kind];

/** Finds the place a problem's pointer leads to. */
export const placeOf = (pointer: string): ProblemPlace => {
  const s = pointerSegments(pointer);
  if (s[0] !== 'datastores' || s[1] === undefined) {
    return {
      selection: { kind: 'datastore' },
      words: s.length ? `Setting "${s.join(' → ')}"` : 'The whole config',
    };
  }
  const datastore = s[1];
  if (s[2] === 'tables' && s[3] !== undefined) {
    const table = s[3];
    if (s[4] === 'fields' && s[5] !== undefined) {
      return {
        datastore,
        selection: { kind: 'field', table, field: s[5] },
        words: `Table ${table} → field ${s[5]}`,
      };
    }
    if (s[4] === 'rules' && s[5] !== undefined && RULE_KINDS.has(s[5])) {
      const rule = s[5] as RuleKind;
      return {
        datastore,
        selection: { kind: 'table', table, rule },
        words: `Table ${table} → ${ruleLabel(rule)}`,
      };
    }
    return { datastore, selection: { kind: 'table', table }, words: `Table ${table}` };
  }
  if (s[2] !== undefined && RULE_KINDS.has(s[2])) {
    const rule = s[2] as RuleKind;
    return {
      datastore,
      selection: { kind: 'datastore', rule },
      words: `Datastore ${datastore} → ${ruleLabel(rule)}`,
    };
  }
  return { datastore, selection: { kind: 'datastore' }, words: `Datastore ${datastore}` };
};
