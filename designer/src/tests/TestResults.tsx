// The test results the Deploy tab shows: one line per scenario, and the first failing step of each red one.
import { scenarioLine, summaryLine, type TestRun } from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';

/** A card with the draft's test verdicts, linking back to the Tests panel. */
export const TestResults = ({ run }: { run: TestRun }) => {
  const setView = useDesigner((s) => s.setView);
  return (
    <section className="card" data-testid="deploy-tests">
      <h2>Tests</h2>
      <p className={run.failed === 0 ? 'ok' : 'bad'}>{summaryLine(run.scenarios)}</p>
      <ul className="deploy-test-results">
        {run.scenarios.map((scenario) => (
          <li key={scenario.index} className={scenario.passed ? 'ok' : 'bad'}>
            {/* A green line is its name after a tick; a red one keeps the step and the reason it failed. */}
            {scenario.passed ? `✓ ${scenario.name}` : scenarioLine(scenario)}
          </li>
        ))}
      </ul>
      {run.failed > 0 && (
        <button type="button" onClick={() => setView('design')}>
          Show the failing tests
        </button>
      )}
    </section>
  );
};
