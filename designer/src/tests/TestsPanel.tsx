// The Tests panel: every scenario of the draft, run on every change, green or red; a red one opens at its failing
// step with what happened instead and which rule decided; steps can be reordered, deleted and flipped.
import { useState } from 'react';
import {
  coverageGap,
  RULE_WORDS,
  type ScenarioResult,
  type ScenarioStep,
  stepSentence,
  type StepResult,
} from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';
import { useTestRun } from './useTestRun.ts';
import { draftText, type LiveRunState, useLiveRun } from './useLiveRun.ts';
import { type LiveDifference, liveDifferences } from './live-differences.ts';
import { deleteScenario, deleteStep, flipExpectation, moveStep, renameScenario } from './test-edits.ts';
import './tests-panel.css';

const ROW_RULES = new Set(['create', 'update', 'delete']);
const INSTANCE_RULES = new Set(['connect', 'createInstance', 'join']);

/** The table a write step touches, for naming the rule that decided it. */
const tableOf = (step: ScenarioStep): string | undefined =>
  'set' in step ? step.set[0] : 'delete' in step ? step.delete[0] : undefined;

const StepLine = ({
  step,
  result,
  index,
  count,
  scenario,
  datastore,
  live,
}: {
  live: LiveDifference | undefined;
  step: ScenarioStep;
  result: StepResult | undefined;
  index: number;
  count: number;
  scenario: number;
  datastore: string;
}) => {
  const { change, select, setDatastore, setView } = useDesigner((s) => s);
  const number = index + 1;
  const outcome = result?.outcome;
  const decidedBy = outcome?.kind === 'refused' ? outcome.rule : undefined;
  const table = tableOf(step);
  const showRule = () => {
    if (!decidedBy) return;
    setView('design');
    setDatastore(datastore);
    if (ROW_RULES.has(decidedBy) && table) {
      select({ kind: 'table', table, rule: decidedBy as 'create' | 'update' | 'delete' }, { focus: true });
    } else if (INSTANCE_RULES.has(decidedBy)) {
      select(
        { kind: 'datastore', rule: decidedBy as 'connect' | 'createInstance' | 'join' },
        { focus: true },
      );
    }
  };
  const ruleWords =
    decidedBy === undefined
      ? ''
      : `${RULE_WORDS[decidedBy]}${ROW_RULES.has(decidedBy) && table ? ` in ${table}` : ''}`;
  return (
    <li
      className={`test-step ${result === undefined ? '' : result.passed ? 'pass' : 'fail'}${live ? ' live-differs' : ''}`}
      data-step={number}
    >
      <span className="test-step-number" aria-hidden>
        {number}
      </span>
      <div className="test-step-body">
        <span className="test-step-sentence">{stepSentence(step)}</span>
        {result && !result.passed && (
          <p className="test-step-instead">
            <strong>What happened instead:</strong> {result.message}
          </p>
        )}
        {live && (
          <p className="test-step-live">
            <strong>Live, this step {live.livePassed ? 'passed' : 'failed'}</strong>
            {live.livePassed ? ' (it fails in the designer).' : `: ${live.message}`}
          </p>
        )}
        {decidedBy && (
          <p className="test-step-rule">
            Decided by{' '}
            {ROW_RULES.has(decidedBy) || INSTANCE_RULES.has(decidedBy) ? (
              <button type="button" className="link" onClick={showRule}>
                {ruleWords}
              </button>
            ) : (
              ruleWords
            )}
          </p>
        )}
      </div>
      <div className="test-step-actions">
        {!('sees' in step) && (
          <button
            type="button"
            className="ghost"
            aria-label={`Flip what step ${number} expects`}
            title="Flip what this step expects"
            onClick={() => change((draft) => flipExpectation(draft, scenario, index))}
          >
            ⇄
          </button>
        )}
        <button
          type="button"
          className="ghost"
          aria-label={`Move step ${number} up`}
          disabled={index === 0}
          onClick={() => change((draft) => moveStep(draft, scenario, index, -1))}
        >
          ↑
        </button>
        <button
          type="button"
          className="ghost"
          aria-label={`Move step ${number} down`}
          disabled={index === count - 1}
          onClick={() => change((draft) => moveStep(draft, scenario, index, 1))}
        >
          ↓
        </button>
        <button
          type="button"
          className="ghost"
          aria-label={`Delete step ${number}`}
          onClick={() => change((draft) => deleteStep(draft, scenario, index))}
        >
          ✕
        </button>
      </div>
    </li>
  );
};

const ScenarioItem = ({
  index,
  result,
  live,
}: {
  index: number;
  result: ScenarioResult | undefined;
  live: LiveDifference[];
}) => {
  const scenario = useDesigner((s) => s.config.tests?.[index]);
  const change = useDesigner((s) => s.change);
  const [toggled, setToggled] = useState<boolean>();
  const [renaming, setRenaming] = useState<string>();
  if (!scenario) return null;
  // A red scenario opens by itself, at its failing step; the person's own choice wins once made.
  const open = toggled ?? ((result !== undefined && !result.passed) || live.length > 0);
  const state = result === undefined ? 'unknown' : result.passed ? 'pass' : 'fail';
  return (
    <li className={`test-scenario ${state}`} data-testid="scenario">
      <div className="test-scenario-head">
        {renaming === undefined ? (
          <button
            type="button"
            className="test-scenario-toggle"
            aria-expanded={open}
            onClick={() => setToggled(!open)}
          >
            <span className="test-mark" aria-hidden>
              {state === 'pass' ? '✓' : state === 'fail' ? '✗' : '•'}
            </span>
            <span className="test-scenario-name">{scenario.name}</span>
            {result && !result.passed && (
              <span className="test-failed-at">fails at step {result.failedStep}</span>
            )}
            {live.length > 0 && (
              <span className="test-live-differs">
                live differs at step {live.map((difference) => difference.step).join(', ')}
              </span>
            )}
          </button>
        ) : (
          <input
            aria-label="Scenario name"
            autoFocus
            value={renaming}
            onChange={(event) => setRenaming(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter') {
                change((draft) => renameScenario(draft, index, renaming));
                setRenaming(undefined);
              } else if (event.key === 'Escape') setRenaming(undefined);
            }}
            onBlur={() => {
              change((draft) => renameScenario(draft, index, renaming));
              setRenaming(undefined);
            }}
          />
        )}
        <button type="button" className="ghost" onClick={() => setRenaming(scenario.name)}>
          Rename
        </button>
        <button
          type="button"
          className="ghost"
          aria-label={`Delete scenario ${scenario.name}`}
          onClick={() => change((draft) => deleteScenario(draft, index))}
        >
          Delete
        </button>
      </div>
      {open && (
        <ol className="test-steps">
          {scenario.steps.map((step, stepIndex) => (
            <StepLine
              key={stepIndex}
              step={step}
              result={result?.steps[stepIndex]}
              index={stepIndex}
              count={scenario.steps.length}
              scenario={index}
              datastore={scenario.datastore}
              live={live.find((difference) => difference.step === stepIndex + 1)}
            />
          ))}
        </ol>
      )}
    </li>
  );
};

/** What the last live run said, in one line: how far it is, or whether it agrees with the in-process run. */
const liveWords = (state: LiveRunState, differences: LiveDifference[], current: boolean): string => {
  switch (state.kind) {
    case 'idle':
      return '';
    case 'running':
      return `Running live: ${state.done} of ${state.total} scenarios…`;
    case 'failed':
      return state.message;
    case 'finished': {
      const passed = state.results.filter((result) => result.passed).length;
      const counts = `Live: ${passed} passed, ${state.results.length - passed} failed${state.stopped ? ' (stopped)' : ''}`;
      if (!current) return `${counts}, on an earlier draft: run live again.`;
      return differences.length === 0
        ? `${counts} — the same verdicts as in the designer.`
        : `${counts} — ${differences.length === 1 ? '1 step gives' : `${differences.length} steps give`} another verdict live than in the designer.`;
    }
  }
};

/** Lists the draft's scenarios with their verdicts and the rules' coverage, under the canvas beside Problems. */
export const TestsPanel = () => {
  const testRun = useTestRun();
  const config = useDesigner((s) => s.config);
  const count = config.tests?.length ?? 0;
  const live = useLiveRun();
  // The panel opens by itself while a test fails, and otherwise stays one line high so the canvas keeps its room;
  // the person's own choice wins once made.
  const [toggled, setToggled] = useState<boolean>();
  const run = testRun.kind === 'ran' ? testRun.run : undefined;
  const liveCurrent = live.state.kind === 'finished' && live.state.configText === draftText(config);
  const differences =
    run && live.state.kind === 'finished' && liveCurrent
      ? liveDifferences(run.scenarios, live.state.results)
      : [];
  const liveLine = liveWords(live.state, differences, liveCurrent);
  const open = toggled ?? (run !== undefined && (run.failed > 0 || differences.length > 0));
  const setOpen = (next: boolean) => setToggled(next);
  const gaps = run ? run.coverage.map(coverageGap).filter((gap) => gap !== '') : [];
  return (
    <section className={`tests${open ? '' : ' closed'}`} aria-label="Tests" data-testid="tests">
      <header>
        <button
          type="button"
          className="ghost panel-toggle"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
        >
          {open ? '▾' : '▸'} Tests
        </button>
        {count === 0 ? (
          <span className="muted">No scenarios yet</span>
        ) : run ? (
          <span className={run.failed === 0 ? 'ok' : 'bad'} data-testid="tests-summary">
            {run.failed === 0 ? '✓ ' : '✗ '}
            {run.passed} passed, {run.failed} failed
          </span>
        ) : (
          <span className="muted">Fix the problems to run the tests</span>
        )}
        {run && count > 0 && (
          <span className="tests-live">
            {live.state.kind === 'running' ? (
              <button type="button" className="ghost" onClick={live.stop}>
                Stop
              </button>
            ) : (
              <button
                type="button"
                className="ghost"
                title="Run every scenario with real clients against a scratch app on the runtime, deleted afterwards"
                onClick={() => live.start(config)}
              >
                Run live
              </button>
            )}
            {liveLine !== '' && (
              <span
                className={`muted${differences.length > 0 || live.state.kind === 'failed' ? ' bad' : ''}`}
                data-testid="live-summary"
              >
                {liveLine}
              </span>
            )}
          </span>
        )}
      </header>
      {open && (
        <div className="tests-body">
          {count > 0 && (
            <ul className="test-scenarios">
              {Array.from({ length: count }, (_, index) => (
                <ScenarioItem
                  key={index}
                  index={index}
                  result={run?.scenarios[index]}
                  live={differences.filter((difference) => difference.scenario === index)}
                />
              ))}
            </ul>
          )}
          {run && run.coverage.length > 0 && (
            <div className="test-coverage" data-testid="coverage">
              <h3>
                Rule coverage: {run.coverage.length - gaps.length} of {run.coverage.length} rules tested both
                ways
              </h3>
              {gaps.length > 0 && (
                <ul>
                  {gaps.map((gap) => (
                    <li key={gap}>{gap}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}
    </section>
  );
};
