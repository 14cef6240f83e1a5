import {
  Alert,
  Button,
  Group,
  NumberInput,
  Stack,
  Switch,
  TagsInput,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import { useSession } from '../../session.tsx';
import type { ConsultantProfile } from './parts.tsx';

/** `<input type="datetime-local">` value (the reader's zone) of an instant, and back. */
const toLocalInput = (iso: string | null): string => {
  if (iso === null) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

/** The consultant's own profile: what they take (specialties, languages), how many at once, and when they are away. */
export function ProfilePage() {
  const { t } = useTranslation();
  const { me } = useSession();
  const [profile, setProfile] = useState<ConsultantProfile | null>(null);
  const [specialties, setSpecialties] = useState<string[]>([]);
  const [languages, setLanguages] = useState<string[]>([]);
  const [capacity, setCapacity] = useState<number>(5);
  const [available, setAvailable] = useState(true);
  const [awayUntil, setAwayUntil] = useState('');
  const [bio, setBio] = useState('');
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const fill = (p: ConsultantProfile) => {
    setProfile(p);
    setSpecialties(p.specialties);
    setLanguages(p.languages);
    setCapacity(p.capacity);
    setAvailable(p.available);
    setAwayUntil(toLocalInput(p.awayUntil));
    setBio(p.bio);
  };
  useEffect(() => {
    call(api.GET('/api/v1/consultants/me'))
      .then(fill)
      .catch((e: unknown) => {
        // No profile yet: the form starts empty and the first save creates it.
        if (!(e instanceof ApiError && e.status === 422)) setError(e);
      });
  }, []);

  async function save(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      fill(
        await call(
          api.PATCH('/api/v1/consultants/me', {
            body: {
              specialties,
              languages,
              capacity,
              available,
              awayUntil: awayUntil === '' ? null : new Date(awayUntil).toISOString(),
              bio,
            },
          }),
        ),
      );
      setSaved(true);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm" maw={640}>
      <Title order={1}>{t('consultations.profile.title')}</Title>
      {profile !== null && (
        <Text size="sm" c="dimmed" data-testid="profile-status">
          {me?.name} ·{' '}
          {t('consultations.profile.status', {
            status: profile.availableNow
              ? t('consultations.profile.availableNow')
              : t('consultations.profile.awayNow'),
          })}
        </Text>
      )}
      <form onSubmit={(e) => void save(e)}>
        <Stack gap="sm">
          <TagsInput
            label={t('consultations.profile.specialties')}
            value={specialties}
            onChange={setSpecialties}
            maxTags={30}
            clearable
          />
          <TagsInput
            label={t('consultations.profile.languages')}
            value={languages}
            onChange={setLanguages}
            data={['ar', 'en', 'fr']}
            maxTags={20}
          />
          <NumberInput
            label={t('consultations.profile.capacity')}
            min={0}
            max={100}
            value={capacity}
            onChange={(v) => setCapacity(typeof v === 'number' ? v : Number(v) || 0)}
            w={220}
          />
          <Switch
            label={t('consultations.profile.available')}
            checked={available}
            onChange={(e) => setAvailable(e.currentTarget.checked)}
          />
          <TextInput
            type="datetime-local"
            label={t('consultations.profile.awayUntil')}
            value={awayUntil}
            onChange={(e) => setAwayUntil(e.currentTarget.value)}
            w={260}
          />
          <Textarea
            label={t('consultations.profile.bio')}
            autosize
            minRows={3}
            maxLength={2000}
            value={bio}
            onChange={(e) => setBio(e.currentTarget.value)}
          />
          <ErrorAlert error={error} />
          {saved && (
            <Alert color="green" variant="light" p="xs" role="status">
              {t('consultations.profile.saved')}
            </Alert>
          )}
          <Group>
            <Button type="submit" loading={busy}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
