import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'data', 'migrations', 'coverage'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    // Pure rooms and plug-ins do no storage or queue I/O: jobs own those (design.md, "pure core, thin edges").
    files: ['src/sources/**', 'src/alerts/channels/**', 'src/analysis/**', 'src/detection/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/db/**', '**/db', 'bullmq', 'ioredis', '**/jobs/**', 'better-sqlite3'],
              message: 'pure rooms may not do storage or queue I/O',
            },
          ],
        },
      ],
    },
  },
  {
    // Test handlers are often async stand-ins for real I/O.
    files: ['tests/**'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
);
