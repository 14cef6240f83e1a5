import { describe, expect, it } from 'vitest';
import { chooseLanguage, directionOf, workspaceLanguage } from './language.ts';

describe('chooseLanguage', () => {
  it.each([
    [
      '?lang= wins over everything',
      { query: 'ar', userSetting: 'en', browser: ['fr-BE'], workspaceDefault: 'fr' as const },
      'ar',
    ],
    ['an unknown ?lang= is ignored', { query: 'de', userSetting: 'en' }, 'en'],
    ['the user’s setting before the browser', { userSetting: 'en', browser: ['fr-BE'] }, 'en'],
    ['the browser’s first language we have', { browser: ['de-DE', 'ar-SA', 'fr'] }, 'ar'],
    [
      'the workspace’s language when the browser names none of ours',
      { browser: ['de-DE'], workspaceDefault: 'ar' as const },
      'ar',
    ],
    ['French when nothing is known', {}, 'fr'],
  ])('%s', (_name, inputs, expected) => {
    expect(chooseLanguage(inputs)).toBe(expected);
  });
});

describe('directionOf / workspaceLanguage', () => {
  it('lays Arabic out right to left, and reads each preset’s language', () => {
    expect(directionOf('ar')).toBe('rtl');
    expect(directionOf('fr')).toBe('ltr');
    expect(workspaceLanguage('hosting-be')).toBe('fr');
    expect(workspaceLanguage('consulting-sa')).toBe('ar');
    expect(workspaceLanguage(null)).toBeNull();
  });
});
