// What crosses the wire between the runtime and its clients (close codes, error codes, rejection notices, token
// requests): `@datastore-designer/schema/wire`, with no dependency, so a client imports it without the config
// model's validation and rule engine.
export { type ErrorBody, type ErrorCode, ERROR_CODES, errorBody } from './error-codes.ts';
export {
  CLOSE_MEANINGS,
  CloseCode,
  type CloseCodeNumber,
  type CloseMeaning,
  closeMeaning,
} from './close-codes.ts';
export {
  decodeRejectionNotice,
  encodeRejectionNotice,
  type RejectedOperation,
  REJECTION_RULES,
  type RejectionNotice,
  type RejectionRule,
} from './rejection-notice.ts';
export { readTokenRequest, type TokenClaims, type TokenRequest } from './token-claims.ts';
export {
  BACKUP_ID_PATTERN,
  type BackupList,
  type BackupRestored,
  type BackupSummary,
  type BackupTaken,
} from './backup-types.ts';
