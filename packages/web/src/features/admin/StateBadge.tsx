import { Badge } from '@mantine/core';
import type { ReactNode } from 'react';

/** Dark outline colours that keep WCAG AA contrast on white (Mantine's light variants do not). */
const TONES = {
  good: '#1e6b34',
  bad: '#a51d24',
  waiting: '#8a5300',
  info: 'accord.7',
  neutral: 'gray.7',
} as const;

export type Tone = keyof typeof TONES;

export function StateBadge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return (
    <Badge size="sm" radius="sm" color={TONES[tone]} variant="outline" tt="none" miw="max-content">
      {children}
    </Badge>
  );
}
