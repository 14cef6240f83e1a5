import {
  Anchor,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, call } from '../api/client.ts';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { LANGUAGES, type Language } from '../lib/language.ts';
import { useSession } from '../session.tsx';

const NAMES: Record<Language, string> = { fr: 'Français', en: 'English', ar: 'العربية' };

export function SignInPage() {
  const { t } = useTranslation();
  const { reload, language, setLanguage } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await call(api.POST('/api/v1/auth/login', { body: { email, password } }));
      await reload();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="xs" p="lg" w="100%" maw={380}>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Stack gap="sm">
            <div>
              <Title order={1}>{t('app.name')}</Title>
              <Text size="sm" c="dimmed">
                {t('signIn.intro')}
              </Text>
            </div>
            <TextInput
              label={t('signIn.email')}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.currentTarget.value)}
            />
            <PasswordInput
              label={t('signIn.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
            />
            <ErrorAlert error={error} />
            <Button type="submit" loading={busy} size="sm">
              {t('signIn.submit')}
            </Button>
            <Select
              label={t('nav.language')}
              value={language}
              allowDeselect={false}
              data={LANGUAGES.map((l) => ({ value: l, label: NAMES[l] }))}
              onChange={(l) => l !== null && setLanguage(l as Language)}
            />
            <Group gap="md">
              <Anchor component={Link} to="/help" size="xs">
                {t('signIn.publicPages')}
              </Anchor>
              <Anchor href="/docs" size="xs">
                API
              </Anchor>
            </Group>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
