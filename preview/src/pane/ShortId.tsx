// A long id shown short (its start, then "…") with a button that copies the whole id, so it never spills out.
import { useState } from 'react';

/** How many characters of an id are shown before it is cut. */
const SHOWN = 10;

/** An id, shortened when long, with a copy button; the full id is its title and what gets copied. */
export const ShortId = ({ id, label = 'id' }: { id: string; label?: string }) => {
  const [copied, setCopied] = useState(false);
  const short = id.length > SHOWN + 1 ? `${id.slice(0, SHOWN)}…` : id;
  return (
    <span className="dd-short-id" data-id={id}>
      <code title={id}>{short}</code>
      {short !== id ? (
        <button
          type="button"
          className="dd-icon"
          aria-label={`Copy the ${label} ${id}`}
          title={copied ? 'Copied' : `Copy the whole ${label}`}
          onClick={() => {
            void navigator.clipboard?.writeText(id).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? '✓' : '⧉'}
        </button>
      ) : null}
    </span>
  );
};
