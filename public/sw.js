// Branchpoint's service worker: keeps the app shell and its files so the app opens with no
// network at all — the lineage lives in localStorage, so with the shell cached the lineage view
// works offline and cold. Calls to the OpenCode server are never intercepted.
//
// One cache per build: `make dist` stamps BUILD (a hash of the hashed file names) here and in
// index.html's <meta name="branchpoint-build">, and lists the build's files in LISTED. A new
// build is a new worker with a new cache; the old caches, and every file of older builds, go
// when it activates. Only a navigation answered with this build's own shell (text/html carrying
// its build stamp) is ever kept as the shell: not a manifest, an icon, a host's 404 page or a
// proxied API answer opened in a tab.
const BUILD = '__BUILD__';
const VERSION = 'branchpoint-' + BUILD;
// The build's files, space-separated (a string: dx minifies this file, keeping only strings).
const LISTED = '__ASSETS__';
const ASSETS = LISTED.startsWith('__') ? [] : LISTED.split(' ');
const SCOPE = self.registration.scope;
const SHELL = new URL('./', SCOPE).href;
const FILES = new Set(ASSETS.map((path) => new URL(path, SCOPE).href));
// Unstamped (`dx serve` while developing): no list to keep to, so nothing is pruned.
const STAMPED = ASSETS.length > 0;

// Is this answer this build's app shell?
async function isShell(response) {
  if (!response || response.type !== 'basic' || !(response.ok || response.status === 404)) return false;
  if (!(response.headers.get('content-type') || '').toLowerCase().startsWith('text/html')) return false;
  const text = await response.clone().text();
  return text.includes(`<meta name="branchpoint-build" content="${BUILD}"`);
}

// Keeps `response` (a copy the page does not read) as the shell if it is this build's.
async function keepShell(response) {
  if (await isShell(response)) {
    const cache = await caches.open(VERSION);
    await cache.put(SHELL, response);
    await prune(cache);
  }
}

// Drops every file of this cache that is not the shell or one of this build's files.
async function prune(cache) {
  if (!STAMPED) return;
  const entries = await cache.keys();
  await Promise.all(entries.filter((r) => r.url !== SHELL && !FILES.has(r.url)).map((r) => cache.delete(r)));
}

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(VERSION);
    const shell = await fetch(SHELL, { cache: 'no-cache' });
    if (!(await isShell(shell))) throw new Error('the host did not answer with this build\'s shell');
    await cache.put(SHELL, shell);
    await cache.addAll([...FILES]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keys = await caches.keys();
    await Promise.all(keys.filter((k) => k.startsWith('branchpoint-') && k !== VERSION).map((k) => caches.delete(k)));
    await prune(await caches.open(VERSION));
    await self.clients.claim();
  })());
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
          event.waitUntil(keepShell(response.clone()));
          return response;
        })
        .catch(() => caches.open(VERSION).then((cache) => cache.match(SHELL))),
    );
    return;
  }
  if (url.pathname.includes('/assets/')) {
    // Hashed names never change: the cache first. A file of this build missing from the cache
    // is put back; one of another build is served but not kept.
    event.respondWith(
      caches.open(VERSION).then((cache) => cache.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok && (FILES.has(request.url) || !STAMPED)) event.waitUntil(cache.put(request, response.clone()));
        return response;
      }))),
    );
  }
});
