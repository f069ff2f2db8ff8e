// Under "who can see rows": why the row-by-row choices cannot be picked yet, and a "Created by" field to add
// when there is none, so the table is ready for them.
import { useDesigner } from '../model/useDesigner.ts';

/** The field id a new "Created by" field gets: `createdBy`, or `createdBy2`… when that one is taken. */
const freeCreatorId = (taken: readonly string[]): string => {
  let id = 'createdBy';
  for (let n = 2; taken.includes(id); n++) id = `createdBy${n}`;
  return id;
};

/** Says in plain words what the runtime can hide today, and offers to add a "Created by" field. */
export const ReadRuleNote = ({ table }: { table: string }) => {
  const datastore = useDesigner((s) => s.datastore);
  const config = useDesigner((s) => s.config.datastores[s.datastore]?.tables[table]);
  const change = useDesigner((s) => s.change);
  if (!config) return null;
  const read = config.rules?.read;
  const looksAtRow = read !== undefined && /\brow\./.test(read);
  const hasCreator = Object.values(config.fields).some((field) => field.auto === 'creator');
  return (
    <div className="note" data-testid="read-rule-note">
      {looksAtRow ? (
        <p>
          This rule looks at each row, and this runtime cannot hide single rows yet: a deploy with it is
          refused. Choose a rule about the person (a role, or nobody) to deploy now, or keep these rows in
          instances only the right people open (one per user or per organisation).
        </p>
      ) : (
        <p>
          Hiding single rows (“only the person who created the row”) is not possible with this runtime yet;
          for now a table is seen whole or not at all by each person.
        </p>
      )}
      {!hasCreator && (
        <p>
          Those row-by-row choices need a <em>Created by</em> field, which the server fills with whoever adds
          the row.{' '}
          <button
            type="button"
            className="ghost"
            onClick={() =>
              change((draft) => {
                const target = draft.datastores[datastore]?.tables[table];
                if (!target) return;
                target.fields[freeCreatorId(Object.keys(target.fields))] = {
                  type: 'string',
                  auto: 'creator',
                };
              })
            }
          >
            Add a “Created by” field
          </button>
        </p>
      )}
    </div>
  );
};
