// The "Record a test" bar's styles over the shared design tokens, scoped under .dd-preview like the rest of the pane.

/** CSS for the record bar and the "Check" menus it adds to rows: every colour, size and radius is a `--dd-…` token. */
export const RECORD_BAR_STYLES = `
.dd-preview .dd-record { border: 1px solid var(--dd-line-strong); border-radius: var(--dd-radius); padding: var(--dd-space-2); margin: var(--dd-space-2) 0; background: var(--dd-surface); }
.dd-preview .dd-record-on { border-color: var(--dd-bad); background: var(--dd-bad-soft); }
.dd-preview .dd-record-head { display: flex; flex-wrap: wrap; gap: var(--dd-space-2); align-items: center; }
.dd-preview .dd-record-head form { display: flex; flex-wrap: wrap; gap: var(--dd-space-2); align-items: center; }
.dd-preview .dd-record-dot { color: var(--dd-bad); font-weight: 600; }
.dd-preview .dd-record ol { margin: var(--dd-space-1) 0 0; padding-left: var(--dd-space-5); font-size: var(--dd-text-sm); max-height: 160px; overflow: auto; }
.dd-preview .dd-record li[data-pending="true"] { color: var(--dd-muted); }
.dd-preview .dd-check { width: auto; min-width: 0; font-size: var(--dd-text-xs); }
`;
