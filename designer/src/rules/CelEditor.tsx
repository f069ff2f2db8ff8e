// The advanced rule editor: CEL in Monaco with completion of user., row., newRow., instance. and live error marks.
import { useEffect, useId, useRef } from 'react';
import { Editor, type OnMount } from '@monaco-editor/react';
import type { ConfigProblem, RuleKind, TableConfig } from '@datastore-designer/schema';
import { celContexts, monaco } from './monaco-setup.ts';

type CodeEditor = Parameters<OnMount>[0];

/** Props of the CEL editor. */
export interface CelEditorProps {
  kind: RuleKind;
  value: string;
  table?: TableConfig;
  problems: ConfigProblem[];
  onChange: (text: string) => void;
}

/** A small Monaco editor for one CEL rule. */
export const CelEditor = ({ kind, value, table, problems, onChange }: CelEditorProps) => {
  const path = `rule-${useId().replace(/[^a-zA-Z0-9]/g, '')}-${kind}.cel`;
  const editorRef = useRef<CodeEditor | null>(null);

  // Completion reads the rule's kind and table from here, by the editor model's address.
  useEffect(() => {
    const uri = editorRef.current?.getModel()?.uri.toString();
    if (uri) celContexts.set(uri, { kind, table });
  }, [kind, table]);
  useEffect(
    () => () => {
      const uri = editorRef.current?.getModel()?.uri.toString();
      if (uri) celContexts.delete(uri);
    },
    [],
  );

  // Marks each problem at the offsets the rule checker gives (the whole rule when it gives none).
  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (!model) return;
    const length = model.getValueLength();
    monaco.editor.setModelMarkers(
      model,
      'rules',
      problems.map((problem) => {
        const start = model.getPositionAt(Math.min(problem.position?.start ?? 0, length));
        const end = model.getPositionAt(Math.max(Math.min(problem.position?.end ?? length, length), 0));
        const same = start.lineNumber === end.lineNumber && start.column === end.column;
        return {
          severity: monaco.MarkerSeverity.Error,
          message: problem.message,
          startLineNumber: start.lineNumber,
          startColumn: start.column,
          endLineNumber: end.lineNumber,
          endColumn: same ? end.column + 1 : end.column,
        };
      }),
    );
  }, [problems]);

  return (
    <div className="cel-editor" data-testid={`cel-editor-${kind}`}>
      <Editor
        height="88px"
        language="cel"
        path={path}
        value={value}
        onChange={(text) => onChange(text ?? '')}
        onMount={(editor) => {
          editorRef.current = editor;
          const uri = editor.getModel()?.uri.toString();
          if (uri) celContexts.set(uri, { kind, table });
        }}
        options={{
          minimap: { enabled: false },
          lineNumbers: 'off',
          glyphMargin: false,
          folding: false,
          wordWrap: 'on',
          scrollBeyondLastLine: false,
          renderLineHighlight: 'none',
          overviewRulerLanes: 0,
          fontSize: 13,
          automaticLayout: true,
          fixedOverflowWidgets: true,
          quickSuggestions: true,
          suggestOnTriggerCharacters: true,
          padding: { top: 6, bottom: 6 },
        }}
      />
    </div>
  );
};
