import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, call, setWorkspace } from './api/client.ts';
import type { paths } from './api/schema';
import { applyLanguage } from './i18n/index.ts';
import { chooseLanguage, isLanguage, LOCALES, workspaceLanguage, type Language } from './lib/language.ts';

export type Me = paths['/api/v1/me']['get']['responses'][200]['content']['application/json'];
export type Role = 'admin' | 'agent' | 'client' | 'consultant';

const LANGUAGE_KEY = 'accord.language';
const WORKSPACE_KEY = 'accord.workspace';

const stored = (key: string): string | null => {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
};
const store = (key: string, value: string): void => {
  try {
    window.localStorage.setItem(key, value);
  } catch {
    // Private mode: the choice lasts for this page only.
  }
};

/** Before anyone signs in: `?lang=`, the language chosen earlier in this browser, Accept-Language. */
export function initialLanguage(workspaceDefault: Language | null = null): Language {
  return chooseLanguage({
    query: new URLSearchParams(window.location.search).get('lang'),
    userSetting: stored(LANGUAGE_KEY),
    browser: navigator.languages,
    workspaceDefault,
  });
}

interface SessionValue {
  readonly me: Me | null;
  readonly loading: boolean;
  readonly role: Role | null;
  readonly workspace: string | null;
  readonly language: Language;
  readonly locale: string;
  /** The reader's own zone: every instant is shown in it. */
  readonly timeZone: string;
  reload(): Promise<void>;
  signOut(): Promise<void>;
  setLanguage(language: Language): void;
  chooseWorkspace(slug: string): void;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionProvider');
  return value;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [language, setLanguageState] = useState<Language>(() => initialLanguage());
  const [workspace, setWorkspaceState] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const { data, response } = await api.GET('/api/v1/me');
    if (!response.ok || data === undefined) {
      setMe(null);
      setLoading(false);
      return;
    }
    let current = data;
    if (data.current === null && data.memberships.length > 0) {
      // Several workspaces: the one chosen before in this browser, else the first.
      const remembered = stored(WORKSPACE_KEY);
      const slug =
        data.memberships.find((m) => m.workspace === remembered)?.workspace ?? data.memberships[0]!.workspace;
      setWorkspace(slug);
      current = await call(api.GET('/api/v1/me'));
    }
    setWorkspaceState(current.current?.workspace ?? null);
    setMe(current);
    setLoading(false);
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  // Signed in with no language chosen in this browser: the workspace's language applies only if the browser names
  // none of ours (chooseLanguage's order).
  useEffect(() => {
    // The user's own language (PATCH /api/v1/me) comes first, on every device they sign in on.
    if (me !== null && isLanguage(me.language)) {
      setLanguageState(me.language);
      applyLanguage(me.language);
      return;
    }
    if (me === null || isLanguage(stored(LANGUAGE_KEY))) return;
    void api.GET('/api/v1/policy').then(({ data }) => {
      const next = initialLanguage(workspaceLanguage(data?.preset));
      setLanguageState(next);
      applyLanguage(next);
    });
  }, [me]);

  const value = useMemo<SessionValue>(
    () => ({
      me,
      loading,
      role: (me?.current?.role as Role | undefined) ?? null,
      workspace,
      language,
      locale: LOCALES[language],
      timeZone: me?.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone,
      reload,
      async signOut() {
        await api.POST('/api/v1/auth/logout');
        setMe(null);
      },
      setLanguage(next) {
        store(LANGUAGE_KEY, next);
        setLanguageState(next);
        applyLanguage(next);
      },
      chooseWorkspace(slug) {
        store(WORKSPACE_KEY, slug);
        setWorkspace(slug);
        void reload();
      },
    }),
    [me, loading, workspace, language, reload],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
