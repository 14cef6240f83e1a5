import {
  Autocomplete,
  Button,
  Group,
  Paper,
  Radio,
  Select,
  Stack,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';
import type { ConsultantProfile } from './parts.tsx';

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * "Affectation directe : le client choisit un consultant spécifique" or "Système de prise en charge : la demande est
 * affichée sur le tableau des demandes disponibles": the client picks one, among the consultants available now who
 * list the specialty (and the language, when one is asked for).
 */
export function RequestConsultationPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [consultants, setConsultants] = useState<ConsultantProfile[]>([]);
  const [subject, setSubject] = useState('');
  const [description, setDescription] = useState('');
  const [specialty, setSpecialty] = useState('');
  const [language, setLanguage] = useState<string | null>(null);
  const [mode, setMode] = useState<'board' | 'direct'>('board');
  const [consultantId, setConsultantId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    call(api.GET('/api/v1/consultants'))
      .then((data) => setConsultants(data.items))
      .catch(setError);
  }, []);
  const specialties = useMemo(
    () => [...new Set(consultants.flatMap((c) => c.specialties))].sort(),
    [consultants],
  );
  const languages = useMemo(
    () => [...new Set(consultants.flatMap((c) => c.languages))].sort(),
    [consultants],
  );
  const qualified = consultants.filter(
    (c) =>
      c.availableNow &&
      (specialty.trim() === '' || c.specialties.some((s) => same(s, specialty))) &&
      (language === null || c.languages.some((l) => same(l, language))),
  );
  useEffect(() => {
    if (consultantId !== null && !qualified.some((c) => c.userId === consultantId)) setConsultantId(null);
  }, [qualified, consultantId]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await call(
        api.POST('/api/v1/consultations', {
          body: {
            subject,
            description,
            specialty: specialty.trim(),
            ...(language === null ? {} : { language }),
            ...(mode === 'direct' && consultantId !== null ? { consultantId } : {}),
          },
        }),
      );
      void navigate(`/consultations/${created.id}`);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  return (
    <Stack gap="sm" maw={760}>
      <Title order={1}>{t('consultations.request.title')}</Title>
      <form onSubmit={(e) => void submit(e)}>
        <Stack gap="sm">
          <TextInput
            label={t('consultations.request.subject')}
            required
            maxLength={200}
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
          />
          <Textarea
            label={t('consultations.request.description')}
            required
            autosize
            minRows={4}
            maxLength={10_000}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          <Group grow align="flex-start">
            <Autocomplete
              label={t('consultations.request.specialty')}
              required
              maxLength={60}
              data={specialties}
              value={specialty}
              onChange={setSpecialty}
            />
            <Select
              label={t('consultations.request.language')}
              placeholder={t('consultations.request.anyLanguage')}
              clearable
              data={languages}
              value={language}
              onChange={setLanguage}
            />
          </Group>
          <Radio.Group
            label={t('consultations.request.who')}
            value={mode}
            onChange={(v) => setMode(v as 'board' | 'direct')}
          >
            <Stack gap="xs" mt={4}>
              <Radio
                value="board"
                label={t('consultations.request.board')}
                description={t('consultations.request.boardHint')}
              />
              <Radio
                value="direct"
                label={t('consultations.request.direct')}
                description={t('consultations.request.directHint')}
              />
            </Stack>
          </Radio.Group>
          {mode === 'direct' &&
            (qualified.length === 0 ? (
              <Text size="sm" c="#8a5300">
                {t('consultations.request.noConsultant')}
              </Text>
            ) : (
              <Radio.Group
                label={t('consultations.request.consultant')}
                required
                value={consultantId}
                onChange={setConsultantId}
              >
                <Stack gap="xs" mt={4}>
                  {qualified.map((c) => (
                    <Paper key={c.userId} withBorder p="xs">
                      <Radio
                        value={c.userId}
                        label={c.name ?? c.userId}
                        description={
                          <>
                            <Text span size="xs" display="block">
                              {t('consultations.request.specialties', { list: c.specialties.join(', ') })}
                              {' · '}
                              {t('consultations.request.languages', { list: c.languages.join(', ') })}
                            </Text>
                            {c.bio !== '' && (
                              <Text span size="xs" c="dimmed" display="block">
                                {c.bio}
                              </Text>
                            )}
                          </>
                        }
                      />
                    </Paper>
                  ))}
                </Stack>
              </Radio.Group>
            ))}
          <ErrorAlert error={error} />
          <Group>
            <Button type="submit" loading={busy} disabled={mode === 'direct' && consultantId === null}>
              {t('consultations.request.submit')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Stack>
  );
}
