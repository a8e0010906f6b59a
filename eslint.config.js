// ESLint flat config: typescript-eslint's recommended rules over every TypeScript source.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always'],
    },
  },
  // The web app runs in the browser (its .tsx files parse as JSX through typescript-eslint).
  { files: ['apps/web/app/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
);
