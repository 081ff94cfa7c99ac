// Branchpoint's service worker: keeps the app shell so the app opens with no network at all —
// the lineage lives in localStorage, so with the shell cached the lineage view works offline
// and cold. Calls to the OpenCode server are never intercepted.
// Bump VERSION to drop every older cache on the next visit (activate cleans them up).
const VERSION = 'branchpoint-shell-v1';
const SHELL = new URL('./', self.registration.scope).href;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(VERSION).then((cache) => cache.add(SHELL)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('branchpoint-') && k !== VERSION).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || !request.url.startsWith(SHELL)) return;
  if (request.mode === 'navigate') {
    // Every route is the same single page: the network first, the cached shell when offline.
    event.respondWith(
      fetch(request)
        .then((response) => {
          if (response.ok || response.status === 404) {
            const copy = response.clone();
            caches.open(VERSION).then((cache) => cache.put(SHELL, copy));
          }
          return response;
        })
        .catch(() => caches.match(SHELL)),
    );
    return;
  }
  if (url.pathname.includes('/assets/')) {
    // Hashed names never change: the cache first, filled on first use.
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) {
          const copy = response.clone();
          caches.open(VERSION).then((cache) => cache.put(request, copy));
        }
        return response;
      })),
    );
  }
});
