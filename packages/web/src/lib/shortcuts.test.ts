// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { isTyping } from './shortcuts.ts';

describe('isTyping', () => {
  it('keeps shortcuts out of fields being typed in', () => {
    const input = document.createElement('input');
    const textarea = document.createElement('textarea');
    const button = document.createElement('button');
    expect(isTyping(input)).toBe(true);
    expect(isTyping(textarea)).toBe(true);
    expect(isTyping(button)).toBe(false);
    expect(isTyping(null)).toBe(false);
  });
});
