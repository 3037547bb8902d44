/**
 * The configs as users write them: the README's one-line config lints TypeScript and JavaScript, a
 * CommonJS config takes the package without `.default`, and a typed `eslint.config.ts` compiles.
 * The last two read the built package (dist/, which `npm test` builds first) through its own name.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Linter } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';
import { absoluteWriteBack } from './helpers/snippets.js';

const configs = fileURLToPath(new URL('./configs/', import.meta.url));

function lint(config: Linter.Config[], code: string, filename: string): (string | null)[] {
  return new Linter({ configType: 'flat' }).verify(code, config, { filename }).map((m) => m.ruleId ?? m.message);
}

const javascript = absoluteWriteBack.replace(/: number/g, '');

describe('the recommended config on its own', () => {
  for (const filename of ['src/withdraw.ts', 'src/withdraw.mts', 'src/withdraw.cts', 'src/withdraw.tsx']) {
    it(`lints ${filename}`, () => {
      expect(lint([plugin.configs.recommended], absoluteWriteBack, filename)).toEqual(['sql-race/no-lost-update']);
    });
  }
  for (const filename of ['src/withdraw.js', 'src/withdraw.mjs', 'src/withdraw.jsx']) {
    it(`lints ${filename}`, () => {
      expect(lint([plugin.configs.recommended], javascript, filename)).toEqual(['sql-race/no-lost-update']);
    });
  }
});

describe('a CommonJS config', () => {
  it('gets the plugin from require() without .default', () => {
    const require = createRequire(`${configs}commonjs-config.cjs`);
    const config = require(`${configs}commonjs-config.cjs`) as Linter.Config[];
    expect(config[0]?.name).toBe('sql-race/recommended');
    expect(lint(config, absoluteWriteBack, 'src/withdraw.ts')).toEqual(['sql-race/no-lost-update']);
  });
});

describe('a typed eslint.config.ts with defineConfig()', () => {
  it('type-checks against the built types', () => {
    const program = ts.createProgram([`${configs}typed-config.ts`], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
    // The package resolved to the built declarations, not to the sources.
    expect(program.getSourceFiles().some((f) => f.fileName.endsWith('/dist/src/index.d.ts'))).toBe(true);
  }, 120_000); // a whole type-check of eslint's and typescript-eslint's declarations
});
