import { Button, Group, Paper, Select, Text, Title } from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';

const LANGUAGES = [
  { value: 'fr', label: 'Français' },
  { value: 'en', label: 'English' },
  { value: 'ar', label: 'العربية' },
];

/** The user's own language and IANA zone (PATCH /api/v1/me): the app and the e-mails use them. */
export function ProfileSettings() {
  const { t } = useTranslation();
  const { me, reload, setLanguage } = useSession();
  const [language, setLanguageChoice] = useState<string>('');
  const [timeZone, setTimeZone] = useState<string>('');
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // The form follows the session until the user edits it: a session refresh meanwhile must not undo a choice.
  const [edited, setEdited] = useState(false);
  useEffect(() => {
    if (edited) return;
    setLanguageChoice(me?.language ?? '');
    setTimeZone(me?.timeZone ?? '');
  }, [me, edited]);
  const zones = useMemo(() => {
    const names = Intl.supportedValuesOf('timeZone');
    return [
      { value: '', label: t('notifications.profile.workspaceDefault') },
      ...(names.includes('UTC') ? names : ['UTC', ...names]).map((z) => ({ value: z, label: z })),
    ];
  }, [t]);
  const save = () => {
    setError(null);
    setSaved(false);
    const chosen = language === '' ? null : (language as 'en' | 'fr' | 'ar');
    call(api.PATCH('/api/v1/me', { body: { language: chosen, timeZone: timeZone === '' ? null : timeZone } }))
      .then(async () => {
        if (chosen !== null) setLanguage(chosen);
        await reload();
        setEdited(false);
        setSaved(true);
      })
      .catch(setError);
  };

  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="profile-settings">
      <Title order={2} size="h4" id="profile-settings">
        {t('notifications.profile.title')}
      </Title>
      <Text size="sm" c="dimmed" mb="xs">
        {t('notifications.profile.intro')}
      </Text>
      <ErrorAlert error={error} />
      <Group align="end" gap="sm">
        <Select
          label={t('notifications.profile.language')}
          data={[{ value: '', label: t('notifications.profile.workspaceDefault') }, ...LANGUAGES]}
          value={language}
          onChange={(v) => {
            setEdited(true);
            setLanguageChoice(v ?? '');
          }}
          allowDeselect={false}
          w={200}
        />
        <Select
          label={t('notifications.profile.timeZone')}
          data={zones}
          value={timeZone}
          onChange={(v) => {
            setEdited(true);
            setTimeZone(v ?? '');
          }}
          searchable
          allowDeselect={false}
          limit={50}
          w={260}
        />
        <Button size="sm" onClick={save}>
          {t('notifications.profile.save')}
        </Button>
        {saved && (
          <Text size="sm" c="teal.9" role="status">
            {t('notifications.profile.saved')}
          </Text>
        )}
      </Group>
    </Paper>
  );
}
