import { Button, Group, Paper, Text, Title } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, call } from '../../api/client.ts';
import { ErrorAlert } from '../../components/ErrorAlert.tsx';

function pushSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    'serviceWorker' in navigator &&
    'PushManager' in window &&
    'Notification' in window
  );
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const raw = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(raw.length));
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

/** Subscribes this browser through the service worker (public/sw.js), with the server's VAPID key. */
export function PushOptIn() {
  const { t } = useTranslation();
  const supported = pushSupported();
  const [subscribedId, setSubscribedId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const refresh = useCallback(async () => {
    if (!supported) return;
    const registration = await navigator.serviceWorker.getRegistration('/');
    const current = await registration?.pushManager.getSubscription();
    if (current === null || current === undefined) return setSubscribedId(null);
    const { items } = await call(api.GET('/api/v1/push/subscriptions'));
    setSubscribedId(items.find((s) => s.endpoint === current.endpoint)?.id ?? null);
  }, [supported]);
  useEffect(() => {
    refresh().catch(setError);
  }, [refresh]);

  const enable = async () => {
    const registration = await navigator.serviceWorker.register('/sw.js');
    await navigator.serviceWorker.ready;
    if ((await Notification.requestPermission()) !== 'granted') return;
    const { publicKey } = await call(api.GET('/api/v1/push/vapid-public-key'));
    const subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: keyBytes(publicKey),
    });
    const json = subscription.toJSON();
    await call(
      api.POST('/api/v1/push/subscriptions', {
        body: {
          endpoint: subscription.endpoint,
          keys: { p256dh: json.keys?.['p256dh'] ?? '', auth: json.keys?.['auth'] ?? '' },
        },
      }),
    );
    await refresh();
  };
  const disable = async () => {
    const registration = await navigator.serviceWorker.getRegistration('/');
    await (await registration?.pushManager.getSubscription())?.unsubscribe();
    if (subscribedId !== null)
      await call(api.DELETE('/api/v1/push/subscriptions/{id}', { params: { path: { id: subscribedId } } }));
    await refresh();
  };
  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    action()
      .catch(setError)
      .finally(() => setBusy(false));
  };

  const denied = supported && Notification.permission === 'denied';
  return (
    <Paper withBorder p="sm" component="section" aria-labelledby="push-opt-in">
      <Title order={2} size="h4" id="push-opt-in" mb="xs">
        {t('notifications.push.title')}
      </Title>
      <ErrorAlert error={error} />
      <Group gap="sm">
        <Text size="sm" data-testid="push-state">
          {!supported
            ? t('notifications.push.unsupported')
            : denied
              ? t('notifications.push.denied')
              : subscribedId !== null
                ? t('notifications.push.enabled')
                : t('notifications.push.disabled')}
        </Text>
        {supported && !denied && (
          <Button
            size="xs"
            variant={subscribedId === null ? 'filled' : 'default'}
            loading={busy}
            onClick={() => run(subscribedId === null ? enable : disable)}
          >
            {subscribedId === null ? t('notifications.push.enable') : t('notifications.push.disable')}
          </Button>
        )}
      </Group>
    </Paper>
  );
}
