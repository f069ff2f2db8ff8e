// Runs a config's scenarios live: a scratch app on a real runtime, real TinyBase clients over WebSockets, the public
// HTTP API, and the same verdicts as the in-process runner. Runs in browsers and in Node (pass `ws`'s WebSocket).
import {
  type AppConfig,
  autoKindOf,
  decodeRejectionNotice,
  type RefusalRule,
  type RejectionNotice,
  type CellValue,
  type Row,
  type Scenario,
  type ScenarioResult,
  scenarioResult,
  scenarioUser,
  type ScenarioStep,
  type StepOutcome,
  stepResult,
} from '@datastore-designer/schema';
import { createMergeableStore, type MergeableStore } from 'tinybase';
import { createWsSynchronizer } from 'tinybase/synchronizers/synchronizer-ws-client';
import type { WebSocketConstructor, WebSocketLike } from './notice-filtering-socket.ts';

/** Where and how to run scenarios live. */
export interface LiveRunOptions {
  /** The runtime's address (`http://…` or `https://…`). */
  url: string;
  adminToken: string;
  /** The WebSocket class: the browser's by default; pass `ws`'s in Node 20. */
  WebSocket?: WebSocketConstructor;
  fetch?: typeof fetch;
  /** How long to wait for the server to answer a step, in milliseconds (default 5000). */
  answerTimeoutMs?: number;
  /** Stops the run: the scratch app of the scenario under way is still deleted. */
  signal?: AbortSignal;
  /** Told the id of each scratch app before it is deployed, and again once it is deleted. */
  onScratchApp?: (app: string, state: 'created' | 'deleted') => void;
  /** Told each scenario's result as soon as it is known. */
  onScenario?: (result: ScenarioResult) => void;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const canonical = (value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
      )
    : value;

const sameContent = (a: unknown, b: unknown): boolean =>
  JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

/** One person's client on one instance: a MergeableStore synced over a real socket, and the notices it received. */
interface LiveClient {
  store: MergeableStore;
  synchronizer: { destroy(): unknown };
  socket: WebSocketLike;
  notices: RejectionNotice[];
}

const randomId = (): string => Math.random().toString(36).slice(2, 10);

/** A scratch app id: never one of the person's own apps, and recognisable in the runtime's list. */
export const scratchAppId = (): string => `scratch-${Date.now().toString(36)}-${randomId()}`;

class LiveScenario {
  readonly #clients = new Map<string, LiveClient>();
  readonly #tokens = new Map<string, string>();
  readonly #names = new Map<string, string>();
  readonly #fetch: typeof fetch;
  readonly #WebSocket: WebSocketConstructor;
  readonly #timeout: number;
  readonly #kind: string;
  readonly #serverOnly: Set<string>;

  constructor(
    readonly options: LiveRunOptions,
    readonly app: string,
    readonly config: AppConfig,
    readonly scenario: Scenario,
  ) {
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#WebSocket = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor);
    this.#timeout = options.answerTimeoutMs ?? 5000;
    const datastore = config.datastores[scenario.datastore];
    this.#kind = datastore?.instances ?? 'single';
    this.#serverOnly = new Set(
      Object.entries(datastore?.tables ?? {})
        .filter(([, table]) => table.serverOnly === true)
        .map(([id]) => id),
    );
  }

  async api(
    method: string,
    path: string,
    { body, token }: { body?: unknown; token?: string | null } = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const bearer = token === undefined ? this.options.adminToken : token;
    const response = await this.#fetch(`${this.options.url}${path}`, {
      method,
      headers: {
        ...(bearer !== null ? { authorization: `Bearer ${bearer}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { error: text };
    }
    return { status: response.status, body: (parsed ?? {}) as Record<string, unknown> };
  }

  #base(): string {
    return `/api/apps/${this.app}/datastores/${this.scenario.datastore}/instances`;
  }

  async #token(userId: string): Promise<string | null> {
    if (userId === '') return null;
    const known = this.#tokens.get(userId);
    if (known) return known;
    const user = scenarioUser(this.scenario, userId);
    const answer = await this.api('POST', `/api/apps/${this.app}/tokens`, {
      body: { sub: user.id, roles: user.roles, ...(user.tenant !== '' ? { tenant: user.tenant } : {}) },
    });
    const token = answer.body.token;
    if (answer.status !== 200 || typeof token !== 'string') {
      throw new Error(`The runtime gave no token for "${userId}" (${answer.status}).`);
    }
    this.#tokens.set(userId, token);
    return token;
  }

  /** The instance a person's sync URL names, and the id the data API uses for it; undefined for an unknown name. */
  #address(userId: string, name: string | undefined): { param: string; id: string } | undefined {
    const user = scenarioUser(this.scenario, userId);
    switch (this.#kind) {
      case 'perUser':
        return { param: 'me', id: user.id };
      case 'perTenant':
        return { param: 'tenant', id: user.tenant };
      case 'multi': {
        const id = name === undefined ? undefined : this.#names.get(name);
        return id === undefined ? undefined : { param: id, id };
      }
      default:
        return { param: 'main', id: 'main' };
    }
  }

  #syncPath(param: string, token: string | null): string {
    const query = token === null ? '' : `?token=${encodeURIComponent(token)}`;
    return `/sync/${this.app}/${this.scenario.datastore}/${encodeURIComponent(param)}${query}`;
  }

  /** Asks the sync URL without an upgrade whether the person may open the instance (426 means yes). */
  async #mayOpen(userId: string, name: string | undefined): Promise<{ allowed: boolean; reason: string }> {
    const address = this.#address(userId, name);
    if (address === undefined) {
      return {
        allowed: false,
        reason: `There is no instance "${name ?? ''}": its createInstance step did not succeed.`,
      };
    }
    const token = await this.#token(userId);
    const response = await this.#fetch(`${this.options.url}${this.#syncPath(address.param, token)}`);
    const body = (await response.json().catch(() => ({}))) as { error?: unknown };
    return response.status === 426
      ? { allowed: true, reason: '' }
      : {
          allowed: false,
          reason: typeof body.error === 'string' ? body.error : `refused with ${response.status}`,
        };
  }

  async #open(url: string): Promise<WebSocketLike> {
    const socket = new this.#WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.addEventListener('open', () => resolve());
      socket.addEventListener('error', () => reject(new Error('The socket could not be opened.')));
      socket.addEventListener('close', () => reject(new Error('The socket closed while opening.')));
    });
    return socket;
  }

  /** The person's client on the instance, connected and caught up; or why they may not open it. */
  async #client(userId: string, name: string | undefined): Promise<LiveClient | { refused: string }> {
    const address = this.#address(userId, name);
    const key = `${userId}\n${address?.id ?? ''}`;
    const known = this.#clients.get(key);
    if (known) return known;
    const access = await this.#mayOpen(userId, name);
    if (!access.allowed || address === undefined) return { refused: access.reason };
    const token = await this.#token(userId);
    const wsUrl = this.options.url.replace(/^http/, 'ws');
    const socket = await this.#open(`${wsUrl}${this.#syncPath(address.param, token)}`);
    const notices: RejectionNotice[] = [];
    socket.addEventListener('message', (event: { data: unknown }) => {
      const notice = typeof event.data === 'string' ? decodeRejectionNotice(event.data) : undefined;
      if (notice) notices.push(notice);
    });
    const store = createMergeableStore();
    const synchronizer = await createWsSynchronizer(store, socket as never);
    await synchronizer.startSync();
    const client: LiveClient = {
      store,
      synchronizer,
      socket,
      notices,
    };
    this.#clients.set(key, client);
    return client;
  }

  /** What the server holds of the instance's synced tables (everything but server-only tables). */
  async #serverTables(instanceId: string): Promise<Record<string, unknown> | undefined> {
    const answer = await this.api('GET', `${this.#base()}/${encodeURIComponent(instanceId)}/snapshot`);
    if (answer.status !== 200 || !Array.isArray(answer.body)) return undefined;
    const tables = { ...((answer.body as unknown[])[0] as Record<string, unknown>) };
    for (const table of this.#serverOnly) delete tables[table];
    for (const [table, rows] of Object.entries(tables)) {
      if (rows !== null && typeof rows === 'object' && Object.keys(rows).length === 0) delete tables[table];
    }
    return tables;
  }

  /** Waits until the client's copy equals what the server holds for it (no `read` rules: everything synced). */
  async #catchUp(client: LiveClient, userId: string, name: string | undefined): Promise<boolean> {
    const address = this.#address(userId, name);
    if (address === undefined) return true;
    const deadline = Date.now() + this.#timeout;
    while (Date.now() < deadline) {
      const server = await this.#serverTables(address.id);
      if (server !== undefined && sameContent(client.store.getTables(), server)) return true;
      await sleep(10);
    }
    return false;
  }

  async #write(
    step: ScenarioStep & { as?: string },
    table: string,
    row: string,
    cells: Record<string, CellValue> | undefined,
  ): Promise<StepOutcome> {
    const userId = step.as ?? '';
    const name = 'instance' in step ? step.instance : undefined;
    const client = await this.#client(userId, name);
    if ('refused' in client) return { kind: 'refused', rule: 'connect', reason: client.refused };
    await this.#catchUp(client, userId, name);
    const copy = client.store.hasRow(table, row) ? (client.store.getRow(table, row) as Row) : undefined;
    let written: Record<string, CellValue> = {};
    if (cells === undefined) {
      if (copy === undefined)
        return { kind: 'unchanged', reason: `nothing to change: their copy has no row ${table} › ${row}` };
    } else {
      written = Object.fromEntries(Object.entries(cells).filter(([cell, value]) => copy?.[cell] !== value));
      if (Object.keys(written).length === 0) {
        return {
          kind: 'unchanged',
          reason: `nothing to change: ${table} › ${row} already holds these values`,
        };
      }
    }
    const noticesBefore = client.notices.length;
    if (cells === undefined) client.store.delRow(table, row);
    else client.store.setPartialRow(table, row, written);
    const address = this.#address(userId, name);
    const deadline = Date.now() + this.#timeout;
    while (Date.now() < deadline) {
      const notice = client.notices.slice(noticesBefore).find((n) => n.table === table && n.row === row);
      if (notice) {
        await this.#catchUp(client, userId, name);
        return { kind: 'refused', rule: notice.rule as RefusalRule, reason: notice.reason };
      }
      const server = address && (await this.#serverTables(address.id));
      const stored = (server?.[table] as Record<string, Row> | undefined)?.[row];
      // The server writes `auto` cells itself, whatever was sent: only the other cells tell that a change landed,
      // and a change to `auto` cells alone is answered with the stored cells and no notice.
      const tableConfig = this.config.datastores[this.scenario.datastore]?.tables[table];
      const ordinary = Object.entries(written).filter(
        ([cell]) => autoKindOf(tableConfig, cell) === undefined,
      );
      const landed =
        cells === undefined
          ? stored === undefined
          : ordinary.length === 0 ||
            (stored !== undefined && ordinary.every(([cell, value]) => stored[cell] === value));
      if (landed) {
        await this.#catchUp(client, userId, name);
        const late = client.notices.slice(noticesBefore).find((n) => n.table === table && n.row === row);
        if (late) return { kind: 'refused', rule: late.rule as RefusalRule, reason: late.reason };
        return { kind: 'accepted' };
      }
      await sleep(10);
    }
    return { kind: 'error', reason: `the server did not answer within ${this.#timeout} ms` };
  }

  async #serverWrite(
    step: ScenarioStep & { as?: string },
    table: string,
    row: string,
    cells: Record<string, CellValue> | undefined,
  ): Promise<StepOutcome> {
    const address = this.#address(step.as ?? '', 'instance' in step ? step.instance : undefined);
    if (address === undefined || address.id === '') {
      return { kind: 'refused', rule: 'connect', reason: 'There is no such instance.' };
    }
    const path = `${this.#base()}/${encodeURIComponent(address.id)}/tables/${encodeURIComponent(table)}/rows`;
    const rows = await this.api('GET', path);
    const before = (rows.status === 200 ? rows.body[row] : undefined) as Row | undefined;
    if (cells === undefined) {
      if (before === undefined)
        return { kind: 'unchanged', reason: `nothing to change: there is no row ${table} › ${row}` };
      const answer = await this.api('DELETE', `${path}/${encodeURIComponent(row)}`);
      return answer.status === 200
        ? { kind: 'accepted' }
        : { kind: 'error', reason: String(answer.body.error ?? answer.status) };
    }
    if (before !== undefined && Object.entries(cells).every(([cell, value]) => before[cell] === value)) {
      return { kind: 'unchanged', reason: `nothing to change: ${table} › ${row} already holds these values` };
    }
    const answer = await this.api('PUT', `${path}/${encodeURIComponent(row)}`, {
      body: { ...before, ...cells },
    });
    if (answer.status === 200) return { kind: 'accepted' };
    const reason = String(answer.body.error ?? answer.status);
    if (answer.status === 400) return { kind: 'refused', rule: 'schema', reason };
    if (answer.status === 404) return { kind: 'refused', rule: 'unknownTable', reason };
    return { kind: 'error', reason };
  }

  async #instanceCall(
    rule: 'createInstance' | 'join' | 'members',
    userId: string,
    path: string | undefined,
    body?: unknown,
  ): Promise<StepOutcome & { id?: string }> {
    if (path === undefined) {
      return {
        kind: 'refused',
        rule,
        reason: 'There is no such instance: its createInstance step did not succeed.',
      };
    }
    const answer = await this.api('POST', path, { token: await this.#token(userId), body: body ?? {} });
    if (answer.status === 200 || answer.status === 201) {
      return { kind: 'accepted', ...(typeof answer.body.id === 'string' ? { id: answer.body.id } : {}) };
    }
    const reason = String(answer.body.error ?? `refused with ${answer.status}`);
    return { kind: 'refused', rule: answer.status === 409 ? 'limit' : rule, reason };
  }

  async run(step: ScenarioStep): Promise<StepOutcome> {
    const userId = step.as ?? '';
    const name = 'instance' in step ? step.instance : undefined;
    if ('set' in step || 'delete' in step) {
      const [table, row] = 'set' in step ? step.set : step.delete;
      const cells = 'set' in step ? step.set[2] : undefined;
      return step.server === true
        ? this.#serverWrite(step, table, row, cells)
        : this.#write(step, table, row, cells);
    }
    if ('sees' in step) {
      const [table, row] = step.sees;
      const client = await this.#client(userId, name);
      if ('refused' in client) return { kind: 'seen', cells: null };
      await this.#catchUp(client, userId, name);
      const cells = client.store.hasRow(table, row) ? { ...(client.store.getRow(table, row) as Row) } : null;
      return { kind: 'seen', cells };
    }
    if ('connect' in step) {
      const access = await this.#mayOpen(userId, name);
      return { kind: 'connect', ...access };
    }
    if ('createInstance' in step) {
      const outcome = await this.#instanceCall('createInstance', userId, this.#base());
      if (outcome.kind === 'accepted' && outcome.id !== undefined)
        this.#names.set(step.createInstance, outcome.id);
      return outcome.kind === 'accepted' ? { kind: 'accepted' } : outcome;
    }
    if ('join' in step) {
      const id = this.#names.get(step.join);
      return this.#instanceCall('join', userId, id === undefined ? undefined : `${this.#base()}/${id}/join`);
    }
    const id = this.#names.get(step.instance);
    return this.#instanceCall(
      'members',
      userId,
      id === undefined ? undefined : `${this.#base()}/${id}/members`,
      {
        userId: step.invite,
      },
    );
  }

  async close(): Promise<void> {
    for (const client of this.#clients.values()) {
      await client.synchronizer.destroy();
      client.socket.close();
    }
    this.#clients.clear();
  }
}

/**
 * Runs every scenario of a valid config live: per scenario a scratch app is deployed with the config, each step
 * runs with real clients once that person's client has caught up, and the scratch app is deleted afterwards
 * (also when a step throws or the run is stopped).
 */
export const runLiveTests = async (config: AppConfig, options: LiveRunOptions): Promise<ScenarioResult[]> => {
  const results: ScenarioResult[] = [];
  const scenarios = config.tests ?? [];
  for (const [index, scenario] of scenarios.entries()) {
    if (options.signal?.aborted) break;
    const app = scratchAppId();
    options.onScratchApp?.(app, 'created');
    const live = new LiveScenario(options, app, config, scenario);
    try {
      const deployed = await live.api('PUT', `/api/apps/${app}/config`, { body: config });
      if (deployed.status !== 200) {
        throw new Error(
          `The runtime refused the config (${deployed.status}): ${JSON.stringify(deployed.body)}`,
        );
      }
      const steps = [];
      for (const [stepIndex, step] of scenario.steps.entries()) {
        if (options.signal?.aborted) break;
        steps.push(stepResult(step, stepIndex + 1, await live.run(step)));
      }
      const result = scenarioResult(scenario, index, steps);
      results.push(result);
      options.onScenario?.(result);
    } finally {
      await live.close();
      await live.api('DELETE', `/api/apps/${app}`).catch(() => undefined);
      options.onScratchApp?.(app, 'deleted');
    }
  }
  return results;
};
