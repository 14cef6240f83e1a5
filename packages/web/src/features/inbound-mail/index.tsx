import { defineFeature } from '../feature.ts';
import { InboundMailPage } from './InboundMailPage.tsx';
import { InboundMessagePage } from './InboundMessagePage.tsx';
import { ar, en, fr } from './messages.ts';

/**
 * Issue #11: inbound e-mail that could not be applied (unknown sender, mismatch, plan without e-mail, failure) is held
 * for the workspace's staff, who read it as text and replay it, attach it to a ticket or discard it.
 */
export const inboundMailFeature = defineFeature({
  name: 'inboundMail',
  routes: [
    { path: '/inbound-mail', element: <InboundMailPage /> },
    { path: '/inbound-mail/:id', element: <InboundMessagePage /> },
  ],
  links: [{ to: '/inbound-mail', label: 'inboundMail.nav.page', roles: ['admin', 'agent'] }],
  messages: { en, fr, ar },
});
