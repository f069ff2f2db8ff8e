// Checks rows and cells against a table's fields (types, required, limits) and fills in defaults.
import type { CellValue, FieldConfig, Row, TableConfig } from './config-types.ts';
import { ownEntry } from './own-key.ts';

/** One problem with a row, naming the field (or '' for the row as a whole). */
export interface RowProblem {
  field: string;
  message: string;
  code: 'wrong_type' | 'required' | 'too_long' | 'too_small' | 'too_big' | 'unknown_field' | 'not_finite';
}

const TYPE_WORDS = { string: 'text', number: 'a number', boolean: 'true or false' } as const;

const describeValue = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : typeof value;

/** Checks one cell against its field; answers a plain-words problem, or undefined when the value is fine. */
export const validateCell = (field: FieldConfig, value: unknown): string | undefined =>
  cellProblem(field, value)?.message;

const cellProblem = (field: FieldConfig, value: unknown): Omit<RowProblem, 'field'> | undefined => {
  if (typeof value !== field.type) {
    return { code: 'wrong_type', message: `must be ${TYPE_WORDS[field.type]}, not ${describeValue(value)}.` };
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { code: 'not_finite', message: 'must be a finite number.' };
    if (field.min !== undefined && value < field.min) {
      return { code: 'too_small', message: `must be at least ${field.min} (it is ${value}).` };
    }
    if (field.max !== undefined && value > field.max) {
      return { code: 'too_big', message: `must be at most ${field.max} (it is ${value}).` };
    }
  }
  if (typeof value === 'string' && field.maxLength !== undefined) {
    const length = Array.from(value).length;
    if (length > field.maxLength) {
      return {
        code: 'too_long',
        message: `must be at most ${field.maxLength} characters long (it has ${length}).`,
      };
    }
  }
  return undefined;
};

/** Names the cells that are not fields of the table. */
export const unknownFieldProblems = (table: TableConfig, cells: Record<string, unknown>): RowProblem[] => {
  const problems: RowProblem[] = [];
  for (const fieldId of Object.keys(cells)) {
    if (ownEntry(table.fields, fieldId) !== undefined) continue;
    problems.push({
      field: fieldId,
      code: 'unknown_field',
      message: `"${fieldId}" is not a field of this table.`,
    });
  }
  return problems;
};

/** Checks the given cells of a row: unknown fields and each value; `complete` also requires the required fields. */
export const validateCells = (
  table: TableConfig,
  cells: Record<string, unknown>,
  complete: boolean,
): RowProblem[] => {
  const problems: RowProblem[] = unknownFieldProblems(table, cells);
  for (const [fieldId, value] of Object.entries(cells)) {
    const field = ownEntry(table.fields, fieldId);
    if (field === undefined) continue;
    if (value === undefined) {
      if (field.required) {
        problems.push({
          field: fieldId,
          code: 'required',
          message: `"${fieldId}" is required and cannot be removed.`,
        });
      }
      continue;
    }
    const problem = cellProblem(field, value);
    if (problem) problems.push({ field: fieldId, ...problem, message: `"${fieldId}" ${problem.message}` });
  }
  if (complete) {
    for (const [fieldId, field] of Object.entries(table.fields)) {
      // An auto field counts as present: the server writes it, whatever the client sent.
      if (field.required && field.auto === undefined && ownEntry(cells, fieldId) === undefined) {
        problems.push({ field: fieldId, code: 'required', message: `"${fieldId}" is required.` });
      }
    }
  }
  return problems;
};

/** Checks a whole row: every cell's type and limits, no unknown fields, every required field present. */
export const validateRow = (table: TableConfig, row: Record<string, unknown>): RowProblem[] =>
  validateCells(table, row, true);

/** The defaults a new row gets for the fields it does not set. */
export const missingDefaults = (table: TableConfig, row: Record<string, unknown>): Row => {
  const defaults: Row = {};
  for (const [fieldId, field] of Object.entries(table.fields)) {
    if (ownEntry(row, fieldId) === undefined && field.default !== undefined)
      defaults[fieldId] = field.default;
  }
  return defaults;
};

/** A new row with the defaults of the fields it does not set filled in. */
export const applyDefaults = (table: TableConfig, row: Row): Row => ({
  ...row,
  ...missingDefaults(table, row),
});

/** Narrows an unknown value to a cell value. */
export const isCellValue = (value: unknown): value is CellValue =>
  typeof value === 'string' ||
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value));
