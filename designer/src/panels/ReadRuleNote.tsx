// Under "who can see rows": when the table has no "Created by" field, why the row-by-row choices wait for one,
// and a button that adds it.
import { useDesigner } from '../model/useDesigner.ts';

/** The field id a new "Created by" field gets: `createdBy`, or `createdBy2`… when that one is taken. */
const freeCreatorId = (taken: readonly string[]): string => {
  let id = 'createdBy';
  for (let n = 2; taken.includes(id); n++) id = `createdBy${n}`;
  return id;
};

/** Offers to add a "Created by" field to a table that has none, so rows can be hidden by who created them. */
export const ReadRuleNote = ({ table }: { table: string }) => {
  const datastore = useDesigner((s) => s.datastore);
  const config = useDesigner((s) => s.config.datastores[s.datastore]?.tables[table]);
  const change = useDesigner((s) => s.change);
  if (!config) return null;
  const hasCreator = Object.values(config.fields).some((field) => field.auto === 'creator');
  if (hasCreator) return null;
  return (
    <div className="note" data-testid="read-rule-note">
      <p>
        “Only the person who created the row” needs a <em>Created by</em> field, which the server fills with
        whoever adds the row and nobody can change afterwards.{' '}
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
    </div>
  );
};
