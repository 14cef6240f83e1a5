export const LANGUAGES = ['fr', 'en', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** Intl locale of each language (Arabic: Saudi conventions, Arabic-Indic digits). */
export const LOCALES: Record<Language, string> = { fr: 'fr-BE', en: 'en-GB', ar: 'ar-SA' };

export const directionOf = (language: Language): 'rtl' | 'ltr' => (language === 'ar' ? 'rtl' : 'ltr');

/** The workspace's own language, by the agreement it runs (the Belgian host writes French, the Saudi platform Arabic). */
export function workspaceLanguage(preset: string | null | undefined): Language | null {
  if (preset === 'hosting-be') return 'fr';
  if (preset === 'consulting-sa') return 'ar';
  return null;
}

export interface LanguageInputs {
  /** `?lang=` of the address: a shared link's language wins. */
  readonly query?: string | null;
  /** The signed-in user's own choice. */
  readonly userSetting?: string | null;
  /** The browser's preferences, best first (what it sends as Accept-Language). */
  readonly browser?: readonly string[];
  readonly workspaceDefault?: Language | null;
}

/** `?lang=` › the user's setting › Accept-Language › the workspace's language › French. */
export function chooseLanguage(inputs: LanguageInputs): Language {
  if (isLanguage(inputs.query)) return inputs.query;
  if (isLanguage(inputs.userSetting)) return inputs.userSetting;
  for (const tag of inputs.browser ?? []) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLanguage(primary)) return primary;
  }
  return inputs.workspaceDefault ?? 'fr';
}
