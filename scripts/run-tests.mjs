// Runs every test suite in order (unit, workerd, end-to-end, browser), then prints one closing line for all of them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const results = `${root}test-results`;
rmSync(results, { recursive: true, force: true });
mkdirSync(results, { recursive: true });

const workspaceScript = (workspace, script) =>
  JSON.parse(readFileSync(`${root}${workspace}/package.json`, 'utf8')).scripts?.[script] !== undefined;

const steps = [
  { name: 'schema unit tests', workspace: 'schema', script: 'test:unit', report: true },
  { name: 'runtime tests in workerd', workspace: 'runtime-worker', script: 'test:unit', report: true },
  { name: 'preview unit tests', workspace: 'preview', script: 'test:unit', report: true },
  { name: 'designer unit tests', workspace: 'designer', script: 'test:unit', report: true },
  { name: 'command-line tool tests', workspace: 'cli', script: 'test:unit', report: true },
  { name: 'designer build', workspace: 'designer', script: 'build', report: false },
  { name: 'end-to-end and browser tests', workspace: 'test', script: 'test:e2e', report: true },
];

let failedStep;
for (const step of steps) {
  if (!workspaceScript(step.workspace, step.script)) continue;
  console.log(`\n▶ ${step.name}`);
  const args = ['run', step.script, '-w', step.workspace];
  if (step.report) {
    args.push(
      '--',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${results}/${step.workspace}.json`,
    );
  }
  const run = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    failedStep = step.name;
    break;
  }
}

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const step of steps) {
  const file = `${results}/${step.workspace}.json`;
  if (!step.report || !existsSync(file)) continue;
  const report = JSON.parse(readFileSync(file, 'utf8'));
  totals.passed += report.numPassedTests ?? 0;
  totals.failed += report.numFailedTests ?? 0;
  totals.skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
}
if (failedStep) console.log(`\n${failedStep} failed.`);
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failedStep || totals.failed > 0 ? 1 : 0);
