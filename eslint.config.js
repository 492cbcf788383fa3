import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.tools/', '.data/', 'outbox/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: wall-clock reads and randomness
    // must come from the sandbox's own replacements, never from Node.
    files: ['workflows/**/*.ts', 'machines/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'], message: 'No I/O in domain/, machines/ or workflows/ (ARCHITECTURE.md).' },
          { group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'], message: 'Workflow-side code may import only @temporalio/workflow.' },
        ],
      }],
    },
  },
  {
    files: ['domain/**/*.ts', 'machines/**/*.ts'],
    rules: {
      // These folders are pure functions of their inputs: state kept at module level would make a
      // case's decisions depend on what ran before it in the same worker (and rule out sharing the
      // modules between workflows, worker/bundle.ts).
      'no-restricted-syntax': ['error',
        { selector: 'Program > VariableDeclaration[kind!="const"], Program > ExportNamedDeclaration > VariableDeclaration[kind!="const"]', message: 'No module-level mutable state in domain/ or machines/: they must stay pure (ARCHITECTURE.md).' },
      ],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'], message: 'No I/O in domain/ or machines/ (ARCHITECTURE.md).' },
          { group: ['@temporalio/*'], message: 'domain/ and machines/ know nothing about Temporal (ARCHITECTURE.md).' },
        ],
      }],
    },
  },
);
