// The cost of who can see rows: propagation through a datastore whose table is decided row by row (every
// receiving socket checks each row) against the same datastore without a read rule, in one run, as ratios.
import type { AppConfig, TableConfig } from '@datastore-designer/schema';

/** The datastores measured: alike but for the read rule. Everyone sees the rows of `a` (the writer) and their own. */
export const readRuleDatastores = (): AppConfig['datastores'] => {
  const table = (read: string | undefined): TableConfig => ({
    fields: {
      v: { type: 'number', required: true },
      by: { type: 'string', required: true },
      owner: { type: 'string', auto: 'creator' },
    },
    rules: {
      create: 'newRow.by == user.id',
      update: 'row.by == user.id',
      delete: 'row.by == user.id',
      ...(read === undefined ? {} : { read }),
    },
  });
  return {
    rowsRead: {
      instances: 'single',
      sync: 'twoWay',
      tables: { cells: table("row.owner == user.id || row.owner == 'a'") },
    },
    rowsOpen: { instances: 'single', sync: 'twoWay', tables: { cells: table(undefined) } },
  };
};

/** The client counts the read rule is measured at. */
export const READ_RULE_CLIENTS = [20, 100];

interface Propagation {
  p50: number;
  p99: number;
  samples: number;
}

/** The main bench's own measures, handed in: both alternate between the two sides in blocks. */
export interface ReadRuleMeasures {
  propagation(withRule: string[], without: string[]): Promise<{ ours: Propagation; bare: Propagation }>;
  /** Accepted writes per second of a burst of `count` new rows of `cells` from A to B. */
  throughput(withRule: [string, string], without: [string, string]): Promise<{ ours: number; bare: number }>;
}

/**
 * Measures A→B and accepted writes with and without the read rule (at each client count for A→B) and adds a
 * row per measure to the table.
 */
export const measureReadRules = async (
  urls: (datastore: string, count: number) => string[],
  measures: ReadRuleMeasures,
  rows: string[][],
  verdict: (ok: boolean) => string,
): Promise<Record<string, unknown>> => {
  const report: Record<string, unknown> = {};
  const [readA = '', readB = ''] = urls('rowsRead', 2);
  const [openA = '', openB = ''] = urls('rowsOpen', 2);
  const rates = await measures.throughput([readA, readB], [openA, openB]);
  report.throughput = { withRule: rates.ours, without: rates.bare, ratio: rates.ours / rates.bare };
  rows.push([
    'accepted writes per second with a per-row read rule (vs none)',
    rates.ours.toFixed(0),
    `no rule ${rates.bare.toFixed(0)}`,
    `${(rates.ours / rates.bare).toFixed(2)}×`,
    `≥ 0.77× ${verdict(rates.ours / rates.bare >= 1 / 1.3)}`,
  ]);
  for (const count of READ_RULE_CLIENTS) {
    console.log(`propagation with a per-row read rule, ${count} clients`);
    const { ours, bare } = await measures.propagation(urls('rowsRead', count), urls('rowsOpen', count));
    const p50 = ours.p50 / bare.p50;
    report[String(count)] = { withRule: ours, without: bare, p50, p99: ours.p99 / bare.p99 };
    console.log(JSON.stringify(report[String(count)]));
    rows.push([
      `A→B with a per-row read rule, ${count} clients, p50 (vs none)`,
      `${ours.p50.toFixed(2)} ms`,
      `no rule ${bare.p50.toFixed(2)} ms`,
      `${p50.toFixed(2)}×`,
      `≤ 1.3× ${verdict(p50 <= 1.3)}`,
    ]);
  }
  return report;
};
