// Records what the simulated people do in the preview as a test scenario: each change with its outcome, each check.
import {
  REFUSAL_RULES,
  type CellValue,
  type RefusalRule,
  type Row,
  type Scenario,
  type ScenarioPerson,
  type ScenarioStep,
  type StepExpectation,
  type TableConfig,
} from '@datastore-designer/schema';
import type { MergeableStore } from 'tinybase';
import type { SimulatedUser } from './simulated-users.ts';

/** How a recorded change ended: accepted, refused (with the rule kind when the answer named one), or unanswered. */
export type RecordedOutcome =
  { kind: 'accepted' } | { kind: 'refused'; rule?: string } | { kind: 'unanswered'; reason: string };

/** One recorded step, with whether its outcome is still awaited. */
export interface RecordedStep {
  step: ScenarioStep;
  pending: boolean;
}

/** What the record bar shows: idle, or recording a datastore with the steps so far and the notes of left-out ones. */
export interface RecorderSnapshot {
  recording: boolean;
  datastore: string;
  steps: readonly RecordedStep[];
  /** Why some actions did not become steps, in plain words. */
  notes: readonly string[];
}

/** A person's client as the recorder reads it for "what they see": their store and the instance it holds. */
interface Attached {
  user: SimulatedUser;
  store: MergeableStore | undefined;
  instance: string | undefined;
}

/** The expectation a recorded outcome gives the step. */
export const expectationFor = (outcome: RecordedOutcome): StepExpectation | undefined => {
  if (outcome.kind === 'accepted') return 'accepted';
  if (outcome.kind === 'unanswered') return undefined;
  return REFUSAL_RULES.includes(outcome.rule as RefusalRule)
    ? { refused: outcome.rule as RefusalRule }
    : 'refused';
};

/** The cells of a copy a `sees` step asks for: server-written times compare by value, so only those named so stay. */
export const seenCells = (row: Row, table: TableConfig | undefined): Record<string, CellValue> => {
  const cells: Record<string, CellValue> = {};
  for (const [cell, value] of Object.entries(row)) {
    const auto = table?.fields[cell]?.auto;
    const time = auto === 'createdAt' || auto === 'updatedAt';
    if (time && cell !== 'createdAt' && cell !== 'updatedAt') continue;
    cells[cell] = value;
  }
  return cells;
};

/** The recorder of one preview pane: steps in the order people acted, outcomes filled in as the server answers. */
export class ScenarioRecorder {
  #snapshot: RecorderSnapshot = { recording: false, datastore: '', steps: [], notes: [] };
  readonly #listeners = new Set<() => void>();
  readonly #people = new Map<string, ScenarioPerson>();
  readonly #spaceNames = new Map<string, string>();
  readonly #attached = new Map<string, Attached>();
  readonly #waiting = new Set<Promise<void>>();
  #tables: Record<string, TableConfig> = {};
  #multi = false;

  /** Subscribes to changes (for useSyncExternalStore). */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The current state, a new object after each change. */
  readonly getSnapshot = (): RecorderSnapshot => this.#snapshot;

  /** Whether steps are being recorded now. */
  get recording(): boolean {
    return this.#snapshot.recording;
  }

  #set(next: Partial<RecorderSnapshot>): void {
    this.#snapshot = { ...this.#snapshot, ...next };
    for (const listener of this.#listeners) listener();
  }

  /** Starts a new recording on a datastore (its instances must be empty: a scenario starts from nothing). */
  start(datastore: string, tables: Record<string, TableConfig>, multi: boolean): void {
    this.#people.clear();
    this.#spaceNames.clear();
    this.#waiting.clear();
    this.#tables = tables;
    this.#multi = multi;
    this.#set({ recording: true, datastore, steps: [], notes: [] });
  }

  /** Stops recording and forgets the steps. */
  discard(): void {
    this.#set({ recording: false, steps: [], notes: [] });
  }

  /** Tells the recorder which copy a person holds now, so "what they see" can be read from it. */
  attach(user: SimulatedUser, store: MergeableStore | undefined, instance: string | undefined): () => void {
    const entry: Attached = { user, store, instance };
    this.#attached.set(user.key, entry);
    return () => {
      if (this.#attached.get(user.key) === entry) this.#attached.delete(user.key);
    };
  }

  /** The people whose copy of an instance can be checked: those who hold that instance now. */
  checkable(instance: string | undefined): SimulatedUser[] {
    return [...this.#attached.values()]
      .filter((entry) => entry.instance !== undefined && entry.instance === instance)
      .map((entry) => entry.user);
  }

  /** Gives a multi instance (by its id) the name recorded steps call it by. */
  nameSpace(id: string, name: string): void {
    this.#spaceNames.set(id, name);
  }

  /** The name recorded steps call a multi instance by; undefined for one created before recording began. */
  spaceName(id: string | undefined): string | undefined {
    return id === undefined ? undefined : this.#spaceNames.get(id);
  }

  #meet(user: SimulatedUser): void {
    if (this.#people.has(user.sub)) return;
    this.#people.set(user.sub, {
      ...(user.roles.length > 0 ? { roles: [...user.roles] } : {}),
      ...(user.tenant !== '' ? { tenant: user.tenant } : {}),
    });
  }

  #note(note: string): void {
    this.#set({ notes: [...this.#snapshot.notes, note] });
  }

  /** The `instance` a step on a multi instance names, or a note and undefined when it has no name. */
  #instanceOf(instance: string | undefined): { instance?: string } | undefined {
    if (!this.#multi) return {};
    const name = this.spaceName(instance);
    if (name === undefined) {
      this.#note('A change in a space created before the recording began was left out.');
      return undefined;
    }
    return { instance: name };
  }

  /**
   * Adds a step whose outcome the server gives later, and follows `outcome` to fill in what it expects; a step the
   * server never answered is left out, with a note.
   */
  #follow(user: SimulatedUser, step: ScenarioStep, outcome: Promise<RecordedOutcome>): void {
    if (!this.recording) return;
    this.#meet(user);
    const recorded: RecordedStep = { step, pending: true };
    this.#set({ steps: [...this.#snapshot.steps, recorded] });
    const settled = outcome
      .catch((error: unknown): RecordedOutcome => ({ kind: 'unanswered', reason: String(error) }))
      .then((result) => {
        this.#waiting.delete(settled);
        if (!this.recording || !this.#snapshot.steps.includes(recorded)) return;
        const expect = expectationFor(result);
        const steps = this.#snapshot.steps.flatMap((other) =>
          other !== recorded
            ? [other]
            : expect === undefined
              ? []
              : [{ step: { ...other.step, expect } as ScenarioStep, pending: false }],
        );
        this.#set({ steps });
        if (result.kind === 'unanswered') this.#note(`A change was left out: ${result.reason}`);
      });
    this.#waiting.add(settled);
  }

  /** Records a person's change from the grid (undefined cells, a cleared cell, cannot be said in a step). */
  recordWrite(
    user: SimulatedUser,
    instance: string | undefined,
    write: {
      kind: 'set' | 'delete';
      table: string;
      row: string;
      cells: Record<string, CellValue | undefined>;
    },
    outcome: Promise<RecordedOutcome>,
  ): void {
    if (!this.recording) return;
    const where = this.#instanceOf(instance);
    if (where === undefined) return;
    if (write.kind === 'delete') {
      this.#follow(user, { as: user.sub, ...where, delete: [write.table, write.row] }, outcome);
      return;
    }
    const cells = Object.fromEntries(
      Object.entries(write.cells).filter((entry): entry is [string, CellValue] => entry[1] !== undefined),
    );
    if (Object.keys(cells).length === 0) {
      this.#note(
        `Emptying a cell of ${write.table} › ${write.row} cannot be a step yet, so it was left out.`,
      );
      return;
    }
    this.#follow(user, { as: user.sub, ...where, set: [write.table, write.row, cells] }, outcome);
  }

  /** Records a write through the server data API, made on behalf of a person's instance. */
  recordServerWrite(
    user: SimulatedUser,
    instance: string | undefined,
    write: { table: string; row: string; cells: Record<string, CellValue> },
    outcome: Promise<RecordedOutcome>,
  ): void {
    if (!this.recording) return;
    const where = this.#instanceOf(instance);
    if (where === undefined) return;
    this.#follow(
      user,
      { server: true, as: user.sub, ...where, set: [write.table, write.row, write.cells] },
      outcome,
    );
  }

  /** Records creating a multi instance under a name later steps use. */
  recordCreateInstance(user: SimulatedUser, name: string, outcome: Promise<RecordedOutcome>): void {
    this.#follow(user, { as: user.sub, createInstance: name }, outcome);
  }

  /** Records a person joining a multi instance. */
  recordJoin(user: SimulatedUser, instance: string, outcome: Promise<RecordedOutcome>): void {
    const name = this.spaceName(instance);
    if (name === undefined) {
      if (this.recording) this.#note('Joining a space created before the recording began was left out.');
      return;
    }
    this.#follow(user, { as: user.sub, join: name }, outcome);
  }

  /** Records a person adding a member to a multi instance. */
  recordInvite(
    user: SimulatedUser,
    instance: string,
    invitee: SimulatedUser,
    outcome: Promise<RecordedOutcome>,
  ): void {
    const name = this.spaceName(instance);
    if (name === undefined) {
      if (this.recording)
        this.#note('An invitation to a space created before the recording began was left out.');
      return;
    }
    this.#meet(invitee);
    this.#follow(user, { as: user.sub, invite: invitee.sub, instance: name }, outcome);
  }

  /** Adds a `sees` step from the person's current copy of a row (null when their copy has no such row). */
  recordSees(personKey: string, instance: string | undefined, table: string, row: string): void {
    const person = this.#attached.get(personKey);
    if (!this.recording || !person || person.instance !== instance) return;
    const where = this.#instanceOf(instance);
    if (where === undefined) return;
    this.#meet(person.user);
    const store = person.store;
    const cells =
      store && store.hasRow(table, row)
        ? seenCells(store.getRow(table, row) as Row, this.#tables[table])
        : null;
    const step: ScenarioStep = { as: person.user.sub, ...where, sees: [table, row, cells] };
    this.#set({ steps: [...this.#snapshot.steps, { step, pending: false }] });
  }

  /** Waits for the server's answer to every recorded change. */
  async settled(): Promise<void> {
    while (this.#waiting.size > 0) await Promise.all([...this.#waiting]);
  }

  /** Ends the recording: the scenario under `name`, or undefined when no step was recorded. */
  async finish(name: string): Promise<Scenario | undefined> {
    await this.settled();
    const { datastore, steps } = this.#snapshot;
    const people = Object.fromEntries(
      [...this.#people].filter(([sub, person]) => sub !== '' && Object.keys(person).length > 0),
    );
    this.#set({ recording: false, steps: [], notes: [] });
    if (steps.length === 0) return undefined;
    return {
      name,
      datastore,
      ...(Object.keys(people).length > 0 ? { people } : {}),
      steps: steps.map((recorded) => recorded.step),
    };
  }
}
