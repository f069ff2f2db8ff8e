// The preview pane's styles, scoped under .dd-preview so they never leak into the designer.

/** CSS for the pane, rendered in a <style> element by PreviewPane. */
export const PANE_STYLES = `
.dd-preview { font: 13px/1.4 system-ui, sans-serif; color: #1d2430; padding: 8px; }
.dd-preview .dd-toolbar { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; margin-bottom: 6px; }
.dd-preview .dd-deploy { padding: 2px 8px; border-radius: 10px; background: #eef2f7; }
.dd-preview .dd-deploy-deployed { background: #e3f6e8; color: #135c2b; }
.dd-preview .dd-deploy-failed { background: #fde8e8; color: #8a1c1c; }
.dd-preview .dd-users { display: grid; gap: 10px; overflow-x: auto; }
.dd-preview .dd-user { border: 1px solid #d5dbe3; border-radius: 8px; padding: 8px; background: #fff; min-width: 0; }
.dd-preview .dd-user-head { display: flex; justify-content: space-between; gap: 6px; align-items: baseline; }
.dd-preview .dd-user-name { font-size: 15px; }
.dd-preview .dd-user-actions button { font-size: 11px; }
.dd-preview .dd-muted { color: #6b7685; font-size: 12px; }
.dd-preview .dd-note { background: #f5f7fa; border-left: 3px solid #8aa1c1; padding: 4px 8px; margin: 6px 0; }
.dd-preview .dd-status { margin: 6px 0; padding: 3px 6px; border-radius: 6px; }
.dd-preview .dd-status-online { background: #e3f6e8; }
.dd-preview .dd-status-offline { background: #fff4d6; }
.dd-preview .dd-status-connecting { background: #eef2f7; }
.dd-preview .dd-status-refused { background: #fde8e8; }
.dd-preview .dd-grid { border-collapse: collapse; width: 100%; margin: 8px 0; }
.dd-preview .dd-grid caption { text-align: left; font-weight: 600; }
.dd-preview .dd-grid th, .dd-preview .dd-grid td { border: 1px solid #e1e6ec; padding: 2px 4px; text-align: left; }
.dd-preview .dd-grid input[type=text], .dd-preview .dd-grid input[type=number] { width: 100%; min-width: 50px; box-sizing: border-box; border: 1px solid transparent; background: transparent; }
.dd-preview .dd-grid input:focus { border-color: #6b8fd6; background: #fff; }
.dd-preview .dd-grid input[readonly] { color: #4a5260; }
.dd-preview .dd-grid select { width: 100%; min-width: 80px; box-sizing: border-box; }
.dd-preview .dd-grid-wrap { overflow-x: auto; max-width: 100%; }
.dd-preview .dd-grid input[type=datetime-local] { min-width: 0; width: 100%; box-sizing: border-box; }
.dd-preview button.dd-secondary { background: #fff; color: #3f3aa8; border: 1px solid #cfd5e2; box-shadow: none; }
.dd-preview button.dd-secondary:hover:not(:disabled) { background: #f3f4fb; }
.dd-preview .dd-user-actions { display: flex; gap: 4px; flex-shrink: 0; }
.dd-preview .dd-auto { color: #6b7285; font-style: italic; white-space: nowrap; }
.dd-preview .dd-new-row td { background: #fafbfd; }
.dd-preview .dd-new-row input[type=text], .dd-preview .dd-new-row input[type=number] { border-color: #d5dbe3; background: #fff; }
.dd-preview .dd-flash { animation: dd-flash 1.6s ease-out; }
@keyframes dd-flash { 0%, 40% { background: #f8b4b4; } 100% { background: transparent; } }
.dd-preview .dd-rejections { list-style: none; padding: 0; margin: 0; max-height: 220px; overflow: auto; }
.dd-preview .dd-rejection { border-left: 3px solid #d64545; background: #fff5f5; padding: 4px 6px; margin: 4px 0; animation: dd-flash 1.6s ease-out; }
.dd-preview .dd-rule-words { font-style: italic; }
.dd-preview .dd-cel { background: #f0f2f5; padding: 0 3px; border-radius: 3px; }
.dd-preview .dd-latency { margin: 6px 0; color: #35507a; }
.dd-preview .dd-trace ol { padding-left: 18px; max-height: 200px; overflow: auto; font-size: 12px; }
.dd-preview .dd-spaces { display: grid; gap: 4px; margin: 6px 0; padding: 6px; background: #f7f5ff; border-radius: 6px; }
.dd-preview .dd-user-editor { display: grid; gap: 4px; padding: 6px; background: #f5f7fa; border-radius: 6px; margin-bottom: 6px; }
.dd-preview .dd-problems { color: #8a1c1c; }
.dd-preview .dd-programmer pre { background: #f5f7fa; padding: 6px; overflow: auto; font-size: 12px; }
.dd-preview h4 { margin: 8px 0 2px; }
`;
