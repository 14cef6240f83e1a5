import { Center, Loader, useDirection } from '@mantine/core';
import { useEffect, type ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { Shell } from './components/Shell.tsx';
import { features } from './features/index.ts';
import { directionOf } from './lib/language.ts';
import { CalendarEditorPage } from './pages/CalendarEditorPage.tsx';
import { CalendarsPage } from './pages/CalendarsPage.tsx';
import { DashboardPage } from './pages/DashboardPage.tsx';
import { NewTicketPage } from './pages/NewTicketPage.tsx';
import { PolicyPage } from './pages/PolicyPage.tsx';
import { QueuePage } from './pages/QueuePage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { TicketPage } from './pages/TicketPage.tsx';
import { TicketsPage } from './pages/TicketsPage.tsx';
import { SessionProvider, useSession } from './session.tsx';

export function App() {
  return (
    <SessionProvider>
      <Routed />
    </SessionProvider>
  );
}

function Routed() {
  const { me, loading, role, language } = useSession();
  const { setDirection } = useDirection();
  useEffect(() => setDirection(directionOf(language)), [language, setDirection]);

  const publicRoutes = features.flatMap((f) => f.routes.filter((r) => r.public === true));
  const signedInRoutes = features.flatMap((f) => f.routes.filter((r) => r.public !== true));
  const gated = (
    <Gate staffHome={role === 'admin' || role === 'agent'} me={me !== null} loading={loading}>
      {signedInRoutes.map((r) => (
        <Route key={r.path} path={r.path} element={r.element} />
      ))}
    </Gate>
  );
  // Public pages (help centre, status) render for anyone, signed in or not, outside the signed-in shell.
  return (
    <Routes>
      {publicRoutes.map((r) => (
        <Route key={r.path} path={r.path} element={r.element} />
      ))}
      <Route path="*" element={gated} />
    </Routes>
  );
}

function Gate({
  me,
  loading,
  staffHome,
  children,
}: {
  me: boolean;
  loading: boolean;
  staffHome: boolean;
  children: ReactNode;
}) {
  if (loading)
    return (
      <Center h="100vh">
        <Loader size="sm" />
      </Center>
    );
  if (!me) return <SignInPage />;
  return (
    <Shell>
      <Routes>
        <Route path="/" element={<Navigate to={staffHome ? '/queue' : '/tickets'} replace />} />
        <Route path="/tickets" element={<TicketsPage />} />
        <Route path="/tickets/new" element={<NewTicketPage />} />
        <Route path="/tickets/:id" element={<TicketPage />} />
        <Route path="/queue" element={<QueuePage />} />
        <Route path="/dashboard" element={<DashboardPage />} />
        <Route path="/admin/calendars" element={<CalendarsPage />} />
        <Route path="/admin/calendars/:key" element={<CalendarEditorPage />} />
        <Route path="/admin/policy" element={<PolicyPage />} />
        {children}
        <Route path="*" element={<Navigate to="/" replace />} />
      </Routes>
    </Shell>
  );
}
