import { defineFeature } from '../feature.ts';
import { ArticleEditorPage } from './ArticleEditorPage.tsx';
import { ArticlesPage } from './ArticlesPage.tsx';
import { ChatConsolePage } from './ChatConsolePage.tsx';
import { ChatWidget } from './ChatWidget.tsx';
import { HelpArticlePage } from './HelpArticlePage.tsx';
import { HelpCentrePage, HelpIndexPage } from './HelpCentrePage.tsx';
import { ar, en, fr } from './messages.ts';

/**
 * Issue #15, the consultation agreement's 24/7 channels: the public help centre (no sign-in), the staff's articles
 * and statistics, the client's chat widget on every page and the agents' chat console.
 */
export const helpFeature = defineFeature({
  name: 'help',
  routes: [
    { path: '/help', element: <HelpIndexPage />, public: true },
    { path: '/help/:workspace', element: <HelpCentrePage />, public: true },
    { path: '/help/:workspace/:slug', element: <HelpArticlePage />, public: true },
    { path: '/articles', element: <ArticlesPage /> },
    { path: '/articles/new', element: <ArticleEditorPage /> },
    { path: '/articles/:id', element: <ArticleEditorPage /> },
    { path: '/chats', element: <ChatConsolePage /> },
  ],
  links: [
    { to: '/chats', label: 'help.nav.console', roles: ['admin', 'agent'] },
    { to: '/articles', label: 'help.nav.articles', roles: ['admin', 'agent'] },
    { to: '/help', label: 'help.nav.centre', roles: ['client', 'consultant'] },
  ],
  messages: { en, fr, ar },
  overlay: ChatWidget,
});
