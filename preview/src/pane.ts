// The multi-user preview pane (React): `@datastore-designer/preview/pane`.
export { PreviewPane, type PreviewPaneProps } from './pane/PreviewPane.tsx';
export { previewAppId, type PreviewRuntime } from './pane/preview-api.ts';
export { ruleInWords } from './pane/UserPanel.tsx';
