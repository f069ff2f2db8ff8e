// Refuses local writes to a serverToClient datastore's store at once, while letting synced changes in.
import { createMiddleware, type MergeableStore } from 'tinybase';
import type { Rejection, RejectedOperation } from './rejection-notice.ts';

/** The warning shown when an app writes to a read-only datastore. */
export const READ_ONLY_REASON =
  'This datastore only sends data from the server to apps, so changes made here are not kept. ' +
  'Change the data through the server data API instead.';

/** A handle to lift the guard for the library's own writes (loading saved data, dropping a signed-out user's data). */
export interface ReadOnlyGuard {
  allowWhile<T>(action: () => T): T;
  destroy(): void;
}

/**
 * Installs TinyBase middleware that refuses every local write and reports it through `onRefused`. TinyBase
 * routes synced changes through `applyChanges` before setting their cells, so `willApplyChanges` opens the
 * gate for the rest of that transaction.
 */
export const guardReadOnly = (
  store: MergeableStore,
  onRefused: (rejection: Rejection) => void,
): ReadOnlyGuard => {
  let open = 0;
  let applying = false;
  const allowed = () => open > 0 || applying;
  const refuse = (table: string, row: string, cells: string[], operation: RejectedOperation) => {
    onRefused({
      table,
      row,
      cells,
      operation,
      rule: 'readOnly',
      expression: '',
      reason: READ_ONLY_REASON,
      local: true,
      at: Date.now(),
    });
    console.warn(`Datastore Designer: ${READ_ONLY_REASON} (table "${table}", row "${row}")`);
  };
  const operationOf = (table: string, row: string): RejectedOperation =>
    store.hasRow(table, row) ? 'update' : 'create';
  const middleware = createMiddleware(store);
  const listenerId = store.addDidFinishTransactionListener(() => {
    applying = false;
  });
  middleware
    .addWillApplyChangesCallback((changes) => {
      applying = true;
      return changes;
    })
    .addWillSetContentCallback((content) => (allowed() ? content : (refuse('', '', [], 'update'), undefined)))
    .addWillSetTablesCallback((tables) => (allowed() ? tables : (refuse('', '', [], 'update'), undefined)))
    .addWillSetTableCallback((table, rows) =>
      allowed() ? rows : (refuse(table, '', [], 'update'), undefined),
    )
    .addWillSetRowCallback((table, row, cells) =>
      allowed() ? cells : (refuse(table, row, Object.keys(cells), operationOf(table, row)), undefined),
    )
    .addWillSetCellCallback((table, row, cell, value) =>
      allowed() ? value : (refuse(table, row, [cell], operationOf(table, row)), undefined),
    )
    .addWillSetValuesCallback((values) => (allowed() ? values : (refuse('', '', [], 'update'), undefined)))
    .addWillSetValueCallback((_id, value) => (allowed() ? value : (refuse('', '', [], 'update'), undefined)))
    .addWillDelTablesCallback(() => allowed() || (refuse('', '', [], 'delete'), false))
    .addWillDelTableCallback((table) => allowed() || (refuse(table, '', [], 'delete'), false))
    .addWillDelRowCallback((table, row) => allowed() || (refuse(table, row, [], 'delete'), false))
    .addWillDelCellCallback((table, row, cell) => allowed() || (refuse(table, row, [cell], 'update'), false))
    .addWillDelValuesCallback(() => allowed() || (refuse('', '', [], 'delete'), false))
    .addWillDelValueCallback(() => allowed() || (refuse('', '', [], 'delete'), false));
  return {
    allowWhile(action) {
      open++;
      try {
        return action();
      } finally {
        open--;
      }
    },
    destroy() {
      store.delListener(listenerId);
      middleware.destroy();
    },
  };
};
