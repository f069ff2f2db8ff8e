// A box for a table, field or datastore name that saves a valid, unused id on Enter or leaving the box.
import { useState } from 'react';
import { ID_PATTERN, toId } from '../model/config-edits.ts';

/** Props of the id box. */
export interface IdInputProps {
  label: string;
  value: string;
  taken: string[];
  onRename: (id: string) => void;
  highlighted?: boolean;
}

/** Edits an id; explains in words why a name cannot be used. */
export const IdInput = ({ label, value, taken, onRename, highlighted }: IdInputProps) => {
  const [text, setText] = useState(value);
  // A rename elsewhere (undo, the canvas) resets the box.
  const [shown, setShown] = useState(value);
  if (shown !== value) {
    setShown(value);
    setText(value);
  }
  const id = toId(text);
  const error =
    text.trim() === ''
      ? 'A name is needed.'
      : !ID_PATTERN.test(id)
        ? 'Use letters and digits, starting with a letter.'
        : id !== value && taken.includes(id)
          ? `"${id}" is already used here.`
          : undefined;
  const save = () => {
    if (!error && id !== value) onRename(id);
    else setText(value);
  };
  return (
    <label className={`field-row${highlighted ? ' highlighted' : ''}`}>
      <span>{label}</span>
      <input
        value={text}
        aria-label={label}
        onChange={(event) => setText(event.target.value)}
        onBlur={save}
        onKeyDown={(event) => {
          if (event.key === 'Enter') save();
          if (event.key === 'Escape') setText(value);
        }}
      />
      {text !== value && !error && id !== text && <small className="hint">Will be saved as "{id}"</small>}
      {text !== value && error && <small className="field-error">{error}</small>}
    </label>
  );
};
