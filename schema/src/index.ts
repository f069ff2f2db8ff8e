// The config model of Datastore Designer: types, validation, rules, TinyBase schemas, diffs and templates.
import configJsonSchemaFile from '../config.schema.json' with { type: 'json' };

export * from './config-types.ts';
export { APP_ID_PATTERN, ID_PATTERN } from './config-schema.ts';
export { type ConfigProblem, PROBLEM_CODES, type ProblemCode, toPointer } from './problems.ts';
export { jsonDepthProblem, MAX_JSON_DEPTH } from './json-depth.ts';
export {
  idLengthProblem,
  type IdKind,
  idProblem,
  type IdProblem,
  idTextProblem,
  MAX_NAME_ID_LENGTH,
  MAX_ROW_ID_LENGTH,
  rowIdsProblem,
  shortId,
} from './id-limits.ts';
export { parseConfigText, validateConfig, type ValidationResult } from './validate-config.ts';
export { generateConfigJsonSchema } from './json-schema.ts';
export {
  instanceFacts,
  type RuleContext,
  type RuleInstance,
  type RuleUser,
  userFromClaims,
} from './rule-context.ts';
export { readableRuleFields, RULE_VARIABLES } from './rule-environment.ts';
export {
  checkRule,
  compileReadRule,
  compileRule,
  type CompiledReadRule,
  type CompiledRule,
  MAX_RULE_LENGTH,
  READ_RULE_FIELDS_MESSAGE,
  type RuleVerdict,
  type Visibility,
} from './rule-compiler.ts';
export {
  type CompiledApp,
  type CompiledDatastore,
  type CompiledTable,
  compileConfig,
  compileDatastore,
  judgeRowChange,
  type RowJudgement,
} from './compile-config.ts';
export {
  judgeValueWrite,
  judgeWrite,
  READ_REFUSAL_REASON,
  readRefusal,
  type WriteContext,
  type WriteVerdict,
  writeOperation,
} from './write-judgement.ts';
export {
  applyDefaults,
  isCellValue,
  missingDefaults,
  type RowProblem,
  validateCell,
  validateCells,
  validateRow,
} from './row-validation.ts';
export {
  type AutoChange,
  autoCellsForPut,
  autoChange,
  autoKindOf,
  type IncomingCells,
} from './auto-fields.ts';
export { tablesSchemaFor, typescriptFor } from './tinybase-schema.ts';
export { type ConfigChange, type ConfigDiff, diffConfigs } from './config-diff.ts';
export { blankConfig, type Template, type TemplateId, templates } from './templates.ts';
export { describeRule } from './describe-rule.ts';
export { ownEntry } from './own-key.ts';
export {
  type AccessDecision,
  type AccessRefusal,
  addressInstance,
  type Caller,
  type InstanceAddress,
  type ManageAction,
  mayConnect,
  mayCreateInstance,
  mayJoin,
  mayManage,
} from './access-decisions.ts';
export * from './wire.ts';
export * from './scenario-types.ts';
export {
  rowMatches,
  type ScenarioResult,
  scenarioLine,
  scenarioResult,
  scenarioUser,
  type StepOutcome,
  stepResult,
  type StepResult,
  summaryLine,
} from './scenario-outcome.ts';
export {
  cellsWords,
  expectationWords,
  personWords,
  RULE_WORDS,
  stepSentence,
  stepWords,
} from './scenario-words.ts';
export { coverageGap, type RuleCoverage, runTests, type TestRun } from './scenario-runner.ts';

/** The committed JSON Schema of the config, for editors (`"$schema"`) and the designer's JSON view. */
export const configJsonSchema: Record<string, unknown> = configJsonSchemaFile;
