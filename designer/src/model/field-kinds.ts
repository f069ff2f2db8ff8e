// The kinds of field a person picks from, in the words the designer shows them everywhere.
import type { AutoKind, FieldConfig, FieldType } from '@datastore-designer/schema';

/** The kinds of value a person enters. */
export const TYPES: { id: FieldType; label: string }[] = [
  { id: 'string', label: 'Text' },
  { id: 'number', label: 'Number' },
  { id: 'boolean', label: 'Yes/no' },
];

/** The kinds of field the server fills in: a short name for lists, a label for the picker, what each holds. */
export const AUTO_KINDS: { id: AutoKind; type: FieldType; name: string; label: string; note: string }[] = [
  {
    id: 'creator',
    type: 'string',
    name: 'Created by',
    label: 'Created by — the person who added the row',
    note: 'The server writes the id of whoever adds the row; nobody can change it or put someone else there.',
  },
  {
    id: 'createdAt',
    type: 'number',
    name: 'Created at',
    label: 'Created at — when the row was added',
    note: 'The server writes the time the row was added; nobody can change it.',
  },
  {
    id: 'updatedAt',
    type: 'number',
    name: 'Last changed at',
    label: 'Last changed at — when the row was last changed',
    note: 'The server writes the time of every accepted change; nobody can set it by hand.',
  },
];

/** A field's kind in a few words: "Created by", "link to customers", "Text". */
export const kindWords = (field: FieldConfig): string => {
  if (field.auto) return AUTO_KINDS.find((kind) => kind.id === field.auto)?.name ?? field.auto;
  if (field.references) return `link to ${field.references}`;
  return TYPES.find((type) => type.id === field.type)?.label ?? field.type;
};
