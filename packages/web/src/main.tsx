import '@mantine/core/styles.css';
import './app.css';
import { DirectionProvider, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nextProvider } from 'react-i18next';
import { BrowserRouter } from 'react-router';
import { App } from './App.tsx';
import { features } from './features/index.ts';
import { addFeatureStrings, applyLanguage, i18n } from './i18n/index.ts';
import { initialLanguage } from './session.tsx';
import { theme } from './theme.ts';

addFeatureStrings(features);
const language = initialLanguage();
applyLanguage(language);

if ('serviceWorker' in navigator && window.isSecureContext)
  void navigator.serviceWorker.register('/sw.js').catch(() => undefined);

const root = document.getElementById('root');
if (root === null) throw new Error('no #root element');
createRoot(root).render(
  <StrictMode>
    <I18nextProvider i18n={i18n}>
      <DirectionProvider initialDirection={language === 'ar' ? 'rtl' : 'ltr'} detectDirection={false}>
        <MantineProvider theme={theme}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </MantineProvider>
      </DirectionProvider>
    </I18nextProvider>
  </StrictMode>,
);
