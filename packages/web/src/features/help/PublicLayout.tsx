import { Anchor, Box, Container, Group, SegmentedControl, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { LANGUAGES, type Language } from '../../lib/language.ts';
import { useSession } from '../../session.tsx';

const NAMES: Record<Language, string> = { fr: 'Français', en: 'English', ar: 'العربية' };

/** The frame of the public help pages: no sign-in, a language switch (the page turns right to left for Arabic). */
export function PublicLayout({ workspace, children }: { workspace?: string; children: ReactNode }) {
  const { t } = useTranslation();
  const { language, setLanguage, me } = useSession();
  return (
    <Box mih="100vh" bg="gray.0">
      <Box component="header" bg="accord.8" c="white" px="md" py={8}>
        <Group justify="space-between" wrap="wrap" gap="xs" maw={960} mx="auto">
          <Group gap="sm" wrap="nowrap">
            <Text
              fw={700}
              c="white"
              component={Link}
              to={workspace === undefined ? '/help' : `/help/${workspace}`}
              td="none"
            >
              {t('help.centre.title')}
            </Text>
            {workspace !== undefined && (
              <Text size="xs" c="accord.1">
                {workspace}
              </Text>
            )}
          </Group>
          <Group gap="sm" wrap="wrap">
            <SegmentedControl
              size="xs"
              aria-label={t('help.centre.language')}
              value={language}
              onChange={(l) => setLanguage(l as Language)}
              data={LANGUAGES.map((l) => ({ value: l, label: NAMES[l] }))}
            />
            {workspace !== undefined && (
              <Anchor component={Link} to={`/status/${workspace}`} c="white" size="sm">
                {t('help.centre.status')}
              </Anchor>
            )}
            <Anchor component={Link} to="/" c="white" size="sm" fw={600}>
              {me === null ? t('help.centre.signIn') : t('help.centre.backToApp')}
            </Anchor>
          </Group>
        </Group>
      </Box>
      <Container component="main" size={960} py="md">
        {children}
      </Container>
    </Box>
  );
}
