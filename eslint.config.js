// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'data/**', '**/dist/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // core is pure: no I/O, no framework, no clock; and it depends on nothing of ours.
    files: ['packages/core/src/**/*.ts'],
    ignores: ['packages/core/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            'fs',
            'node:fs',
            'fs/promises',
            'node:fs/promises',
            'http',
            'node:http',
            'kysely',
            'fastify',
            'child_process',
            'node:child_process',
          ],
          patterns: ['@accord/*'],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'core takes `now` as an argument',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'core takes `now` as an argument',
        },
      ],
    },
  },
  // Import direction between server folders (see docs/architecture.md): routes → services → repositories, and the
  // lower folders never reach up. A rule per layer, each listing what that layer may not import.
  ...serverLayer(['packages/server/src/**/*.ts'], []),
  ...serverLayer(
    ['packages/server/src/{db,calendars,sla,scheduler}/**/*.ts'],
    [
      'tickets',
      'billing',
      'workspaces',
      'organizations',
      'users',
      'notifications',
      'consultations',
      'help',
      'chat',
    ],
  ),
  ...serverLayer(
    ['packages/server/src/tickets/**/*.ts'],
    ['workspaces', 'billing', 'users', 'notifications', 'consultations', 'help', 'chat'],
  ),
);

/** `no-restricted-imports` for server files: never the CLI nor the routes (except app.ts), nor the folders named. */
function serverLayer(files, forbiddenFolders) {
  const folders = ['routes', ...forbiddenFolders];
  return [
    {
      files,
      ignores: [
        'packages/server/src/app.ts',
        'packages/server/src/routes/**',
        'packages/server/src/**/*.test.ts',
      ],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: ['@accord/cli', '@accord/cli/*'], message: 'the server never depends on the CLI' },
              {
                group: folders.flatMap((f) => [`../${f}/*`, `../../${f}/*`]),
                message: `this layer does not import ${folders.join(', ')} (dependencies point inward)`,
              },
            ],
          },
        ],
      },
    },
  ];
}
