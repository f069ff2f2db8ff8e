// Who can see rows on the runtime: which deployed `read` rules the sync hub can keep to, and the refusal for the rest.
import type { AppConfig, ConfigProblem } from '@datastore-designer/schema';
import { toPointer } from '@datastore-designer/schema';

/** The words of the refusal: what cannot be deployed, why, and what to do instead. */
export const READ_RULE_NOT_ENFORCED =
  'Who can see rows (the read rule) cannot be deployed to this runtime yet: it would not keep the rows hidden, so everyone who may open the instance would still see them. Remove the read rule, or keep those rows in a datastore whose instances only the right people open (perUser, perTenant or multi).';

/**
 * The read rules of a config the runtime cannot keep to, each as a problem at its pointer: a table with one is
 * refused at deploy, never deployed to leak.
 */
export const unenforcedReadRules = (config: AppConfig): ConfigProblem[] => {
  const problems: ConfigProblem[] = [];
  for (const [datastoreId, datastore] of Object.entries(config.datastores)) {
    for (const [tableId, table] of Object.entries(datastore.tables)) {
      if (table.rules?.read === undefined || table.serverOnly === true) continue;
      problems.push({
        path: toPointer(['datastores', datastoreId, 'tables', tableId, 'rules', 'read']),
        code: 'read_not_enforced',
        message: READ_RULE_NOT_ENFORCED,
      });
    }
  }
  return problems;
};
