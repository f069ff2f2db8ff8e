// The one set of design tokens (colours, spacing, type, radii, buttons) the designer and the preview pane share.
//
// Written as CSS custom properties in a string, not a .css file, so the packed pane (built by tsc alone) brings
// them with it into any app, bundler or none; the designer installs the same string before its own CSS uses it.

/** The tokens as CSS custom properties on :root, all named `--dd-…` so they never clash with a host app's. */
export const DESIGN_TOKENS_CSS = `
:root {
  --dd-bg: #f6f7fb;
  --dd-surface: #ffffff;
  --dd-surface-sunken: #f7f8fb;
  --dd-line: #e3e6ef;
  --dd-line-strong: #cfd5e2;
  --dd-text: #1f2433;
  --dd-text-soft: #4a5260;
  --dd-muted: #6b7285;
  --dd-accent: #4f46e5;
  --dd-accent-strong: #3f3aa8;
  --dd-accent-soft: #eef0ff;
  --dd-accent-line: #c7cbff;
  --dd-bad: #c62828;
  --dd-bad-text: #7d1a1a;
  --dd-bad-soft: #fdecec;
  --dd-bad-line: #f0c4c4;
  --dd-bad-flash: #f8b4b4;
  --dd-ok: #1b7f4b;
  --dd-ok-soft: #e6f6ec;
  --dd-warn: #9a6400;
  --dd-warn-soft: #fff6e0;
  --dd-warn-line: #f1d9a0;
  --dd-code-bg: #f0f2f5;
  --dd-on-accent: #ffffff;
  --dd-edge: #8b90c9;
  --dd-surface-glass: rgb(255 255 255 / 85%);
  /* The start screen's template marks, one hue each so the cards are told apart at a glance. */
  --dd-tint-indigo: #4f46e5;
  --dd-tint-teal: #0e7490;
  --dd-tint-amber: #b45309;
  --dd-tint-violet: #7c3aed;
  --dd-tint-green: #15803d;

  --dd-shadow-sm: 0 1px 2px rgb(0 0 0 / 4%);
  --dd-shadow: 0 2px 6px rgb(20 30 60 / 8%);
  --dd-shadow-raised: 0 1px 3px rgb(0 0 0 / 12%);
  --dd-shadow-hover: 0 4px 14px rgb(79 70 229 / 12%);
  --dd-highlight-ring: 0 0 0 3px #dfe1ff;

  --dd-space-0: 2px;
  --dd-space-1: 4px;
  --dd-space-2: 8px;
  --dd-space-3: 12px;
  --dd-space-4: 16px;
  --dd-space-5: 24px;
  --dd-space-6: 32px;
  --dd-space-7: 40px;

  --dd-font: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  --dd-font-mono: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  --dd-text-xs: 11px;
  --dd-text-sm: 12px;
  --dd-text-md: 13px;
  --dd-text-base: 14px;
  --dd-text-lg: 16px;
  --dd-text-xl: 20px;
  --dd-text-2xl: 30px;

  --dd-radius-sm: 4px;
  --dd-radius: 8px;
  --dd-radius-lg: 12px;
  --dd-radius-pill: 999px;

  --dd-button-padding: 6px 12px;
  --dd-button-small-padding: 3px 9px;
  --dd-button-primary-bg: var(--dd-accent);
  --dd-button-primary-text: var(--dd-on-accent);
  --dd-button-secondary-bg: var(--dd-surface);
  --dd-button-secondary-text: var(--dd-text);
  --dd-button-secondary-line: var(--dd-line-strong);
  --dd-button-secondary-hover: var(--dd-accent-soft);
  --dd-input-padding: 6px var(--dd-space-2);
  --dd-focus-ring: 2px solid var(--dd-accent-line);
}
`;

const STYLE_ID = 'dd-design-tokens';

/** Puts the tokens in the document once (an app showing the pane, or the designer before its first render). */
export const installDesignTokens = (doc: Document = document): void => {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement('style');
  style.id = STYLE_ID;
  style.textContent = DESIGN_TOKENS_CSS;
  doc.head.prepend(style);
};
