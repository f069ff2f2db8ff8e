// Lint settings for every workspace: typescript-eslint's recommended rules, React hooks rules, no default exports.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.wrangler/**',
      'test-results/**',
      'runtime-worker/worker-configuration.d.ts',
      'runtime-worker/public/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // TinyBase's with-schemas types spell "no values schema" as {}.
      '@typescript-eslint/no-empty-object-type': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExportDefaultDeclaration',
          message: 'Use named exports (STYLE.md); only runtime entries may default-export.',
        },
      ],
    },
  },
  {
    files: ['**/*.tsx', '**/use*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    // Tools and runtimes that demand a default export: config files and the worker entry.
    files: [
      '**/*.config.{ts,js,mjs}',
      'eslint.config.js',
      'runtime-worker/src/index.ts',
      'test/bench/worker/bench-worker.ts',
    ],
    rules: { 'no-restricted-syntax': 'off' },
  },
);
