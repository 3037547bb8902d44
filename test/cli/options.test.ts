import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { wantsColor } from '../../src/cli/color.js';
import { loadConfig } from '../../src/cli/config.js';
import { parseRuleFlag } from '../../src/cli/severity.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { output: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
}

describe('arguments', () => {
  it('parses the audit command with repeatable flags', async () => {
    const { output } = capture();
    const parsed = await parseArgs(
      [
        'audit',
        'src',
        'lib',
        '--format',
        'json',
        '--rule',
        'no-lost-update=warn',
        '--rule',
        'no-check-then-act=off',
        '--ignore-pattern',
        'a/',
        '--max-warnings',
        '3',
        '--quiet',
        '--no-gitignore',
        '--jobs',
        '2',
        '--no-progress',
      ],
      output,
    );
    expect(parsed).toMatchObject({
      kind: 'audit',
      flags: {
        paths: ['src', 'lib'],
        format: 'json',
        rule: ['no-lost-update=warn', 'no-check-then-act=off'],
        ignorePattern: ['a/'],
        maxWarnings: 3,
        quiet: true,
        gitignore: false,
        progress: false,
        jobs: 2,
      },
    });
  });

  it('defaults to the current directory', async () => {
    expect(await parseArgs(['audit'], capture().output)).toMatchObject({ flags: { paths: ['.'], gitignore: true } });
  });

  it('exits 2 on a usage error and 0 on --help and --version', async () => {
    const bad = capture();
    expect(await parseArgs(['audit', '--format', 'xml'], bad.output)).toEqual({ kind: 'exit', code: 2 });
    expect(bad.err.join('')).toMatch(/Allowed choices are stylish, json, sarif/);
    expect(await parseArgs(['audit', '--max-warnings', 'many'], capture().output)).toEqual({ kind: 'exit', code: 2 });
    expect(await parseArgs(['lint'], capture().output)).toEqual({ kind: 'exit', code: 2 });
    expect(await parseArgs([], capture().output)).toEqual({ kind: 'exit', code: 2 });
    const help = capture();
    expect(await parseArgs(['audit', '--help'], help.output)).toEqual({ kind: 'exit', code: 0 });
    expect(help.out.join('')).toContain('--update-baseline');
    const version = capture();
    expect(await parseArgs(['--version'], version.output)).toEqual({ kind: 'exit', code: 0 });
    expect(version.out.join('')).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('rule severities', () => {
  it('accepts ids with or without the plugin prefix and numeric levels', () => {
    expect(parseRuleFlag('no-lost-update=warn')).toEqual(['no-lost-update', 'warn']);
    expect(parseRuleFlag('sql-race/no-lost-update:0')).toEqual(['no-lost-update', 'off']);
    expect(() => parseRuleFlag('no-such-rule=warn')).toThrow(/unknown rule "no-such-rule"/);
    expect(() => parseRuleFlag('no-lost-update=loud')).toThrow(/severity must be off, warn or error/);
    expect(() => parseRuleFlag('no-lost-update')).toThrow(/expected <rule>=<off\|warn\|error>/);
  });
});

describe('config file', () => {
  const dir = (): string => mkdtempSync(path.join(tmpdir(), 'sql-race-config-'));

  it('reads sql-race.config.json from the working directory or a parent', () => {
    const root = dir();
    writeFileSync(path.join(root, 'sql-race.config.json'), JSON.stringify({ rules: { 'no-lost-update': 'warn' }, maxWarnings: 0 }));
    mkdirSync(path.join(root, 'pkg'));
    const config = loadConfig(path.join(root, 'pkg'), undefined);
    expect(config).toMatchObject({ rules: { 'no-lost-update': 'warn' }, maxWarnings: 0, source: path.join(root, 'sql-race.config.json') });
  });

  it('reads the sql-race key of package.json and stops at the repository root', () => {
    const root = dir();
    writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'x', 'sql-race': { ignorePatterns: ['gen/'] } }));
    expect(loadConfig(root, undefined)).toMatchObject({ ignorePatterns: ['gen/'] });
    const repo = path.join(root, 'repo');
    mkdirSync(path.join(repo, '.git'), { recursive: true });
    expect(loadConfig(repo, undefined)).toBeNull();
  });

  it('rejects unknown options and wrong types with a usage error', () => {
    const root = dir();
    const file = path.join(root, 'sql-race.config.json');
    writeFileSync(file, JSON.stringify({ rule: {} }));
    expect(() => loadConfig(root, undefined)).toThrow(/unknown option "rule"/);
    writeFileSync(file, JSON.stringify({ keyColumns: 'sku' }));
    expect(() => loadConfig(root, undefined)).toThrow(/"keyColumns" must be an array of strings/);
    writeFileSync(file, '{ nope');
    expect(() => loadConfig(root, undefined)).toThrow(/is not valid JSON/);
    expect(() => loadConfig(root, 'missing.json')).toThrow(/--config: missing.json does not exist/);
  });
});

describe('colour', () => {
  it('is on for a terminal unless NO_COLOR, and FORCE_COLOR or the flag decide first', () => {
    expect(wantsColor({ isTTY: true, env: {}, flag: undefined })).toBe(true);
    expect(wantsColor({ isTTY: false, env: {}, flag: undefined })).toBe(false);
    expect(wantsColor({ isTTY: true, env: { NO_COLOR: '1' }, flag: undefined })).toBe(false);
    expect(wantsColor({ isTTY: false, env: { FORCE_COLOR: '1' }, flag: undefined })).toBe(true);
    expect(wantsColor({ isTTY: true, env: { FORCE_COLOR: '0' }, flag: undefined })).toBe(false);
    expect(wantsColor({ isTTY: false, env: {}, flag: true })).toBe(true);
  });
});
