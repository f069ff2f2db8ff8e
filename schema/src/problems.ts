// Problems found in a config, and the one registry of their codes and plain-words messages.

/** One problem in a config: where (a JSON Pointer), what to do about it (plain words), and a stable code. */
export interface ConfigProblem {
  path: string;
  message: string;
  code: ProblemCode;
  /** For rule problems: the offsets of the faulty part inside the rule's expression. */
  position?: { start: number; end: number };
}

/** Every problem code the validator can give, with a sentence saying what it means. */
export const PROBLEM_CODES = {
  invalid_json: 'The text is not valid JSON.',
  not_an_object: 'Something that must be an object is not.',
  missing: 'A required setting is missing.',
  wrong_type: 'A setting holds the wrong kind of value.',
  unknown_key: 'A setting that does not exist.',
  bad_id: 'An id that does not follow the naming pattern.',
  bad_choice: 'A value that is not one of the allowed choices.',
  bad_format: 'The config format version is not 1.',
  out_of_range: 'A number outside its allowed range.',
  no_fields: 'A table without fields.',
  default_type: 'A default value of the wrong kind for its field.',
  default_invalid: 'A default value that breaks its own field limits.',
  limit_not_for_type: 'A limit that does not apply to this field type.',
  min_above_max: 'A minimum larger than the maximum.',
  reserved_id: 'A field name that rules cannot use.',
  auto_not_for_type: 'A server-written (auto) field of a kind that value cannot have.',
  auto_with_setting: 'A server-written (auto) field with a setting only a client-written field can have.',
  missing_reference: 'A reference to a table that does not exist.',
  reference_not_string: 'A reference on a field that does not hold text.',
  reference_server_only: 'A synced table that references a server-only table.',
  multi_only: 'A setting that only applies to multi-instance datastores.',
  rule_syntax: 'A rule that cannot be read.',
  rule_unknown_name: 'A rule that names a field or variable that does not exist.',
  rule_type: 'A rule that mixes kinds of values that do not go together.',
  rule_not_bool: 'A rule that does not answer yes or no.',
  rule_forbidden_function: 'A rule that uses a function that is not allowed.',
  rule_too_long: 'A rule that is too long.',
  rule_read_changing: 'A who-can-see-rows rule that uses a field or variable that can change.',
  unknown_datastore: 'A test that names a datastore that does not exist.',
  unknown_table: 'A test step that names a table that does not exist.',
  bad_step: 'A test step that is not written the way steps are.',
  unknown_instance_name: 'A test step that names an instance no earlier step creates.',
  duplicate_name: 'A test step that creates an instance under a name already used.',
  too_deep: 'Objects and lists nested deeper than the runtime accepts.',
} as const;

/** The stable code of a problem, for tools and tests. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** Builds a JSON Pointer (RFC 6901) from path segments. */
export const toPointer = (segments: ReadonlyArray<PropertyKey>): string =>
  segments.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');

/** Names the place a pointer points to in words a person recognises ("field text of table notes"). */
export const describePlace = (segments: ReadonlyArray<PropertyKey>): string => {
  const [, datastore, , table, kind, item] = segments.map(String);
  if (table !== undefined && kind === 'fields' && item !== undefined) {
    return `field "${item}" of table "${table}"`;
  }
  if (table !== undefined && segments[2] === 'tables') return `table "${table}"`;
  if (datastore !== undefined && segments[0] === 'datastores') return `datastore "${datastore}"`;
  return 'the config';
};
