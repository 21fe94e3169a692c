// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';
import { builtinModules } from 'node:module';
import path from 'node:path';

// Workflow code runs in Temporal's deterministic sandbox: of packages it may import only
// @temporalio/workflow (and @temporalio/common, which it is built on) and types.
// Everything else belongs in activities.
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

// A runbook declares its parameters as a zod schema (runbooks/sdk.ts turns it into the JSON
// Schema the API checks). zod is plain computation — no I/O, timers, host APIs or
// randomness — and a run builds the schemas when it loads the runbooks, the same on every
// replay; parameters are parsed outside the sandbox. So runbooks/ may import it; workflows/ may not.
const runbookForbidden = workflowForbidden.filter((name) => name !== 'zod');

/** @param {string[]} names */
const sandboxForbidden = (names) =>
  names.map((name) => ({
    name,
    message: 'Workflow code runs in the Temporal sandbox: use activities for I/O.',
    allowTypeImports: true,
  }));

// The layers: what each root folder may import from the others at run time
// (type-only imports are free), one entry per root folder, lowest first.
// A new root folder needs an entry here, or linting its files fails.
const layers = {
  domain: [], // pure and deterministic: types, triage, on-call maths, post-mortem drafting
  config: ['domain'], // the environment, and what an operator edits
  infra: ['domain', 'config'], // MongoDB models, logger, metrics, Temporal connection, HTTP, HTML
  workflows: ['domain', 'runbooks'], // Temporal's sandbox: see workflowForbidden too
  runbooks: ['domain', 'workflows'],
  activities: ['domain', 'config', 'infra', 'workflows'],
  worker: ['domain', 'config', 'infra', 'activities', 'workflows', 'runbooks'],
  api: ['domain', 'config', 'infra', 'workflows', 'runbooks'],
  stack: ['domain', 'config', 'infra', 'workflows', 'api', 'worker'], // the local servers, and `npm start`
  cli: ['domain', 'config', 'infra', 'workflows', 'stack'],
  bench: '*',
  test: '*',
  docs: [],
};
// Files that sit with one layer but belong above it.
const fileLayers = { 'runbooks/testing.ts': '*' }; // the author test kit runs in Jest, not in the sandbox

const root = import.meta.dirname;
/** @type {import('eslint').Rule.RuleModule} */
const layersRule = {
  meta: {
    type: 'problem',
    schema: [],
    messages: {
      unlisted: '{{from}}/ has no entry in layers (eslint.config.mjs): say what it may import.',
      upward:
        '{{from}}/ may not import {{to}}/ at run time (it may import: {{allowed}}); see layers in eslint.config.mjs.',
    },
  },
  create(context) {
    const file = path.relative(root, context.filename);
    const from = file.split(path.sep)[0];
    const allowed = fileLayers[file] ?? layers[from];
    if (allowed === undefined && from !== file) {
      return { Program: (node) => context.report({ node, messageId: 'unlisted', data: { from } }) };
    }
    if (allowed === undefined || allowed === '*') return {};
    /** @param {import('estree').Node} node @param {unknown} source @param {boolean} typeOnly */
    const check = (node, source, typeOnly) => {
      if (typeOnly || typeof source !== 'string' || !source.startsWith('.')) return;
      const to = path.relative(root, path.resolve(path.dirname(context.filename), source)).split(path.sep)[0];
      if (to === from || allowed.includes(to)) return;
      context.report({
        node,
        messageId: 'upward',
        data: { from, to, allowed: allowed.join(', ') || 'nothing' },
      });
    };
    const typeOnly = (/** @type {any} */ node) =>
      node.importKind === 'type' ||
      node.exportKind === 'type' ||
      (node.specifiers?.length > 0 &&
        node.specifiers.every((/** @type {any} */ s) => s.importKind === 'type' || s.exportKind === 'type'));
    return {
      ImportDeclaration: (node) => check(node, node.source.value, typeOnly(node)),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value, typeOnly(node)),
      ExportAllDeclaration: (node) => check(node, node.source.value, typeOnly(node)),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value, false),
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'coverage/**',
      'eslint.config.mjs',
      'jest.config.js',
      // Jest loads reporters untranspiled, and npm runs the static checks before anything is
      // compiled: plain JavaScript, like Jest's config.
      'test/slowest-files-reporter.js',
      'test/static-checks.js',
      'test/run-all.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    plugins: { fireline: { rules: { layers: layersRule } } },
    rules: {
      'fireline/layers': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // Activities are async by contract even when their work is synchronous.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            ...sandboxForbidden(workflowForbidden),
            {
              name: '@temporalio/workflow',
              importNames: ['proxyLocalActivities'],
              message:
                'No local activities: signals buffered while a task waits on one can be lost (docs/known-issues.md).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['runbooks/**/*.ts'],
    // The runbook test kit runs in the test process, not in the sandbox.
    ignores: ['runbooks/testing.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: sandboxForbidden(runbookForbidden) }] },
  },
  {
    // Route files parse, call and respond; the MongoDB queries live in each feature's store module
    // (api/<feature>/store.ts, api/analytics/queries.ts), where the JSON API and the web UI share them.
    // The only no-restricted-syntax block for these files: a second one would replace this one.
    files: [
      'api/**/routes.ts',
      'api/ui/pages/**/*.ts',
      'api/actions/**/*.ts',
      'api/health/diagnostics.ts',
      'api/app.ts',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[property.name='models']",
          message:
            "No MongoDB queries in route files: call the feature's store module (api/<feature>/store.ts, api/analytics/queries.ts).",
        },
        {
          selector: "ObjectPattern > Property[key.name='models']",
          message:
            "No MongoDB queries in route files: call the feature's store module (api/<feature>/store.ts, api/analytics/queries.ts).",
        },
      ],
    },
  },
  {
    // The worker shares these modules among all the workflows of a thread (preloadModules in
    // worker/build-bundle.ts): state at module scope would leak from one workflow into another.
    files: ['workflows/**/*.ts', 'domain/**/*.ts', 'runbooks/**/*.ts'],
    ignores: ['runbooks/testing.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector:
            "Program > VariableDeclaration[kind!='const'], Program > ExportNamedDeclaration > VariableDeclaration[kind!='const']",
          message:
            'No `let` or `var` at module scope in workflow code: the worker shares modules among workflows (worker/build-bundle.ts).',
        },
      ],
    },
  },
  {
    // Long functions hide the structure a newcomer needs to find where to add things.
    files: ['api/**/*.ts', 'activities/**/*.ts', 'workflows/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 120 }] },
  },
  {
    // The anchor style: a short workflow function wiring handlers to a state class in small modules.
    files: ['workflows/**/*.ts'],
    rules: { 'max-lines': ['error', { max: 300 }] },
  },
  {
    // The authoring API stays small enough to read; the engine lives next to the runbook workflow.
    files: ['runbooks/sdk.ts'],
    rules: { 'max-lines': ['error', { max: 250 }] },
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
