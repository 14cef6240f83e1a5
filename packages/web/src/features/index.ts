import { adminFeature } from './admin/index.tsx';
import { availabilityFeature } from './availability/index.tsx';
import { consultationsFeature } from './consultations/index.tsx';
import type { Feature } from './feature.ts';
import { helpFeature } from './help/index.tsx';
import { inboundMailFeature } from './inbound-mail/index.tsx';
import { notificationsFeature } from './notifications/index.tsx';
import { policyFeature } from './policy/index.tsx';

/** Every feature of the web app, in menu order. */
export const features: readonly Feature[] = [
  consultationsFeature,
  helpFeature,
  availabilityFeature,
  notificationsFeature,
  inboundMailFeature,
  adminFeature,
  policyFeature,
];
