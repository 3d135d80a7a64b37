// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const restrictedOutsideDb = {
  paths: ['better-sqlite3', 'pg', 'kysely'].map((name) => ({ name, message: 'The database is reached only through the repositories in server/src/db/.' })),
  patterns: [
    { group: ['@zohocrm/*'], message: "Zoho's SDK is used only under server/src/zoho/ (tests excepted)." },
  ],
};

/** Outside engine/, its internals (engine.deps, engine.runner) are not reached into: the engine is the only door. */
const engineDoor = ['object.name', 'object.property.name'].map((object) => ({
  selector: `MemberExpression[${object}='engine'][property.name=/^(deps|runner)$/]`,
  message: 'Call an Engine method: the engine is the only door.',
}));

/** SQL lives in repositories under server/src/db/: no statements, query builders or transactions elsewhere. */
const noSql = [
  ...['callee.object.name', 'callee.object.property.name'].map((object) => ({
    selector: `CallExpression[callee.property.name=/^(prepare|exec|pragma|transaction)$/][${object}=/^(db|tx)$/]`,
    message: 'SQL lives in repositories under server/src/db/.',
  })),
  {
    selector: 'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|executeQuery)$/]',
    message: 'SQL lives in repositories under server/src/db/.',
  },
];

export default tseslint.config(
  { ignores: ['node_modules/', 'app/', 'dist/', 'data/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': ['error', restrictedOutsideDb],
    },
  },
  {
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/env.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through server/src/env.ts.' },
      ],
    },
  },
  {
    // No SQL outside the repositories (db/); the Zoho sandbox, a separate emulator, keeps its own.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/db/**', 'server/src/sandbox/**'],
    rules: {
      'no-restricted-syntax': ['error', ...noSql],
    },
  },
  {
    // The engine is the only door: outside engine/, its internals (engine.deps, engine.runner) are not reached into.
    files: ['server/src/{routes,services,http,connector,demo,auth,mail}/**/*.ts', 'server/src/app.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...engineDoor, ...noSql],
    },
  },
  {
    files: ['server/src/db/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: restrictedOutsideDb.patterns }],
    },
  },
  {
    files: ['server/src/zoho/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: restrictedOutsideDb.paths }],
    },
  },
  {
    // The sandbox emulates Zoho with its own SQLite file (through db/open-db.ts).
    files: ['server/src/sandbox/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: restrictedOutsideDb.patterns }],
    },
  },
  {
    files: ['widget/src/**/*.{ts,tsx}'],
    ignores: ['widget/src/host/**'],
    rules: {
      'no-restricted-globals': ['error', { name: 'ZOHO', message: 'Only widget/src/host/ touches Zoho\'s embedded-app SDK.' }],
      // The server's contract is shared as types only: a value import would bundle zod into the widget.
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/server/src/**'], allowTypeImports: true, message: 'Import the server contract type-only (import type).' }] }],
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'ZOHO', message: 'Only widget/src/host/ touches Zoho\'s embedded-app SDK.' },
      ],
    },
  },
  {
    // Tests drive Zoho's own SDK against the sandbox to prove wire fidelity, and read rows with SQL
    // through test/helpers/store.ts.
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
    },
  },
);
