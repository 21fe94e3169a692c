import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

// What makes the web UI an installable app that receives Web Push: the web app manifest, its
// icons, the service worker, and the profile page's script that subscribes. Kept in TypeScript
// like ./assets.ts (no front-end toolchain). The service worker shows what the worker sends
// (infra/reach/send.ts PushPayload: {kind, title, body, urgency, tag, incidentId, openUrl, actions}).

/**
 * The service worker, served at /sw.js so its scope is the whole site. Acknowledge POSTs to
 * the payload's signed acknowledge link (no session needed: the link is the credential) and
 * says how it went in a second notification; Open (or a tap) focuses or opens the incident.
 * A confirmation code is also handed to open Fireline pages, so the profile page confirms the
 * subscription the code came through without the person typing it.
 */
export const serviceWorkerJs = `'use strict';
self.addEventListener('install', function () {
  self.skipWaiting();
});
self.addEventListener('activate', function (event) {
  event.waitUntil(self.clients.claim());
});
function payloadOf(event) {
  if (!event.data) return { title: 'Fireline', body: '' };
  try {
    return event.data.json();
  } catch (e) {
    return { title: 'Fireline', body: event.data.text() };
  }
}
self.addEventListener('push', function (event) {
  var payload = payloadOf(event);
  var actions = Array.isArray(payload.actions) ? payload.actions : [];
  var ack = actions.filter(function (a) { return a && a.action === 'acknowledge' && a.url; })[0];
  var options = {
    body: payload.body || '',
    tag: payload.tag || undefined,
    renotify: Boolean(payload.tag),
    requireInteraction: payload.urgency === 'high',
    icon: '/ui/static/icon-192.png',
    badge: '/ui/static/icon-192.png',
    actions: actions
      .filter(function (a) { return a && (a.action === 'acknowledge' || a.action === 'open'); })
      .map(function (a) { return { action: a.action, title: a.title }; }),
    data: {
      kind: payload.kind,
      incidentId: payload.incidentId,
      openUrl: payload.openUrl,
      ackUrl: ack ? ack.url : undefined,
    },
  };
  var shown = self.registration.showNotification(payload.title || 'Fireline', options);
  var told =
    payload.kind === 'contact.verification'
      ? self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
          windows.forEach(function (w) {
            w.postMessage({ kind: payload.kind, body: payload.body });
          });
        })
      : Promise.resolve();
  event.waitUntil(Promise.all([shown, told]));
});
function acknowledge(data) {
  var what = data.incidentId || 'the incident';
  return fetch(data.ackUrl, { method: 'POST', credentials: 'omit', headers: { accept: 'application/json' } })
    .then(
      function (res) {
        return res.ok ? 'Acknowledged ' + what : 'Could not acknowledge ' + what + ' (HTTP ' + res.status + '): open it';
      },
      function () {
        return 'Could not reach Fireline to acknowledge ' + what + ': open it';
      },
    )
    .then(function (text) {
      return self.registration.showNotification('Fireline', {
        body: text,
        tag: data.incidentId ? 'incident-' + data.incidentId : undefined,
        icon: '/ui/static/icon-192.png',
        data: { openUrl: data.openUrl, incidentId: data.incidentId },
      });
    });
}
function open(url) {
  return self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && 'focus' in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(url);
  });
}
self.addEventListener('notificationclick', function (event) {
  var data = event.notification.data || {};
  event.notification.close();
  if (event.action === 'acknowledge' && data.ackUrl) {
    event.waitUntil(acknowledge(data));
    return;
  }
  event.waitUntil(open(new URL(data.openUrl || '/ui/incidents', self.location.origin).href));
});
`;

/**
 * The profile page's script: "Enable push on this device" registers the service worker,
 * subscribes with the server's VAPID public key and posts the subscription as a new push
 * method; a confirmation code pushed to this browser is filled in and sent back.
 */
export const profileJs = `'use strict';
(function () {
  var button = document.getElementById('enable-push');
  var status = document.getElementById('push-status');
  function say(text) {
    if (status) status.textContent = text;
  }
  function keyBytes(base64url) {
    var base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(base64 + '==='.slice((base64.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', function (event) {
      var data = event.data || {};
      var match = data.kind === 'contact.verification' ? /code is (\\d{6})/.exec(data.body || '') : null;
      var form = document.querySelector('form[data-push-confirm]');
      if (!match || !form) return;
      form.querySelector('input[name=code]').value = match[1];
      say('Code received on this device: confirming…');
      form.submit();
    });
  }
  if (!button) return;
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    button.disabled = true;
    say('This browser cannot receive push notifications here (on an iPhone or iPad, add Fireline to the home screen first, and open it from there).');
    return;
  }
  button.addEventListener('click', function () {
    button.disabled = true;
    say('Asking for permission to notify…');
    Notification.requestPermission()
      .then(function (permission) {
        if (permission !== 'granted') throw new Error('notifications are not allowed for this site (' + permission + ')');
        say('Registering…');
        return navigator.serviceWorker.register('/sw.js', { scope: '/' });
      })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        return registration.pushManager.getSubscription().then(function (existing) {
          return (
            existing ||
            registration.pushManager.subscribe({
              userVisibleOnly: true,
              applicationServerKey: keyBytes(button.getAttribute('data-vapid-public-key')),
            })
          );
        });
      })
      .then(function (subscription) {
        var json = subscription.toJSON();
        var label = document.getElementById('push-label');
        var body = new URLSearchParams();
        body.set('_csrf', button.getAttribute('data-csrf'));
        body.set('endpoint', json.endpoint);
        body.set('p256dh', json.keys.p256dh);
        body.set('auth', json.keys.auth);
        if (label && label.value.trim()) body.set('label', label.value.trim());
        say('Saving this device…');
        return fetch('/ui/profile/push', {
          method: 'POST',
          body: body,
          credentials: 'same-origin',
          headers: { accept: 'application/json' },
        });
      })
      .then(function (res) {
        return res.json().then(function (answer) {
          if (!res.ok) throw new Error((answer.error && answer.error.message) || 'HTTP ' + res.status);
          window.location.assign(answer.next);
        });
      })
      .catch(function (err) {
        button.disabled = false;
        say('Push could not be enabled: ' + (err && err.message ? err.message : String(err)));
      });
  });
})();
`;

/** The web app manifest: what installing Fireline (Android, desktop, an iOS home screen) needs. */
export const webManifest = JSON.stringify({
  id: '/ui/incidents',
  name: 'Fireline',
  short_name: 'Fireline',
  description: 'Incident management: pages, acknowledgements and incidents',
  start_url: '/ui/incidents',
  scope: '/',
  display: 'standalone',
  background_color: '#ffffff',
  theme_color: '#1b1f24',
  icons: [
    { src: '/ui/static/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/ui/static/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/ui/static/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
});

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** Whether a point (in units of the icon's side) is inside the flame: a circle topped by a point. */
function inFlame(x: number, y: number): boolean {
  const cx = 0.5;
  const cy = 0.6;
  const r = 0.2;
  if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) return true;
  // The triangle from the tip (0.5, 0.16) down to the circle's sides.
  if (y < 0.16 || y > cy) return false;
  const half = (r * (y - 0.16)) / (cy - 0.16);
  return Math.abs(x - cx) <= half;
}

/** The sizes the manifest names. */
export const appIconSizes = [192, 512] as const;
const renderedIcons = new Map<number, Buffer>();

/** The app icon of a size, drawn on its first request (the larger takes a moment) and kept. */
export function appIconPng(size: (typeof appIconSizes)[number]): Buffer {
  let png = renderedIcons.get(size);
  if (!png) renderedIcons.set(size, (png = iconPng(size)));
  return png;
}

/** The app icon: a white flame on Fireline's red, full-bleed so it can be masked; 4×4 samples per pixel. */
function iconPng(size: number): Buffer {
  const background = [0xa5, 0x0e, 0x0e];
  const rows: Buffer[] = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let px = 0; px < size; px++) {
      let inside = 0;
      for (let sy = 0; sy < 4; sy++)
        for (let sx = 0; sx < 4; sx++)
          if (inFlame((px + (sx + 0.5) / 4) / size, (py + (sy + 0.5) / 4) / size)) inside++;
      const share = inside / 16;
      for (let c = 0; c < 3; c++)
        row[1 + px * 3 + c] = Math.round(background[c]! * (1 - share) + 255 * share);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(Buffer.concat(rows))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

export const profileScriptSrc = `/ui/static/profile.js?v=${createHash('sha256').update(profileJs).digest('hex').slice(0, 12)}`;
