import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import type { Feature } from '../features/feature.ts';
import { directionOf, type Language } from '../lib/language.ts';
import { ar } from './ar.ts';
import { en } from './en.ts';
import { fr } from './fr.ts';

export const i18n = i18next.createInstance();
void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, fr: { translation: fr }, ar: { translation: ar } },
  lng: 'fr',
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  initAsync: false,
});

/** Switches the language and the page's direction: `<html lang="ar" dir="rtl">`. */
export function applyLanguage(language: Language): void {
  void i18n.changeLanguage(language);
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
}

/**
 * Adds each feature's strings under the feature's name; a name that would hide app strings throws. Called once by
 * main.tsx with the registry: i18n itself does not import the features, whose pages import i18n (a cycle that left
 * the registry half-evaluated when i18n read it).
 */
export function addFeatureStrings(features: readonly Feature[]): void {
  const languages = { en, fr, ar } as const;
  for (const language of Object.keys(languages) as Language[]) {
    for (const feature of features) {
      if (feature.name in languages[language])
        throw new Error(`i18n: feature ${feature.name} collides with app strings`);
      i18n.addResourceBundle(
        language,
        'translation',
        { [feature.name]: feature.messages[language] },
        true,
        true,
      );
    }
  }
}
