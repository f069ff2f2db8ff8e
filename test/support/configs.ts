// Config builders the end-to-end and browser tests share: the one-table board of notes most of them deploy.
import type { AppConfig, FieldConfig, TableConfig } from '@datastore-designer/schema';

/** A note's required text with its "Created by", "Created at" and "Last changed at" fields, written by the server. */
export const autoNoteFields: Record<string, FieldConfig> = {
  text: { type: 'string', required: true },
  author: { type: 'string', required: true, auto: 'creator' },
  createdAt: { type: 'number', auto: 'createdAt' },
  updatedAt: { type: 'number', auto: 'updatedAt' },
};

/** An app of one single-instance, two-way `board` datastore holding the `notes` table and any `others`. */
export const notesBoard = (notes: TableConfig, others: Record<string, TableConfig> = {}): AppConfig => ({
  format: 1,
  datastores: { board: { instances: 'single', sync: 'twoWay', tables: { notes, ...others } } },
});
