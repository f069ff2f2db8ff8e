// The Problems panel: every problem of the draft, live, in plain words; clicking one selects its place.
import { useState } from 'react';
import { useDesigner } from '../model/useDesigner.ts';
import { useProblems } from '../model/useProblems.ts';
import { placeOf } from '../model/problem-place.ts';
import './problems.css';

/** Lists the draft's problems under the canvas. */
export const ProblemsPanel = () => {
  const problems = useProblems();
  const { select, setDatastore, setView } = useDesigner((s) => s);
  const [open, setOpen] = useState(true);

  return (
    <section className={`problems${open ? '' : ' closed'}`} aria-label="Problems" data-testid="problems">
      <header>
        <button
          type="button"
          className="ghost panel-toggle"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
        >
          {open ? '▾' : '▸'} Problems
        </button>
        {problems.length === 0 ? (
          <span className="ok">✓ No problems — ready to deploy</span>
        ) : (
          <span className="bad">
            {problems.length} {problems.length === 1 ? 'problem' : 'problems'} to fix before you can deploy
          </span>
        )}
      </header>
      {open && problems.length > 0 && (
        <ul>
          {problems.map((problem, index) => {
            const place = placeOf(problem.path);
            return (
              <li key={`${problem.path}-${index}`}>
                <button
                  type="button"
                  className="problem"
                  onClick={() => {
                    // The JSON text's own problem is fixed where it is, in the JSON view.
                    if (problem.path === '' && problem.code === 'invalid_json') return;
                    setView('design');
                    if (place.datastore) setDatastore(place.datastore);
                    select(place.selection, { focus: true });
                  }}
                >
                  <span className="problem-icon" aria-hidden>
                    ⚠
                  </span>
                  <span className="problem-message">{problem.message}</span>
                  <span className="problem-place">{place.words}</span>
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
};
