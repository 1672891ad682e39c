// ESLint: the recommended rules (and the type-aware ones) that this code
// already follows, so a change that breaks one is flagged before review.
// Type-aware rules read tsconfig.json, the typecheck's own project (it
// covers the JavaScript too, through checkJs).
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'bench/results/'] },
  {
    files: ['**/*.{js,ts}'],
    extends: [js.configs.recommended, tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        // Files outside tsconfig.json's include.
        projectService: { allowDefaultProject: ['eslint.config.js', 'scripts/bundle-sizes.js', 'scripts/screenshot.js', 'scripts/long-line-colour.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The typecheck resolves every name, with the right globals per file
      // (DOM, worker, Node); ESLint's list of globals would only disagree.
      'no-undef': 'off',
      // Parsers of hostile text (JSON string bodies, HTML escaping) match
      // control characters on purpose.
      'no-control-regex': 'off',
      // Callbacks are declared with method syntax in interfaces and are
      // always passed as arrow functions or bound by Lit.
      '@typescript-eslint/unbound-method': 'off',
      // Casts at the Trusted Types and Comlink boundaries say what crosses
      // them, even where the declared types already agree.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // `Reflect.get` and `JSON.parse` return `any` by their library types; the
      // other no-unsafe rules catch the uses of such values that matter.
      '@typescript-eslint/no-unsafe-return': 'off',
      // A global event map is extended by declaration merging: `interface
      // GlobalEventHandlersEventMap extends VllmChatEventMap {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
      // An async function often stands where a Promise-returning callback is
      // expected (patch acknowledgements, fakes in tests): no await needed.
      '@typescript-eslint/require-await': 'off',
      // `{ more: _more, ...rest }` drops a field by name: the underscore says so.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { varsIgnorePattern: '^_', argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Node scripts, servers and tests in JavaScript: JSON bodies and child
    // process output stay `any` under JSDoc, and `node:test`'s `test()` and
    // `describe()` return promises that the runner itself awaits.
    files: ['**/*.js'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/await-thenable': 'off',
      // `http.createServer(async (req, res) => …)`: Node ignores the promise, and the handler catches its own errors.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
    },
  },
  {
    files: ['test/**/*.js'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
