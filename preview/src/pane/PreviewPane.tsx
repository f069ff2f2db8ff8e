// The multi-user preview: the draft deployed to `<app>-preview`, 2–6 simulated people side by side, each a real client.
import type { AppConfig, Scenario } from '@datastore-designer/schema';
import { useMemo, useState, useSyncExternalStore } from 'react';
import { LatencyTracker, type ChangeLatency } from './latency-tracker.ts';
import { MultiInstanceBar, type PreviewSpace } from './MultiInstanceBar.tsx';
import { PANE_STYLES } from './pane-styles.ts';
import { ProgrammerHelp } from './ProgrammerHelp.tsx';
import { RecordBar } from './RecordBar.tsx';
import { ScenarioRecorder } from './scenario-recorder.ts';
import {
  createInstance,
  inviteMember,
  joinInstance,
  mintUserToken,
  previewAppId,
  putServerRow,
  type PreviewRuntime,
} from './preview-api.ts';
import {
  INSTANCE_KIND_WORDS,
  initialUsers,
  instanceFor,
  MAX_USERS,
  MIN_USERS,
  PRESETS,
  userFromPreset,
  type PresetId,
  type SimulatedUser,
} from './simulated-users.ts';
import { ReadRuleLines } from './ReadRuleLines.tsx';
import { instanceSeenBy, tableViews } from './read-views.ts';
import { UserEditor } from './UserEditor.tsx';
import { UserPanel } from './UserPanel.tsx';
import { useColumnRecording } from './useColumnRecording.ts';
import { usePreviewDeploy } from './usePreviewDeploy.ts';
import { useUserConnection } from './useUserConnection.ts';

/** What the designer gives the preview: the current valid draft, the app id, and the runtime to deploy it to. */
export interface PreviewPaneProps {
  config: AppConfig;
  app: string;
  runtime: PreviewRuntime;
  /** Saves a test recorded in the preview into the draft; without it the pane offers no recording. */
  onRecordScenario?: (scenario: Scenario) => void;
}

/** The space a person has open, and how many times they asked to open one (each ask connects anew). */
interface OpenSpace {
  id: string;
  attempt: number;
}

interface ColumnProps {
  user: SimulatedUser;
  users: SimulatedUser[];
  config: AppConfig;
  datastore: string;
  previewApp: string;
  runtime: PreviewRuntime;
  ready: boolean;
  epoch: number;
  tracker: LatencyTracker;
  latency: ChangeLatency | undefined;
  spaces: PreviewSpace[];
  openSpace: OpenSpace | undefined;
  onSpaces: (update: (spaces: PreviewSpace[]) => PreviewSpace[]) => void;
  onOpenSpace: (userKey: string, spaceId: string) => void;
  onChange: (user: SimulatedUser) => void;
  onRemove: () => void;
  canRemove: boolean;
  recorder: ScenarioRecorder;
  recording: boolean;
  /** The people whose copy of this person's instance can be checked while recording. */
  peopleHere: SimulatedUser[];
}

/** One person's column: their real client plus, for multi datastores, their space controls. */
const UserColumn = (props: ColumnProps) => {
  const { user, users, config, datastore, previewApp, runtime, ready, epoch, tracker, spaces, openSpace } =
    props;
  const kind = config.datastores[datastore]?.instances ?? 'single';
  const instance = kind === 'multi' ? openSpace?.id : instanceFor(kind);
  const state = useUserConnection({
    runtime,
    app: previewApp,
    datastore,
    instance,
    config,
    user,
    epoch,
    attempt: openSpace?.attempt ?? 0,
    ready,
    tracker,
  });
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const recording = useColumnRecording({
    recorder: props.recorder,
    recording: props.recording,
    user,
    peopleHere: props.peopleHere,
    connection: state.connection,
    refused: state.status.status === 'refused',
    runtime,
    app: previewApp,
    datastore,
    kind,
    instance,
    autoFields: (table) =>
      new Set(
        Object.entries(config.datastores[datastore]?.tables[table]?.fields ?? {})
          .filter(([, field]) => field.auto !== undefined)
          .map(([id]) => id),
      ),
  });

  const act = async (action: (token: string) => Promise<string>) => {
    setBusy(true);
    setMessage('');
    try {
      setMessage(await action(await mintUserToken(runtime, previewApp, user)));
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  const instanceBar =
    kind === 'multi' ? (
      <MultiInstanceBar
        user={user}
        users={users}
        spaces={spaces}
        openSpace={openSpace?.id}
        busy={busy || !ready}
        message={message}
        onCreate={() =>
          void act(async (token) => {
            const base = config.datastores[datastore]?.title ?? 'Space';
            const name = `${base} ${spaces.length + 1}`;
            const id = await recording.follow(
              createInstance(runtime, previewApp, datastore, token),
              'createInstance',
              (outcome) => props.recorder.recordCreateInstance(user, name, outcome),
            );
            props.recorder.nameSpace(id, name);
            props.onSpaces((list) => [...list, { id, owner: user.key, name }]);
            props.onOpenSpace(user.key, id);
            return `Created ${name}. Invite someone, or give them its id.`;
          })
        }
        onInvite={(spaceId, invitee) =>
          void act(async (token) => {
            await recording.follow(
              inviteMember(runtime, previewApp, datastore, spaceId, invitee.sub, token),
              'members',
              (outcome) => props.recorder.recordInvite(user, spaceId, invitee, outcome),
            );
            return `Invited ${invitee.name}: they can now open ${spaces.find((space) => space.id === spaceId)?.name ?? spaceId}.`;
          })
        }
        onOpen={(spaceId) => {
          setMessage('');
          props.onOpenSpace(user.key, spaceId);
        }}
        onJoin={(spaceId) =>
          void act(async (token) => {
            await recording.follow(
              joinInstance(runtime, previewApp, datastore, spaceId, token),
              'join',
              (outcome) => props.recorder.recordJoin(user, spaceId, outcome),
            );
            props.onOpenSpace(user.key, spaceId);
            return `Joined ${spaces.find((space) => space.id === spaceId)?.name ?? spaceId}.`;
          })
        }
      />
    ) : null;

  const seenInstance = instanceSeenBy(
    kind,
    user,
    kind === 'multi' ? spaces.find((space) => space.id === instance) : undefined,
  );
  const hiddenTables = new Set(
    seenInstance
      ? tableViews(config, datastore, user, seenInstance)
          .filter((view) => view.visibility === 'none')
          .map((view) => view.table)
      : [],
  );

  return (
    <div className="dd-column">
      {kind !== 'multi' && message ? <div className="dd-note">{message}</div> : null}
      <UserPanel
        user={user}
        users={users}
        config={config}
        datastore={datastore}
        state={state}
        tracker={tracker}
        latency={props.latency}
        instanceBar={instanceBar}
        readViews={
          <ReadRuleLines
            user={user}
            config={config}
            datastore={datastore}
            connection={state.connection}
            instance={seenInstance}
            runtime={runtime}
            app={previewApp}
            viewChangedAt={state.viewChangedAt}
            online={state.status.status === 'online'}
          />
        }
        hiddenTables={hiddenTables}
        onServerWrite={
          config.datastores[datastore]?.sync === 'serverToClient' && instance !== undefined
            ? (write) => {
                const id = kind === 'perUser' ? user.sub : kind === 'perTenant' ? user.tenant : instance;
                const call = putServerRow(
                  runtime,
                  previewApp,
                  datastore,
                  id,
                  write.table,
                  write.row,
                  write.cells,
                );
                recording.recordServerWrite(write, call);
                call.catch((error: unknown) =>
                  setMessage(error instanceof Error ? error.message : String(error)),
                );
              }
            : undefined
        }
        onRecordWrite={recording.onRecordWrite}
        check={recording.check}
        canRemove={props.canRemove}
        editor={
          editing ? (
            <UserEditor
              user={user}
              onCancel={() => setEditing(false)}
              onSave={(next) => {
                setEditing(false);
                props.onChange(next);
              }}
            />
          ) : undefined
        }
        onEdit={props.recording ? undefined : () => setEditing(true)}
        onRemove={props.onRemove}
      />
    </div>
  );
};

/** The preview pane the designer mounts in its Preview tab. */
export const PreviewPane = ({ config, app, runtime, onRecordScenario }: PreviewPaneProps) => {
  const previewApp = previewAppId(app);
  const { deploy, resetData } = usePreviewDeploy(runtime, previewApp, config);
  const datastoreIds = Object.keys(config.datastores);
  const [chosenDatastore, setChosenDatastore] = useState(datastoreIds[0] ?? '');
  const datastore = datastoreIds.includes(chosenDatastore) ? chosenDatastore : (datastoreIds[0] ?? '');
  const [users, setUsers] = useState<SimulatedUser[]>(() => initialUsers(config));
  const [preset, setPreset] = useState<PresetId>('stranger');
  const tracker = useMemo(() => new LatencyTracker(), []);
  const latencies = useSyncExternalStore(tracker.subscribe, tracker.getSnapshot);
  const [spaces, setSpaces] = useState<PreviewSpace[]>([]);
  const [openSpaces, setOpenSpaces] = useState<Record<string, OpenSpace>>({});
  const recorder = useMemo(() => new ScenarioRecorder(), []);
  const { recording } = useSyncExternalStore(recorder.subscribe, recorder.getSnapshot);
  const ready = deploy.version !== undefined;
  const datastoreConfig = config.datastores[datastore];
  const serverOnly = Object.entries(datastoreConfig?.tables ?? {})
    .filter(([, table]) => table.serverOnly)
    .map(([id]) => id);

  const reset = async () => {
    setSpaces([]);
    setOpenSpaces({});
    await resetData();
  };

  return (
    <div className="dd-preview" data-preview-app={previewApp}>
      <style>{PANE_STYLES}</style>
      <div className="dd-toolbar">
        <span className={`dd-deploy dd-deploy-${deploy.phase}`} data-deploy={deploy.phase}>
          {deploy.message}
        </span>
        {datastoreIds.length > 1 ? (
          <label>
            Datastore{' '}
            <select
              value={datastore}
              disabled={recording}
              onChange={(event) => setChosenDatastore(event.target.value)}
            >
              {datastoreIds.map((id) => (
                <option key={id} value={id}>
                  {config.datastores[id]?.title ?? id}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button
          type="button"
          className="dd-secondary"
          onClick={() => void reset()}
          title="Delete all preview data and start again"
        >
          Reset data
        </button>
        <label>
          Add a person{' '}
          <select value={preset} onChange={(event) => setPreset(event.target.value as PresetId)}>
            {(Object.keys(PRESETS) as PresetId[]).map((id) => (
              <option key={id} value={id}>
                {PRESETS[id].label}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="dd-primary"
          disabled={users.length >= MAX_USERS}
          onClick={() => setUsers((list) => [...list, userFromPreset(preset, list)])}
        >
          Add
        </button>
      </div>
      {onRecordScenario && datastoreConfig ? (
        <RecordBar
          recorder={recorder}
          datastore={datastore}
          ready={ready}
          onStart={async () => {
            await reset();
            recorder.start(datastore, datastoreConfig.tables, datastoreConfig.instances === 'multi');
          }}
          onSave={onRecordScenario}
        />
      ) : null}
      {deploy.problems.length > 0 ? (
        <ul className="dd-problems">
          {deploy.problems.map((problem, index) => (
            <li key={index}>
              {problem.message} <span className="dd-muted">{problem.path}</span>
            </li>
          ))}
        </ul>
      ) : null}
      {datastoreConfig ? (
        <p className="dd-note">
          {INSTANCE_KIND_WORDS[datastoreConfig.instances]}
          {datastoreConfig.sync === 'serverToClient' ? ' Only the server writes: apps just read.' : ''}
          {serverOnly.length > 0 ? ` Server-only tables, never sent to apps: ${serverOnly.join(', ')}.` : ''}
        </p>
      ) : (
        <p className="dd-note">Add a datastore to preview it.</p>
      )}
      <div
        className="dd-users"
        style={{ gridTemplateColumns: `repeat(${users.length}, minmax(260px, 1fr))` }}
      >
        {datastoreConfig
          ? users.map((user) => (
              <UserColumn
                key={`${user.key}-${datastore}`}
                user={user}
                users={users}
                config={config}
                datastore={datastore}
                previewApp={previewApp}
                runtime={runtime}
                ready={ready}
                epoch={deploy.dataEpoch}
                tracker={tracker}
                latency={latencies[user.key]}
                spaces={spaces}
                openSpace={openSpaces[user.key]}
                onSpaces={setSpaces}
                onOpenSpace={(userKey, spaceId) =>
                  // Opening (or joining) again connects anew, even to the same space: a refused client gave up.
                  setOpenSpaces((open) => ({
                    ...open,
                    [userKey]: { id: spaceId, attempt: (open[userKey]?.attempt ?? 0) + 1 },
                  }))
                }
                onChange={(next) =>
                  setUsers((list) => list.map((other) => (other.key === next.key ? next : other)))
                }
                onRemove={() => setUsers((list) => list.filter((other) => other.key !== user.key))}
                canRemove={users.length > MIN_USERS}
                recorder={recorder}
                recording={recording}
                peopleHere={
                  datastoreConfig.instances === 'multi'
                    ? users.filter((other) => openSpaces[other.key]?.id === openSpaces[user.key]?.id)
                    : users
                }
              />
            ))
          : null}
      </div>
      {datastoreConfig ? <ProgrammerHelp config={config} app={app} datastore={datastore} /> : null}
    </div>
  );
};
