/**
 * The parses kept after use (src/project/held-parses.ts `RecentParses`): found again only for the same
 * text, the least recently used dropped first once the budget of source text is spent, and a text larger
 * than the budget never kept.
 */
import { describe, expect, it } from 'vitest';
import { RecentParses } from '../../src/project/held-parses.js';

describe('RecentParses', () => {
  it('gives a parse back only for the text it was made from', () => {
    const recent = new RecentParses<string>(100);
    recent.put('/a.ts', 'const a = 1;', 'parse of a');
    expect(recent.get('/a.ts', 'const a = 1;')).toBe('parse of a');
    expect(recent.get('/a.ts', 'const a = 2;')).toBeNull();
    expect(recent.get('/b.ts', 'const a = 1;')).toBeNull();
  });

  it('drops the least recently used first when the budget is spent', () => {
    const recent = new RecentParses<string>(30);
    recent.put('/a.ts', 'a'.repeat(10), 'A');
    recent.put('/b.ts', 'b'.repeat(10), 'B');
    recent.put('/c.ts', 'c'.repeat(10), 'C');
    // Asking for a makes it the most recent: b is now the oldest.
    expect(recent.get('/a.ts', 'a'.repeat(10))).toBe('A');
    recent.put('/d.ts', 'd'.repeat(10), 'D');
    expect(recent.get('/b.ts', 'b'.repeat(10))).toBeNull();
    expect(recent.get('/a.ts', 'a'.repeat(10))).toBe('A');
    expect(recent.get('/c.ts', 'c'.repeat(10))).toBe('C');
    expect(recent.get('/d.ts', 'd'.repeat(10))).toBe('D');
  });

  it('replaces the parse of a file whose text changed, counting its text once', () => {
    const recent = new RecentParses<string>(20);
    recent.put('/a.ts', 'a'.repeat(10), 'A1');
    recent.put('/a.ts', 'A'.repeat(10), 'A2');
    recent.put('/b.ts', 'b'.repeat(10), 'B');
    expect(recent.get('/a.ts', 'a'.repeat(10))).toBeNull();
    expect(recent.get('/a.ts', 'A'.repeat(10))).toBe('A2');
    expect(recent.get('/b.ts', 'b'.repeat(10))).toBe('B');
  });

  it('keeps no text larger than the budget, and drops what it held for that file', () => {
    const recent = new RecentParses<string>(10);
    recent.put('/a.ts', 'a'.repeat(5), 'small');
    recent.put('/a.ts', 'a'.repeat(11), 'large');
    expect(recent.get('/a.ts', 'a'.repeat(11))).toBeNull();
    expect(recent.get('/a.ts', 'a'.repeat(5))).toBeNull();
    recent.put('/b.ts', 'b'.repeat(10), 'B');
    expect(recent.get('/b.ts', 'b'.repeat(10))).toBe('B');
  });
});
