// The preview's "Record a test" bar: start recording, watch the steps come in, then name the test and save it.
import { stepSentence, stepWords, type Scenario } from '@datastore-designer/schema';
import { useState, useSyncExternalStore } from 'react';
import type { ScenarioRecorder } from './scenario-recorder.ts';

interface RecordBarProps {
  recorder: ScenarioRecorder;
  datastore: string;
  /** False while the preview is not deployed yet. */
  ready: boolean;
  /** Empties the preview data and starts the recording: a test starts from nothing. */
  onStart: () => Promise<void>;
  onSave: (scenario: Scenario) => void;
}

/** Where the bar stands after recording: naming the test, or what became of the last one. */
type Phase = { kind: 'idle'; message: string } | { kind: 'naming'; name: string } | { kind: 'saving' };

/** Records a test in the preview and hands it to the designer under a name. */
export const RecordBar = ({ recorder, datastore, ready, onStart, onSave }: RecordBarProps) => {
  const snapshot = useSyncExternalStore(recorder.subscribe, recorder.getSnapshot);
  const [phase, setPhase] = useState<Phase>({ kind: 'idle', message: '' });
  const [starting, setStarting] = useState(false);

  const start = async () => {
    setStarting(true);
    try {
      await onStart();
      setPhase({ kind: 'idle', message: '' });
    } finally {
      setStarting(false);
    }
  };

  const save = async (name: string) => {
    setPhase({ kind: 'saving' });
    const scenario = await recorder.finish(name.trim() === '' ? `Recorded in ${datastore}` : name.trim());
    if (scenario) onSave(scenario);
    setPhase({
      kind: 'idle',
      message: scenario
        ? `Saved “${scenario.name}” with ${scenario.steps.length} ${scenario.steps.length === 1 ? 'step' : 'steps'} to the tests.`
        : 'Nothing was recorded, so no test was saved.',
    });
  };

  if (!snapshot.recording) {
    return (
      <div className="dd-record" data-testid="record-bar">
        <div className="dd-record-head">
          <button
            type="button"
            disabled={!ready || starting}
            onClick={() => void start()}
            title="Empty the preview data, then turn what the people do into a test"
          >
            Record a test
          </button>
          <span className="dd-muted" data-testid="record-message">
            {starting ? 'Emptying the preview data…' : phase.kind === 'idle' ? phase.message : ''}
          </span>
        </div>
      </div>
    );
  }

  return (
    <div className="dd-record dd-record-on" data-testid="record-bar" data-recording="true">
      <div className="dd-record-head">
        <span className="dd-record-dot">● Recording</span>
        <span className="dd-muted">
          {snapshot.steps.length === 1 ? '1 step' : `${snapshot.steps.length} steps`} — every change the
          people make, with what the server decided. Use “Check” on a row to add what someone sees.
        </span>
        {phase.kind === 'naming' ? (
          <form
            onSubmit={(event) => {
              event.preventDefault();
              void save(phase.name);
            }}
          >
            <label>
              Name of the test{' '}
              <input
                autoFocus
                value={phase.name}
                onChange={(event) => setPhase({ kind: 'naming', name: event.target.value })}
              />
            </label>{' '}
            <button type="submit" className="dd-primary">
              Save test
            </button>{' '}
            <button
              type="button"

              onClick={() => setPhase({ kind: 'idle', message: '' })}
            >
              Keep recording
            </button>
          </form>
        ) : phase.kind === 'saving' ? (
          <span className="dd-muted">Waiting for the server’s last answers…</span>
        ) : (
          <>
            <button
              type="button"
              className="dd-primary"
              onClick={() => setPhase({ kind: 'naming', name: '' })}
            >
              Stop recording
            </button>
            <button
              type="button"

              onClick={() => {
                recorder.discard();
                setPhase({ kind: 'idle', message: 'The recording was thrown away.' });
              }}
            >
              Discard
            </button>
          </>
        )}
      </div>
      <ol data-testid="recorded-steps">
        {snapshot.steps.map((recorded, index) => (
          <li key={index} data-pending={recorded.pending}>
            {recorded.pending
              ? `${stepWords(recorded.step)} — waiting for the server…`
              : stepSentence(recorded.step)}
          </li>
        ))}
      </ol>
      {snapshot.notes.length > 0 ? (
        <ul className="dd-muted">
          {snapshot.notes.map((note, index) => (
            <li key={index}>{note}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
};
