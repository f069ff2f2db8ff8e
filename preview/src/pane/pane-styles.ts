// The preview pane's styles over the shared design tokens, scoped under .dd-preview so they never leak into a page.
import { DESIGN_TOKENS_CSS } from '../design-tokens.ts';
import { RECORD_BAR_STYLES } from './record-bar-styles.ts';

/** CSS for the pane, rules only: every colour, size and radius is a `--dd-…` token. */
const PANE_RULES = `
.dd-preview { font: var(--dd-text-md)/1.4 var(--dd-font); color: var(--dd-text); padding: var(--dd-space-2); }
.dd-preview * { box-sizing: border-box; }
.dd-preview button { font: inherit; border-radius: var(--dd-radius); padding: var(--dd-button-small-padding); cursor: pointer;
  background: var(--dd-button-secondary-bg); color: var(--dd-button-secondary-text); border: 1px solid var(--dd-button-secondary-line); }
.dd-preview button:hover:not(:disabled) { background: var(--dd-button-secondary-hover); }
.dd-preview button.dd-primary { background: var(--dd-button-primary-bg); color: var(--dd-button-primary-text); border-color: var(--dd-button-primary-bg); font-weight: 600; }
.dd-preview button.dd-primary:hover:not(:disabled) { background: var(--dd-accent-strong); }
.dd-preview button:disabled { opacity: 0.45; cursor: default; }
.dd-preview button.dd-icon { padding: 0 var(--dd-space-1); border-color: transparent; background: transparent; color: var(--dd-muted); }
.dd-preview button.dd-icon:hover:not(:disabled) { color: var(--dd-accent); background: var(--dd-accent-soft); }
.dd-preview input, .dd-preview select { font: inherit; color: inherit; border: 1px solid var(--dd-line-strong); border-radius: var(--dd-radius-sm); padding: var(--dd-space-0) var(--dd-space-1); background: var(--dd-surface); min-width: 0; max-width: 100%; }
.dd-preview input:focus, .dd-preview select:focus { outline: var(--dd-focus-ring); border-color: var(--dd-accent); }
.dd-preview .dd-toolbar { display: flex; flex-wrap: wrap; gap: var(--dd-space-2) var(--dd-space-3); align-items: center; margin-bottom: var(--dd-space-2); }
.dd-preview .dd-deploy { padding: var(--dd-space-0) var(--dd-space-2); border-radius: var(--dd-radius-pill); background: var(--dd-code-bg); }
.dd-preview .dd-deploy-deployed { background: var(--dd-ok-soft); color: var(--dd-ok); }
.dd-preview .dd-deploy-failed { background: var(--dd-bad-soft); color: var(--dd-bad-text); }
.dd-preview .dd-users { display: grid; gap: var(--dd-space-3); overflow-x: auto; align-items: start; }
.dd-preview .dd-column { min-width: 0; container-type: inline-size; }
.dd-preview .dd-user { border: 1px solid var(--dd-line); border-radius: var(--dd-radius-lg); padding: var(--dd-space-3); background: var(--dd-surface); min-width: 0; overflow-wrap: anywhere; }
.dd-preview .dd-user-head { display: flex; justify-content: space-between; gap: var(--dd-space-2); align-items: flex-start; }
.dd-preview .dd-user-name { font-size: var(--dd-text-lg); }
.dd-preview .dd-user-who { display: block; }
.dd-preview .dd-user-actions { display: flex; gap: var(--dd-space-1); flex-shrink: 0; }
.dd-preview .dd-muted { color: var(--dd-muted); font-size: var(--dd-text-sm); }
.dd-preview .dd-note { background: var(--dd-surface-sunken); border-left: 3px solid var(--dd-accent-line); padding: var(--dd-space-1) var(--dd-space-2); margin: var(--dd-space-2) 0; border-radius: var(--dd-radius-sm); }
.dd-preview .dd-replaced-list { padding: 0; margin: 0; }
.dd-preview .dd-replaced { background: var(--dd-warn-soft); border-left: 3px solid var(--dd-warn); color: var(--dd-warn); padding: var(--dd-space-1) var(--dd-space-2); margin: var(--dd-space-2) 0; border-radius: var(--dd-radius-sm); list-style: none; }
.dd-preview .dd-status { margin: var(--dd-space-2) 0; padding: var(--dd-space-1) var(--dd-space-2); border-radius: var(--dd-radius); }
.dd-preview .dd-status-online { background: var(--dd-ok-soft); }
.dd-preview .dd-status-offline { background: var(--dd-warn-soft); }
.dd-preview .dd-status-connecting { background: var(--dd-code-bg); }
.dd-preview .dd-status-refused { background: var(--dd-bad-soft); }
.dd-preview .dd-grid { border-collapse: collapse; width: 100%; margin: var(--dd-space-2) 0; }
.dd-preview .dd-grid caption { text-align: left; font-weight: 600; }
.dd-preview .dd-grid th, .dd-preview .dd-grid td { border: 1px solid var(--dd-line); padding: var(--dd-space-0) var(--dd-space-1); text-align: left; }
.dd-preview .dd-grid th, .dd-preview .dd-grid td:first-child, .dd-preview .dd-grid td:last-child { white-space: nowrap; }
.dd-preview .dd-grid td:last-child { width: 1%; }
.dd-preview .dd-grid th { font-weight: 600; color: var(--dd-text-soft); background: var(--dd-surface-sunken); }
.dd-preview .dd-grid input[type=text], .dd-preview .dd-grid input[type=number] { width: 100%; min-width: 40px; border: 1px solid transparent; background: transparent; }
.dd-preview .dd-grid input:focus { border-color: var(--dd-accent); background: var(--dd-surface); }
.dd-preview .dd-grid input[readonly] { color: var(--dd-text-soft); }
.dd-preview .dd-grid select { width: 100%; min-width: 60px; }
.dd-preview .dd-grid-wrap { overflow-x: auto; max-width: 100%; }
/* The row column stays in view while a wide grid scrolls sideways. */
.dd-preview .dd-grid td:first-child, .dd-preview .dd-grid th:first-child { position: sticky; left: 0; z-index: 1; background: var(--dd-surface); box-shadow: inset -1px 0 0 var(--dd-line); }
.dd-preview .dd-grid th:first-child { background: var(--dd-surface-sunken); }
.dd-preview .dd-grid input[type=datetime-local] { min-width: 0; width: 100%; }
.dd-preview .dd-auto { color: var(--dd-muted); font-style: italic; white-space: nowrap; }
/* In the new row the words wrap, so a narrow card still shows its Add button. */
.dd-preview .dd-new-row .dd-auto { white-space: normal; }
.dd-preview .dd-new-row td { background: var(--dd-surface-sunken); }
.dd-preview .dd-new-row input[type=text], .dd-preview .dd-new-row input[type=number] { border-color: var(--dd-line-strong); background: var(--dd-surface); }
.dd-preview .dd-short-id { display: inline-flex; align-items: center; gap: var(--dd-space-0); max-width: 100%; white-space: nowrap; }
.dd-preview .dd-short-id code { font-family: var(--dd-font-mono); font-size: var(--dd-text-sm); overflow: hidden; text-overflow: ellipsis; }
.dd-preview .dd-flash { animation: dd-flash 1.6s ease-out; }
@keyframes dd-flash { 0%, 40% { background: var(--dd-bad-flash); } 100% { background: transparent; } }
.dd-preview .dd-rejections { list-style: none; padding: 0; margin: 0; max-height: 220px; overflow: auto; }
.dd-preview .dd-rejection { border-left: 3px solid var(--dd-bad); background: var(--dd-bad-soft); padding: var(--dd-space-1) var(--dd-space-2); margin: var(--dd-space-1) 0; border-radius: var(--dd-radius-sm); animation: dd-flash 1.6s ease-out; }
.dd-preview .dd-rule-words { font-style: italic; }
.dd-preview .dd-cel { background: var(--dd-code-bg); padding: 0 var(--dd-space-1); border-radius: var(--dd-radius-sm); font-family: var(--dd-font-mono); }
.dd-preview .dd-latency { margin: var(--dd-space-2) 0; color: var(--dd-text-soft); }
.dd-preview .dd-trace ol { padding-left: var(--dd-space-4); max-height: 200px; overflow: auto; font-size: var(--dd-text-sm); }
.dd-preview .dd-spaces { display: grid; gap: var(--dd-space-2); margin: var(--dd-space-2) 0; padding: var(--dd-space-2); background: var(--dd-accent-soft); border-radius: var(--dd-radius); }
.dd-preview .dd-spaces > div { display: flex; flex-wrap: wrap; gap: var(--dd-space-1) var(--dd-space-2); align-items: center; }
.dd-preview .dd-user-editor { display: grid; gap: var(--dd-space-1); padding: var(--dd-space-2); background: var(--dd-surface-sunken); border-radius: var(--dd-radius); margin: var(--dd-space-2) 0; }
.dd-preview .dd-user-editor label { display: grid; gap: var(--dd-space-0); }
.dd-preview .dd-user-editor .dd-buttons { display: flex; gap: var(--dd-space-2); }
.dd-preview .dd-problems { color: var(--dd-bad-text); }
.dd-preview .dd-programmer pre { background: var(--dd-surface-sunken); padding: var(--dd-space-2); overflow: auto; font-size: var(--dd-text-sm); border-radius: var(--dd-radius); }
.dd-preview h4 { margin: var(--dd-space-2) 0 var(--dd-space-0); }
/* In a narrow card (three people on a small laptop) the card and its grids' cells give up some padding so a row fits whole. */
@container (max-width: 340px) {
  .dd-preview .dd-user { padding: var(--dd-space-2); }
  .dd-preview .dd-grid th, .dd-preview .dd-grid td { padding: var(--dd-space-0); }
  .dd-preview .dd-grid select { min-width: 48px; }
}
`;

/** The tokens and the pane's rules together: the pane brings its whole look into any page it is mounted in. */
export const PANE_STYLES = DESIGN_TOKENS_CSS + PANE_RULES + RECORD_BAR_STYLES;
