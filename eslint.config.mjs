// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';

// Workflow code runs in Temporal's deterministic sandbox: it may import only
// @temporalio/workflow and types. Everything else belongs in activities.
const workflowForbidden = [
  ...builtinModules,
  ...builtinModules.map((m) => `node:${m}`),
  'mongoose',
  'mongodb',
  'express',
  'zod',
  'pino',
  '@temporalio/client',
  '@temporalio/worker',
  '@temporalio/activity',
  '@temporalio/testing',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'coverage/**',
      'eslint.config.mjs',
      'jest.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Activities are async by contract even when their work is synchronous.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts', 'runbooks/**/*.ts'],
    // The runbook test kit runs in the test process, not in the sandbox.
    ignores: ['runbooks/testing.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: workflowForbidden.map((name) => ({
            name,
            message: 'Workflow code runs in the Temporal sandbox: use activities for I/O.',
            allowTypeImports: true,
          })),
          patterns: [
            {
              group: ['activities', 'models', 'api', 'config', 'infra', 'stack', 'worker'].flatMap((dir) => [
                `**/${dir}`,
                `**/${dir}/**`,
              ]),
              message: 'Workflow code may import only types from these folders.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // The API runs in production images, which hold no local stack.
    files: ['api/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/stack', '**/stack/**'],
              message: 'The API must not import the local stack; shared helpers live in infra/.',
            },
          ],
        },
      ],
    },
  },
  {
    // Low layers (the html template, the post-mortem renderer) are imported by the API, never the reverse.
    files: ['infra/**/*.ts', 'postmortems/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/api', '**/api/**'],
              message: 'infra/ and postmortems/ must not import the API.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
