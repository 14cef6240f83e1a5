import { describe, expect, it } from 'vitest';
import { csvField } from './billing.service.ts';

describe('csvField', () => {
  it.each([
    ['plain', 'Fixed the DNS', '"Fixed the DNS"'],
    ['a number', 42, '"42"'],
    ['quotes doubled', 'say "hi"', '"say ""hi"""'],
    ['a formula', '=HYPERLINK("x")', '"\'=HYPERLINK(""x"")"'],
    ['a plus', '+1+1', '"\'+1+1"'],
    ['a minus', '-1+1', '"\'-1+1"'],
    ['an at sign', '@SUM(A1)', '"\'@SUM(A1)"'],
    ['a leading TAB', '\t=1+1', '"\'\t=1+1"'],
    ['a leading CR', '\r=1+1', '"\'\r=1+1"'],
    ['a TAB inside', 'a\tb', '"a\tb"'],
  ])('%s', (_label, value, expected) => {
    expect(csvField(value)).toBe(expected);
  });
});
