// While recording: "Check what <person> sees" on a grid row, which adds a `sees` step from that person's copy.
import type { SimulatedUser } from './simulated-users.ts';

/** Who can be checked on a row, and what to do when one is picked. */
export interface RowCheck {
  people: SimulatedUser[];
  onCheck: (personKey: string, table: string, row: string) => void;
}

/** A drop-down on a row: picking a person records what they see of it (nothing, when their copy lacks the row). */
export const CheckRowSelect = ({ check, table, row }: { check: RowCheck; table: string; row: string }) => (
  <select
    className="dd-check"
    aria-label={`Check what someone sees of ${row}`}
    title="Add a test step: what this person sees of this row now"
    value=""
    onChange={(event) => {
      if (event.target.value !== '') check.onCheck(event.target.value, table, row);
    }}
  >
    <option value="">Check…</option>
    {check.people.map((person) => (
      <option key={person.key} value={person.key}>
        What {person.name} sees
      </option>
    ))}
  </select>
);
