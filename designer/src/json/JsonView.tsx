// The JSON view: the whole config in Monaco, checked against the config's JSON Schema; edits flow to the canvas and back.
import { useEffect, useRef, useState } from 'react';
import { Editor } from '@monaco-editor/react';
import { configJsonSchema, parseConfigText, type AppConfig } from '@datastore-designer/schema';
import { monaco } from '../rules/monaco-setup.ts';
import { useDesigner } from '../model/useDesigner.ts';
import { configText } from '../model/config-file.ts';
import { ProblemsPanel } from '../panels/ProblemsPanel.tsx';
import { undrawableReason } from '../model/config-shape.ts';
import './json.css';

monaco.json.jsonDefaults.setDiagnosticsOptions({
  validate: true,
  allowComments: false,
  enableSchemaRequest: false,
  schemas: [
    {
      uri: 'inmemory://datastore-designer/config.schema.json',
      fileMatch: ['*.datastore.json'],
      schema: configJsonSchema,
    },
  ],
});

/** Text and config agree when the text parses to the same JSON. */
const sameConfig = (text: string, config: AppConfig): boolean => {
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(config);
  } catch {
    return false;
  }
};

/** The config as editable JSON. */
export const JsonView = () => {
  const config = useDesigner((s) => s.config);
  const replaceConfig = useDesigner((s) => s.replaceConfig);
  const syntaxError = useDesigner((s) => s.textProblem);
  const setSyntaxError = useDesigner((s) => s.setTextProblem);
  const [text, setText] = useState(() => configText(config));
  const textRef = useRef(text);

  // Leaving the view drops the broken text (the draft is the last config the canvas could show).
  useEffect(() => () => setSyntaxError(undefined), [setSyntaxError]);

  // A change made elsewhere (undo, the canvas) replaces the text; the person's own typing does not.
  useEffect(() => {
    if (!sameConfig(textRef.current, config)) {
      const next = configText(config);
      textRef.current = next;
      setText(next);
      setSyntaxError(undefined);
    }
  }, [config, setSyntaxError]);

  return (
    <div className="json-view">
      <div className="json-head">
        <strong>The whole config as JSON</strong>
        <span className="muted">
          Changes here show up on the canvas at once. Hover a red underline to see what is wrong.
        </span>
        {syntaxError && (
          <span className="bad" role="alert">
            {syntaxError}
          </span>
        )}
      </div>
      <div className="json-editor" data-testid="json-editor">
        <Editor
          language="json"
          path="config.datastore.json"
          value={text}
          onChange={(next) => {
            const value = next ?? '';
            textRef.current = value;
            const result = parseConfigText(value);
            const broken = result.errors.find((p) => p.code === 'invalid_json');
            if (broken) {
              setSyntaxError(broken.message);
              return;
            }
            const parsed: unknown = JSON.parse(value);
            const reason = undrawableReason(parsed);
            if (reason) {
              setSyntaxError(`${reason} The canvas keeps the last config it could show.`);
              return;
            }
            setSyntaxError(undefined);
            replaceConfig(parsed as AppConfig, { coalesce: 'json' });
          }}
          options={{ minimap: { enabled: false }, fontSize: 13, automaticLayout: true, tabSize: 2 }}
        />
      </div>
      <ProblemsPanel />
    </div>
  );
};
