// Runs a config's scenarios in process from empty instances each time, judged by the very functions the runtime
// calls: the access decisions (address, connect, create, join, manage) and the write judgement.
import type { AppConfig, CellValue, Row, RuleKind } from './config-types.ts';
import { type CompiledDatastore, type CompiledTable, compileConfig } from './compile-config.ts';
import { addressInstance, mayConnect, mayCreateInstance, mayJoin, mayManage } from './access-decisions.ts';
import { instanceFacts, type RuleInstance, type RuleUser, userFromClaims } from './rule-context.ts';
import { judgeWrite } from './write-judgement.ts';
import type { RuleVerdict } from './rule-compiler.ts';
import { applyDefaults, validateRow } from './row-validation.ts';
import { autoCellsForPut } from './auto-fields.ts';
import type { RefusalRule, Scenario, ScenarioStep } from './scenario-types.ts';
import {
  type ScenarioResult,
  scenarioResult,
  scenarioUser,
  type StepOutcome,
  stepResult,
  type StepResult,
} from './scenario-outcome.ts';
import { RULE_WORDS } from './scenario-words.ts';
import { ownEntry } from './own-key.ts';
import { toPointer } from './problems.ts';

/** For one rule: whether some step made it allow and some step made it deny. */
export interface RuleCoverage {
  /** The rule's JSON Pointer in the config. */
  path: string;
  datastore: string;
  table?: string;
  rule: RuleKind;
  /** The rule in words: "who can delete rows in notes". */
  label: string;
  allowed: boolean;
  denied: boolean;
}

/** Every scenario's result and the rule coverage of the whole run. */
export interface TestRun {
  scenarios: ScenarioResult[];
  passed: number;
  failed: number;
  coverage: RuleCoverage[];
}

interface InstanceState {
  id: string;
  owner: string;
  members: string[];
  tables: Map<string, Map<string, Row>>;
}

/** The tally of rule verdicts, keyed by the rule's pointer. */
type Tally = Map<string, { allowed: boolean; denied: boolean }>;

const count = (tally: Tally, path: string, allowed: boolean): void => {
  const entry = tally.get(path) ?? { allowed: false, denied: false };
  if (allowed) entry.allowed = true;
  else entry.denied = true;
  tally.set(path, entry);
};

/** A compiled datastore whose rules also tally each verdict, so coverage sees exactly the judgements that ran. */
const tallied = (datastore: CompiledDatastore, tally: Tally): CompiledDatastore => {
  const path = (...segments: string[]) => toPointer(['datastores', datastore.id, ...segments]);
  const counted =
    (rule: 'connect' | 'createInstance' | 'join', run: CompiledDatastore['connect']) =>
    (context: Parameters<CompiledDatastore['connect']>[0]): RuleVerdict => {
      const verdict = run(context);
      count(tally, path(rule), verdict.allowed);
      return verdict;
    };
  const tables: Record<string, CompiledTable> = {};
  for (const [id, table] of Object.entries(datastore.tables)) {
    tables[id] = {
      ...table,
      judge: (kind, context) => {
        const verdict = table.judge(kind, context);
        count(tally, path('tables', id, 'rules', kind), verdict.allowed);
        return verdict;
      },
    };
  }
  return {
    ...datastore,
    tables,
    connect: counted('connect', datastore.connect),
    createInstance: counted('createInstance', datastore.createInstance),
    join: counted('join', datastore.join),
  };
};

/** The sync address a person's client would use for a datastore of this kind. */
const SYNC_PARAMS: Record<string, string> = { single: 'main', perUser: 'me', perTenant: 'tenant' };

/** One scenario's world: its instances (by id), the names steps gave them; judged by schema's own decisions. */
class ScenarioWorld {
  readonly #instances = new Map<string, InstanceState>();
  readonly #names = new Map<string, string>();
  #created = 0;

  constructor(
    readonly datastore: CompiledDatastore,
    readonly scenario: Scenario,
  ) {}

  #instance(id: string, owner = '', members: string[] = []): InstanceState {
    let instance = this.#instances.get(id);
    if (!instance) {
      instance = { id, owner, members, tables: new Map() };
      this.#instances.set(id, instance);
    }
    return instance;
  }

  /** The instance a step acts on, or why there is none; `data` addresses it as the server data API does. */
  #resolve(
    user: RuleUser | undefined,
    name: string | undefined,
    purpose: 'connect' | 'data',
  ): InstanceState | { refused: string } {
    const kind = this.datastore.config.instances;
    if (kind === 'multi') {
      const id = name === undefined ? undefined : this.#names.get(name);
      const instance = id === undefined ? undefined : this.#instances.get(id);
      return (
        instance ?? {
          refused: `There is no instance "${name ?? ''}": its createInstance step did not succeed.`,
        }
      );
    }
    const param =
      purpose === 'connect'
        ? (SYNC_PARAMS[kind] ?? 'main')
        : kind === 'perUser'
          ? (user?.id ?? '')
          : kind === 'perTenant'
            ? (user?.tenant ?? '')
            : 'main';
    const address = addressInstance(kind, param, user, purpose);
    if (!('key' in address)) return { refused: address.reason };
    return kind === 'perUser'
      ? this.#instance(address.key, address.key, [address.key])
      : this.#instance(address.key);
  }

  #facts(instance: InstanceState): RuleInstance {
    return instanceFacts(this.datastore.config.instances, instance.id, instance);
  }

  /** Whether the person may open the instance, as the runtime decides it (connect rule and membership). */
  #open(user: RuleUser | undefined, name: string | undefined): InstanceState | { refused: string } {
    const instance = this.#resolve(user, name, 'connect');
    if (!('id' in instance)) return instance;
    const decision = mayConnect(this.datastore, user, this.#facts(instance), Date.now());
    return decision.allowed ? instance : { refused: decision.reason };
  }

  /** The person's copy of a row: what the server holds where they may see (who can see rows too), nothing else. */
  #copy(user: RuleUser | undefined, instance: InstanceState, table: string, row: string): Row | undefined {
    const config = ownEntry(this.datastore.tables, table);
    if (config === undefined || config.serverOnly) return undefined;
    const stored = instance.tables.get(table)?.get(row);
    if (stored === undefined) return undefined;
    return config.mayRead(user ?? userFromClaims({}), this.#facts(instance), stored) ? stored : undefined;
  }

  #store(instance: InstanceState, table: string, row: string, cells: Row | undefined): void {
    let rows = instance.tables.get(table);
    if (!rows) instance.tables.set(table, (rows = new Map()));
    if (cells === undefined) rows.delete(row);
    else rows.set(row, cells);
  }

  #write(
    user: RuleUser | undefined,
    name: string | undefined,
    table: string,
    row: string,
    cells: Record<string, CellValue> | undefined,
  ): StepOutcome {
    const instance = this.#open(user, name);
    if (!('id' in instance)) return { kind: 'refused', rule: 'connect', reason: instance.refused };
    const copy = this.#copy(user, instance, table, row);
    const incoming: Record<string, CellValue | undefined> = {};
    if (cells === undefined) {
      if (copy === undefined)
        return { kind: 'unchanged', reason: `nothing to change: their copy has no row ${table} › ${row}` };
      for (const cell of Object.keys(copy)) incoming[cell] = undefined;
    } else {
      for (const [cell, value] of Object.entries(cells)) if (copy?.[cell] !== value) incoming[cell] = value;
      if (Object.keys(incoming).length === 0) {
        return {
          kind: 'unchanged',
          reason: `nothing to change: ${table} › ${row} already holds these values`,
        };
      }
    }
    const before = instance.tables.get(table)?.get(row);
    const writer = user ?? userFromClaims({});
    const now = Date.now();
    const verdict = judgeWrite(this.datastore, table, before, incoming, {
      user: writer,
      instance: this.#facts(instance),
      now,
      roomForNewRows: true,
    });
    if (!verdict.allowed)
      return { kind: 'refused', rule: verdict.rule as RefusalRule, reason: verdict.reason };
    // A change to `auto` fields only is not judged: the server writes nothing and the sender gets its cells back.
    if (verdict.autoOnly) return { kind: 'accepted' };
    if (verdict.operation === 'delete') this.#store(instance, table, row, undefined);
    else {
      const merged: Row = { ...before, ...verdict.defaults };
      for (const [cell, value] of Object.entries({ ...incoming, ...verdict.auto })) {
        if (value === undefined) delete merged[cell];
        else merged[cell] = value;
      }
      this.#store(instance, table, row, merged);
    }
    return { kind: 'accepted' };
  }

  #serverWrite(
    user: RuleUser | undefined,
    name: string | undefined,
    table: string,
    row: string,
    cells: Record<string, CellValue> | undefined,
  ): StepOutcome {
    const instance = this.#resolve(user, name, 'data');
    if (!('id' in instance)) return { kind: 'refused', rule: 'connect', reason: instance.refused };
    const compiled = ownEntry(this.datastore.tables, table);
    if (compiled === undefined)
      return {
        kind: 'refused',
        rule: 'unknownTable',
        reason: `There is no table "${table}" in this datastore.`,
      };
    const before = instance.tables.get(table)?.get(row);
    if (cells === undefined) {
      if (before === undefined)
        return { kind: 'unchanged', reason: `nothing to change: there is no row ${table} › ${row}` };
      this.#store(instance, table, row, undefined);
      return { kind: 'accepted' };
    }
    if (before !== undefined && Object.entries(cells).every(([cell, value]) => before[cell] === value)) {
      return { kind: 'unchanged', reason: `nothing to change: ${table} › ${row} already holds these values` };
    }
    const merged = applyDefaults(compiled.config, {
      ...before,
      ...cells,
      ...autoCellsForPut(compiled.config, before, { ...before, ...cells }, Date.now()),
    });
    const problems = validateRow(compiled.config, merged);
    if (problems.length > 0)
      return {
        kind: 'refused',
        rule: 'schema',
        reason: problems.map((problem) => problem.message).join(' '),
      };
    this.#store(instance, table, row, merged);
    return { kind: 'accepted' };
  }

  #createInstance(user: RuleUser | undefined, name: string): StepOutcome {
    const decision = mayCreateInstance(
      this.datastore,
      { admin: false, ...(user ? { user } : {}) },
      Date.now(),
    );
    if (!decision.allowed) return { kind: 'refused', rule: 'createInstance', reason: decision.reason };
    const owner = user?.id ?? '';
    const max = this.datastore.config.maxInstancesPerUser;
    if (
      max !== undefined &&
      [...this.#instances.values()].filter((instance) => instance.owner === owner).length >= max
    ) {
      return {
        kind: 'refused',
        rule: 'limit',
        reason: `Each user may have at most ${max} instances of "${this.datastore.id}".`,
      };
    }
    this.#created += 1;
    const id = `instance-${this.#created}`;
    this.#instance(id, owner, [owner]);
    this.#names.set(name, id);
    return { kind: 'accepted' };
  }

  #join(user: RuleUser | undefined, name: string): StepOutcome {
    const instance = this.#resolve(user, name, 'connect');
    if (!('id' in instance)) return { kind: 'refused', rule: 'join', reason: instance.refused };
    const decision = mayJoin(this.datastore, user, this.#facts(instance), Date.now());
    if (!decision.allowed) return { kind: 'refused', rule: 'join', reason: decision.reason };
    if (user && !instance.members.includes(user.id)) instance.members.push(user.id);
    return { kind: 'accepted' };
  }

  #invite(user: RuleUser | undefined, name: string, invitee: string): StepOutcome {
    const instance = this.#resolve(user, name, 'connect');
    if (!('id' in instance)) return { kind: 'refused', rule: 'members', reason: instance.refused };
    const decision = mayManage(
      { kind: 'addMember' },
      { admin: false, ...(user ? { user } : {}) },
      instance.owner,
    );
    if (!decision.allowed) return { kind: 'refused', rule: 'members', reason: decision.reason };
    if (!instance.members.includes(invitee)) instance.members.push(invitee);
    return { kind: 'accepted' };
  }

  /** Runs one step and says what happened. */
  run(step: ScenarioStep): StepOutcome {
    const user = step.as === undefined || step.as === '' ? undefined : scenarioUser(this.scenario, step.as);
    const name = 'instance' in step ? step.instance : undefined;
    if ('set' in step || 'delete' in step) {
      const [table, row] = 'set' in step ? step.set : step.delete;
      const cells = 'set' in step ? step.set[2] : undefined;
      return step.server === true
        ? this.#serverWrite(user, name, table, row, cells)
        : this.#write(user, name, table, row, cells);
    }
    if ('sees' in step) {
      const [table, row] = step.sees;
      const instance = this.#open(user, name);
      const copy = 'id' in instance ? this.#copy(user, instance, table, row) : undefined;
      return { kind: 'seen', cells: copy === undefined ? null : { ...copy } };
    }
    if ('connect' in step) {
      const instance = this.#open(user, name);
      return 'id' in instance
        ? { kind: 'connect', allowed: true, reason: '' }
        : { kind: 'connect', allowed: false, reason: instance.refused };
    }
    if ('createInstance' in step) return this.#createInstance(user, step.createInstance);
    if ('join' in step) return this.#join(user, step.join);
    return this.#invite(user, step.instance, step.invite);
  }
}

/** Every rule the runs can reach, with its words; rules that never take effect (read-only, server-only) are left out. */
const coverageEntries = (
  datastores: Record<string, CompiledDatastore>,
): Omit<RuleCoverage, 'allowed' | 'denied'>[] => {
  const entries: Omit<RuleCoverage, 'allowed' | 'denied'>[] = [];
  for (const [datastore, compiled] of Object.entries(datastores)) {
    const instanceRules: Array<'connect' | 'createInstance' | 'join'> =
      compiled.config.instances === 'multi' ? ['connect', 'createInstance', 'join'] : ['connect'];
    for (const rule of instanceRules) {
      entries.push({
        path: toPointer(['datastores', datastore, rule]),
        datastore,
        rule,
        label: `${RULE_WORDS[rule]} (${datastore})`,
      });
    }
    if (compiled.config.sync === 'serverToClient') continue;
    for (const [table, tableConfig] of Object.entries(compiled.config.tables)) {
      if (tableConfig.serverOnly === true) continue;
      for (const rule of ['create', 'update', 'delete'] as const) {
        if (tableConfig.rules?.[rule] === undefined) continue;
        entries.push({
          path: toPointer(['datastores', datastore, 'tables', table, 'rules', rule]),
          datastore,
          table,
          rule,
          label: `${RULE_WORDS[rule]} in ${table}`,
        });
      }
    }
  }
  return entries;
};

/** Runs one scenario from empty instances (a valid config's datastores, compiled). */
const runScenario = (
  datastores: Record<string, CompiledDatastore>,
  scenario: Scenario,
  index: number,
  tally: Tally,
): ScenarioResult => {
  const datastore = ownEntry(datastores, scenario.datastore);
  if (datastore === undefined) return scenarioResult(scenario, index, []);
  const world = new ScenarioWorld(tallied(datastore, tally), scenario);
  const steps: StepResult[] = scenario.steps.map((step, stepIndex) =>
    stepResult(step, stepIndex + 1, world.run(step)),
  );
  return scenarioResult(scenario, index, steps);
};

/**
 * Runs every scenario of a valid config's `tests` in process (see validateConfig): each from empty instances,
 * each step judged as the runtime judges it. Answers per scenario and step what happened, and the rule coverage.
 */
export const runTests = (config: AppConfig): TestRun => {
  const { datastores } = compileConfig(config);
  const tally: Tally = new Map();
  const scenarios = (config.tests ?? []).map((scenario, index) =>
    runScenario(datastores, scenario, index, tally),
  );
  const coverage = coverageEntries(datastores).map((entry) => ({
    ...entry,
    allowed: tally.get(entry.path)?.allowed ?? false,
    denied: tally.get(entry.path)?.denied ?? false,
  }));
  const passed = scenarios.filter((scenario) => scenario.passed).length;
  return { scenarios, passed, failed: scenarios.length - passed, coverage };
};

/** A rule's coverage in words: "who can delete rows in notes: never tested refusing"; '' when fully covered. */
export const coverageGap = (entry: RuleCoverage): string =>
  entry.allowed && entry.denied
    ? ''
    : `${entry.label}: ${!entry.allowed && !entry.denied ? 'never tested' : entry.allowed ? 'never tested refusing' : 'never tested allowing'}`;
