import { defineFeature } from '../feature.ts';
import { ar, en, fr } from './messages.ts';

/**
 * The policy page's what-if, versions and escalations. The page itself stays at `/admin/policy`
 * (`pages/PolicyPage.tsx`, routed in App.tsx); this feature carries its strings, under `whatif.`.
 */
export const policyFeature = defineFeature({
  name: 'whatif',
  routes: [],
  links: [],
  messages: { en, fr, ar },
});
