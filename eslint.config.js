import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The top-level folders of src/, lowest first (docs/architecture.md). A folder may import only from
 * folders on lower layers, never from its own layer's peers or from above, so the folders form no
 * cycle. Tests are exempt: a unit test may borrow the simulator or a fixture from anywhere.
 */
const LAYERS = [
  ['model'],
  ['util'],
  ['operators', 'resources'],
  ['config', 'providers'],
  ['policy', 'simulator'],
  ['engine'],
  ['compare', 'report', 'history', 'notify'],
  ['testing', 'ui'],
  ['pipeline'],
  ['cli'],
];

const layerRules = LAYERS.flatMap((layer, index) =>
  layer.map((folder) => {
    const forbidden = LAYERS.slice(index)
      .flat()
      .filter((other) => other !== folder);
    const upwards = `^(\\.\\./)+(${forbidden.join('|')})/`;
    const message = `src/${folder} sits below these folders (eslint.config.js LAYERS): import downwards only.`;
    return {
      files: [`src/${folder}/**/*.ts`],
      ignores: ['**/*.test.ts'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [{ regex: upwards, message }],
          },
        ],
        // A lazy `await import()` is an import too (esquery regexes cannot hold a bare slash).
        'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=/${upwards.replaceAll('/', '\\x2F')}/]`, message }],
      },
    };
  }),
);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Only the CLI and the progress UI may talk to the terminal (design.md §11).
    files: ['src/cli/**/*.ts', 'src/ui/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
  ...layerRules,
  {
    files: ['eslint.config.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Plain-JavaScript tools run by CI (no build step): no type information, may print.
    files: ['scripts/**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: { process: 'readonly' } },
    rules: { 'no-console': 'off' },
  },
);
