import { describe, expect, it } from 'vitest';
import { analyzeSafely } from '../../src/cli/analysis.js';
import { analysis } from './fixtures.js';

describe('calling the core', () => {
  it('passes the text, path and options through', () => {
    const seen: unknown[] = [];
    const result = analyzeSafely((text, filePath, options) => (seen.push([text, filePath, options]), analysis(filePath, [])), 'x', 'a.ts', {
      keyColumns: ['sku'],
    });
    expect(seen).toEqual([['x', 'a.ts', { keyColumns: ['sku'] }]]);
    expect(result.fatal).toBeNull();
  });

  it('turns a stack overflow or any other throw into a message for the file', () => {
    const overflow = (): never => {
      throw new RangeError('Maximum call stack size exceeded');
    };
    expect(analyzeSafely(overflow, 'x', 'a.ts', {}).fatal).toEqual({
      message: 'Could not analyze this file: the code is nested too deeply to analyze.',
      line: 1,
      column: 1,
    });
    const broken = (): never => {
      throw new TypeError("Cannot read properties of undefined (reading 'type')");
    };
    expect(analyzeSafely(broken, 'x', 'a.ts', {}).fatal?.message).toBe(
      "Could not analyze this file: internal error (Cannot read properties of undefined (reading 'type')).",
    );
  });
});
