// Loads Monaco from our own bundle (never a CDN), wires its workers through Vite, and teaches it the CEL rule language.
import * as monaco from 'monaco-editor';
import { loader } from '@monaco-editor/react';
import EditorWorker from 'monaco-editor/editor/editor.worker?worker';
import JsonWorker from 'monaco-editor/language/json/json.worker?worker';
import type { RuleKind, TableConfig } from '@datastore-designer/schema';

self.MonacoEnvironment = {
  getWorker: (_id: string, label: string) => (label === 'json' ? new JsonWorker() : new EditorWorker()),
};
loader.config({ monaco });

/** What completion needs to know about the rule an editor holds. */
export interface CelContext {
  kind: RuleKind;
  table?: TableConfig;
}

/** The context of each open CEL editor, by its model's URI. */
export const celContexts = new Map<string, CelContext>();

const ROW_KINDS = new Set<RuleKind>(['create', 'update', 'delete']);

const MEMBERS: Record<string, { label: string; detail: string }[]> = {
  user: [
    { label: 'id', detail: "The signed-in person's id ('' when not signed in)" },
    { label: 'roles', detail: "The person's roles, a list such as ['admin']" },
    { label: 'tenant', detail: "The person's organisation ('' when none)" },
  ],
  instance: [
    { label: 'id', detail: 'The id of this instance' },
    { label: 'owner', detail: 'Who created this instance' },
    { label: 'members', detail: 'The people who belong to this instance' },
  ],
};

const TYPE_WORDS = { string: 'text', number: 'number', boolean: 'yes/no' } as const;

monaco.languages.register({ id: 'cel' });
monaco.languages.setMonarchTokensProvider('cel', {
  keywords: ['true', 'false', 'null', 'in', 'has'],
  tokenizer: {
    root: [
      [/[a-zA-Z_]\w*/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }],
      [/\d+(\.\d+)?/, 'number'],
      [/'([^'\\]|\\.)*'/, 'string'],
      [/"([^"\\]|\\.)*"/, 'string'],
      [/[=!<>]=?|&&|\|\||[+\-*/%?:]/, 'operator'],
    ],
  },
});

monaco.languages.registerCompletionItemProvider('cel', {
  triggerCharacters: ['.'],
  provideCompletionItems: (model, position) => {
    const context = celContexts.get(model.uri.toString());
    const isRow = context ? ROW_KINDS.has(context.kind) : false;
    const word = model.getWordUntilPosition(position);
    const range = new monaco.Range(
      position.lineNumber,
      word.startColumn,
      position.lineNumber,
      word.endColumn,
    );
    const before = model.getLineContent(position.lineNumber).slice(0, word.startColumn - 1);
    const owner = /([A-Za-z_]\w*)\.$/.exec(before)?.[1];
    const Kind = monaco.languages.CompletionItemKind;
    if (owner) {
      if (owner === 'row' || owner === 'newRow') {
        if (!isRow) return { suggestions: [] };
        return {
          suggestions: Object.entries(context?.table?.fields ?? {}).map(([id, field]) => ({
            label: id,
            kind: Kind.Field,
            detail: `${TYPE_WORDS[field.type]} field${owner === 'row' ? ' (before the change)' : ' (after the change)'}`,
            insertText: id,
            range,
          })),
        };
      }
      if (owner === 'instance' && context?.kind === 'createInstance') return { suggestions: [] };
      return {
        suggestions: (MEMBERS[owner] ?? []).map((m) => ({
          label: m.label,
          kind: Kind.Property,
          detail: m.detail,
          insertText: m.label,
          range,
        })),
      };
    }
    const top = [
      { label: 'user', detail: 'The person asking' },
      ...(context?.kind !== 'createInstance'
        ? [{ label: 'instance', detail: 'The instance being used' }]
        : []),
      ...(isRow
        ? [
            { label: 'row', detail: 'The row before the change' },
            { label: 'newRow', detail: 'The row after the change' },
            { label: 'changed', detail: 'The fields this change touches' },
          ]
        : []),
      { label: 'now', detail: 'The time now, in milliseconds' },
      { label: 'true', detail: 'Always yes' },
      { label: 'false', detail: 'Always no' },
    ];
    return {
      suggestions: [
        ...top.map((t) => ({
          label: t.label,
          kind: Kind.Variable,
          detail: t.detail,
          insertText: t.label,
          range,
        })),
        {
          label: 'has(…)',
          kind: Kind.Function,
          detail: 'Whether a field is set, e.g. has(row.list)',
          insertText: 'has(${1})',
          insertTextRules: monaco.languages.CompletionItemInsertTextRule.InsertAsSnippet,
          range,
        },
      ],
    };
  },
});

export { monaco };
