// The Deploy view: runtime connection, deploy with the list of changes and data-loss warnings, versions, instances.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { diffConfigs, type AppConfig } from '@datastore-designer/schema';
import { useDesigner } from '../model/useDesigner.ts';
import { useProblems } from '../model/useProblems.ts';
import { updateProject, appIdFrom, type ProjectMeta } from '../model/project-storage.ts';
import {
  appExists,
  deployConfig,
  fetchLiveConfig,
  fetchVersions,
  loadConnection,
  rollback,
  saveConnection,
  type RuntimeConnection,
  type VersionInfo,
} from '../model/runtime-client.ts';
import { InstancesView } from './InstancesView.tsx';
import { TestResults } from '../tests/TestResults.tsx';
import { useTestRun } from '../tests/useTestRun.ts';
import './deploy.css';

type Status =
  | { kind: 'idle' }
  | { kind: 'busy'; text: string }
  | { kind: 'done'; text: string }
  | { kind: 'error'; text: string }
  | { kind: 'confirm'; text: string }
  | { kind: 'confirmTests'; text: string };

/** JSON with object keys sorted, so configs compare by content whatever order the runtime keeps keys in. */
const canonical = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );

/** Deploying the draft and looking after what is deployed. */
export const DeployView = ({ meta }: { meta: ProjectMeta }) => {
  const config = useDesigner((s) => s.config);
  const { setView, setServerProblems } = useDesigner((s) => s);
  const problems = useProblems();
  const testRun = useTestRun();
  const failedTests = testRun.kind === 'ran' ? testRun.run.failed : 0;
  const [connection, setConnection] = useState<RuntimeConnection>(loadConnection);
  // The box holds what is typed; calls use the saved app id, fixed up when the box is left.
  const app = useDesigner((s) => s.app);
  const setSavedApp = useDesigner((s) => s.setApp);
  const [appText, setAppText] = useState(app);
  const [live, setLive] = useState<{ version: number; config: AppConfig } | null>();
  const [versions, setVersions] = useState<VersionInfo[]>([]);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [loadError, setLoadError] = useState<string>();

  // Only the latest look-up may set what is live: an older one answering late would bring back a stale version,
  // which the next deploy would then send as its If-Match.
  const lookups = useRef(0);
  const refresh = useCallback(async () => {
    const lookup = ++lookups.current;
    const latest = () => lookup === lookups.current;
    try {
      if (!(await appExists(connection, app))) {
        if (!latest()) return;
        setLoadError(undefined);
        setLive(null);
        setVersions([]);
        return;
      }
      const [current, list] = await Promise.all([
        fetchLiveConfig(connection, app),
        fetchVersions(connection, app),
      ]);
      if (!latest()) return;
      setLoadError(undefined);
      setLive(current ?? null);
      setVersions(list);
    } catch (error) {
      if (!latest()) return;
      setLive(undefined);
      setVersions([]);
      setLoadError((error as Error).message);
    }
  }, [connection, app]);

  useEffect(() => {
    // Another runtime or app: its live version is unknown until looked up.
    setLive(undefined);
    void refresh();
  }, [refresh]);

  const diff = useMemo(() => diffConfigs(live?.config ?? undefined, config), [live, config]);
  // A live config without a canvas layout (deployed from a file) is the same when only the layout placed on
  // opening differs: nothing the person changed.
  const sameAsLive = useMemo(() => {
    if (!live) return false;
    const withoutLayout = (c: AppConfig): AppConfig => ({ ...c, designer: undefined });
    return live.config.designer === undefined
      ? canonical(live.config) === canonical(withoutLayout(config))
      : canonical(live.config) === canonical(config);
  }, [live, config]);
  const confirming = status.kind === 'confirm' || status.kind === 'confirmTests';

  const deploy = async (force: boolean) => {
    // A deploy goes over the live version the person looked at, so it waits until that version is known.
    if (live === undefined) return;
    setStatus({ kind: 'busy', text: 'Deploying…' });
    try {
      const outcome = await deployConfig(connection, app, config, { force, over: live?.version ?? 0 });
      if (outcome.kind === 'deployed') {
        setStatus({ kind: 'done', text: `Deployed — version ${outcome.version} is live.` });
        await refresh();
      } else if (outcome.kind === 'stale') {
        setStatus({
          kind: 'error',
          text: `Someone else deployed version ${outcome.version} meanwhile. The changes above are now compared with it: look them over, then deploy again.`,
        });
        await refresh();
      } else if (outcome.kind === 'problems') {
        setServerProblems(outcome.problems);
        setStatus({
          kind: 'error',
          text: `The runtime found ${outcome.problems.length} problem(s). They are listed in the Problems panel.`,
        });
      } else {
        // The runtime's own words speak to programmers (`?force=true`); say what it means instead.
        setStatus({
          kind: 'confirm',
          text: diff.destructive
            ? 'The runtime checked: this deploy removes data people may already have stored (marked above). Deploy anyway?'
            : `The runtime asks for a confirmation: ${outcome.message}`,
        });
      }
    } catch (error) {
      setStatus({ kind: 'error', text: (error as Error).message });
    }
  };

  const liveVersion = versions.find((v) => v.live)?.version ?? live?.version;

  return (
    <div className="deploy">
      <section className="card">
        <h2>Where to deploy</h2>
        <label className="field-row">
          <span>Runtime address</span>
          <input
            aria-label="Runtime address"
            value={connection.url}
            onChange={(event) => setConnection({ ...connection, url: event.target.value })}
            onBlur={() => saveConnection(connection)}
          />
        </label>
        <label className="field-row">
          <span>Admin token</span>
          <input
            aria-label="Admin token"
            type="password"
            value={connection.adminToken}
            onChange={(event) => setConnection({ ...connection, adminToken: event.target.value })}
            onBlur={() => saveConnection(connection)}
          />
          <small className="muted">The runtime's ADMIN_TOKEN. Under npm start it is local-admin-token.</small>
        </label>
        <label className="field-row">
          <span>App id</span>
          <input
            aria-label="App id"
            value={appText}
            onChange={(event) => setAppText(event.target.value)}
            onBlur={() => {
              const fixed = appIdFrom(appText);
              setAppText(fixed);
              setSavedApp(fixed);
              updateProject(meta.id, { app: fixed });
            }}
          />
          <small className="muted">Apps connect with this id. Lower-case letters, digits and dashes.</small>
        </label>
        <p className={loadError ? 'bad' : 'muted'} data-testid="live-version">
          {loadError
            ? loadError
            : live === undefined
              ? 'Connecting…'
              : live === null
                ? 'Not deployed yet.'
                : `Live: version ${liveVersion}.`}
        </p>
      </section>

      <section className="card">
        <h2>Deploy this draft</h2>
        {problems.length > 0 ? (
          <div className="error-box">
            <p>
              This draft has {problems.length} {problems.length === 1 ? 'problem' : 'problems'} and cannot be
              deployed until {problems.length === 1 ? 'it is' : 'they are'} fixed.
            </p>
            <button type="button" onClick={() => setView('design')}>
              Show the problems
            </button>
          </div>
        ) : (
          <>
            {diff.changes.length === 0 ? (
              <p className="muted">
                {!live
                  ? 'Everything will be new.'
                  : sameAsLive
                    ? 'Nothing has changed since the live version.'
                    : 'Only the canvas layout changed; deploying keeps it with the live version.'}
              </p>
            ) : (
              <ul className="changes" aria-label="Changes">
                {diff.changes.map((c) => (
                  <li key={`${c.path}-${c.kind}`} className={c.destructive ? 'destructive' : c.kind}>
                    <span className="change-kind">{c.destructive ? '⚠ loses data' : c.kind}</span> {c.message}
                  </li>
                ))}
              </ul>
            )}
            {diff.destructive && (
              <p className="warning">
                Some changes remove tables or fields, or change what a field holds. Data stored there will be
                lost.
              </p>
            )}
            <div className="button-row">
              <button
                type="button"
                // While a confirmation below asks, its button is the card's one filled action.
                className={confirming ? 'primary ghost' : 'primary'}
                disabled={status.kind === 'busy' || live === undefined || sameAsLive}
                onClick={() =>
                  failedTests > 0
                    ? setStatus({
                        kind: 'confirmTests',
                        text: `${failedTests} ${failedTests === 1 ? 'test fails' : 'tests fail'} on this draft: people could do what a test says they cannot, or be stopped from what they should do. Deploy anyway?`,
                      })
                    : void deploy(false)
                }
              >
                Deploy
              </button>
            </div>
          </>
        )}
        {status.kind !== 'idle' && (
          <div className={`status ${status.kind}`} role="status" data-testid="deploy-status">
            <p>{status.text}</p>
            {status.kind === 'confirm' && (
              <div className="button-row">
                <button type="button" className="danger" onClick={() => void deploy(true)}>
                  Deploy anyway and lose that data
                </button>
                <button type="button" className="ghost" onClick={() => setStatus({ kind: 'idle' })}>
                  Cancel
                </button>
              </div>
            )}
            {status.kind === 'confirmTests' && (
              <div className="button-row">
                <button type="button" className="danger" onClick={() => void deploy(false)}>
                  Deploy with failing tests
                </button>
                <button type="button" className="ghost" onClick={() => setStatus({ kind: 'idle' })}>
                  Cancel
                </button>
              </div>
            )}
          </div>
        )}
      </section>

      {testRun.kind === 'ran' && testRun.run.scenarios.length > 0 && <TestResults run={testRun.run} />}

      <section className="card">
        <h2>Versions</h2>
        {versions.length === 0 ? (
          <p className="muted">No versions yet. Each deploy makes a new one.</p>
        ) : (
          <ul className="versions" data-testid="versions">
            {versions.map((v) => (
              <li key={v.version}>
                <strong>Version {v.version}</strong>
                <span className="muted">{new Date(v.deployedAt).toLocaleString()}</span>
                {v.live ? (
                  <span className="tag live">live</span>
                ) : (
                  <button
                    type="button"
                    className="ghost"
                    onClick={async () => {
                      const sure = confirm(
                        `Roll back to version ${v.version}? It goes live again as a new version, and every app uses it at once.`,
                      );
                      if (!sure) return;
                      try {
                        const version = await rollback(connection, app, v.version);
                        setStatus({
                          kind: 'done',
                          text: `Version ${v.version} is live again, as version ${version}.`,
                        });
                        await refresh();
                      } catch (error) {
                        setStatus({ kind: 'error', text: (error as Error).message });
                      }
                    }}
                  >
                    Roll back to this
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      {live && <InstancesView connection={connection} app={app} config={live.config} />}
    </div>
  );
};
