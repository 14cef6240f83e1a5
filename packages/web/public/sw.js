/* global self, URL */
// Accord's service worker: makes the app installable and receives web push. It caches nothing of the API (answers
// are per user and live); the app shell is served fresh by the server (index.html: no-cache, assets: immutable).
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', () => {});

// A push's payload (server: notifications/providers/push.provider.ts): { title, body, url, tag, ticketId, type, id }.
self.addEventListener('push', (event) => {
  let data = { title: 'Accord', body: '' };
  try {
    data = { ...data, ...event.data.json() };
  } catch {
    if (event.data) data.body = event.data.text();
  }
  const options = { body: data.body, icon: '/icon.svg', badge: '/icon.svg', data };
  // One notification per ticket and event on the device: a newer one replaces it.
  if (typeof data.tag === 'string' && data.tag !== '') options.tag = data.tag;
  event.waitUntil(self.registration.showNotification(data.title, options));
});

/** Only paths of this app are opened: a payload cannot send the user elsewhere. */
function targetOf(data) {
  const fallback = data && data.ticketId ? `/tickets/${data.ticketId}` : '/notifications';
  const url = data && typeof data.url === 'string' ? data.url : fallback;
  const resolved = new URL(url, self.location.origin);
  return resolved.origin === self.location.origin
    ? resolved.href
    : new URL(fallback, self.location.origin).href;
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = targetOf(event.notification.data);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      // A tab of the app already open is reused and brought forward.
      for (const client of windows)
        if (new URL(client.url).origin === self.location.origin && 'navigate' in client)
          return client.navigate(target).then((c) => (c ? c.focus() : self.clients.openWindow(target)));
      return self.clients.openWindow(target);
    }),
  );
});
