// Shared by the pages: theme, times in the browser's zone, DOM built from text only, API calls.
'use strict';

const THEME_KEY = 'sitewatch-theme';
const THEMES = ['system', 'light', 'dark'];

function applyTheme(theme) {
  if (theme === 'light' || theme === 'dark') {
    document.documentElement.dataset.theme = theme;
  } else {
    delete document.documentElement.dataset.theme;
  }
}

function storedTheme() {
  try {
    return localStorage.getItem(THEME_KEY) || 'system';
  } catch {
    return 'system';
  }
}

// Before the first paint: no flash of the wrong theme.
applyTheme(storedTheme());

/** The toggle cycles system → light → dark → system and remembers the choice. */
function setUpThemeToggle(button) {
  const show = () => {
    const theme = storedTheme();
    button.textContent = theme === 'system' ? 'Theme: system' : theme === 'light' ? 'Theme: light' : 'Theme: dark';
    button.dataset.theme = theme;
  };
  button.addEventListener('click', () => {
    const next = THEMES[(THEMES.indexOf(storedTheme()) + 1) % THEMES.length];
    try {
      localStorage.setItem(THEME_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    applyTheme(next);
    show();
  });
  show();
}

/** Unix seconds as a date and time in the browser's time zone. */
function formatTime(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) {
    return '—';
  }
  return new Date(seconds * 1000).toLocaleString();
}

function formatClock(seconds) {
  return new Date(seconds * 1000).toLocaleTimeString();
}

function formatNumber(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return '—';
  }
  return Math.abs(value) >= 1000 || Number.isInteger(value) ? value.toLocaleString() : value.toLocaleString(undefined, { maximumFractionDigits: 2 });
}

/**
 * An element with text content and children. Device values only ever go in through
 * textContent, never as HTML.
 */
function h(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (key === 'class') {
      element.className = value;
    } else if (key === 'text') {
      element.textContent = String(value);
    } else if (key.startsWith('on')) {
      element.addEventListener(key.slice(2), value);
    } else {
      element.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return element;
}

// Token mode (AUTH_MODE=token): the API wants the key; the page asks once and keeps it for the
// browser session (sessionStorage: gone when the tab closes, never sent to other sites).
const KEY_STORE = 'sitewatch-api-key';
let keyPrompt = null;
let memoryKey = '';

function storedKey() {
  try {
    return sessionStorage.getItem(KEY_STORE) || '';
  } catch {
    return '';
  }
}

/**
 * Asks for the API key until the server takes it; concurrent callers share one prompt, so a
 * wrong key costs one failed attempt, not one per waiting request.
 */
function askForKey(rejected) {
  keyPrompt ??= (async () => {
    for (let wrong = rejected; ; wrong = true) {
      const key = await showKeyDialog(wrong);
      const res = await fetch('/api/metrics', { headers: { 'X-API-Key': key } });
      if (res.ok) {
        try {
          sessionStorage.setItem(KEY_STORE, key);
        } catch {
          // storage refused: the key lasts for this page only
        }
        memoryKey = key;
        keyPrompt = null;
        return;
      }
    }
  })();
  return keyPrompt;
}

function showKeyDialog(rejected) {
  return new Promise((resolve) => {
    const input = h('input', { type: 'password', id: 'api-key', name: 'apiKey', autocomplete: 'current-password', required: true });
    const dialog = h(
      'dialog',
      { class: 'key-dialog', 'aria-labelledby': 'key-title' },
      h(
        'form',
        { method: 'dialog' },
        h('h2', { id: 'key-title', text: 'API key' }),
        h('p', { class: rejected ? 'error-text' : 'muted', text: rejected ? 'That key was not accepted. Try again.' : 'This sitewatch needs its API key to show data.' }),
        h('label', { for: 'api-key', text: 'Key' }),
        input,
        h('button', { type: 'submit', text: 'Continue' }),
      ),
    );
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(input.value.trim());
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

function currentKey() {
  return storedKey() || memoryKey;
}

/** A same-origin link (the CSV download) with the key as `apiKey=`, since a link sets no headers. */
function withKey(url) {
  const key = currentKey();
  return key ? `${url}${url.includes('?') ? '&' : '?'}apiKey=${encodeURIComponent(key)}` : url;
}

/** Socket.IO with the key in its handshake; a refused key asks again and reconnects. */
function connectSocket(options) {
  const socket = window.io({ ...options, auth: (send) => send(currentKey() ? { apiKey: currentKey() } : {}) });
  socket.on('connect_error', (error) => {
    if (error.message === 'unauthorized') {
      askForKey(Boolean(currentKey())).then(() => socket.connect());
    }
  });
  return socket;
}

async function api(path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers || {}) };
  const key = currentKey();
  if (key) {
    headers['X-API-Key'] = key;
  }
  const res = await fetch(path, { ...options, headers });
  if (res.status === 401) {
    await askForKey(Boolean(key));
    return api(path, options);
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    const error = new Error(body.message || `${res.status} ${res.statusText}`);
    error.status = res.status;
    throw error;
  }
  return res.status === 204 ? null : res.json();
}

/**
 * A theme colour as `rgba(…)` for Chart.js, which cannot read CSS variables or light-dark():
 * the browser resolves it on a probe element.
 */
function themeColor(variable, alpha = 1) {
  const probe = document.createElement('span');
  probe.style.color = `var(${variable})`;
  document.body.append(probe);
  const [r, g, b] = (getComputedStyle(probe).color.match(/[\d.]+/g) || [31, 111, 235]).map(Number);
  probe.remove();
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

window.sitewatch = { setUpThemeToggle, formatTime, formatClock, formatNumber, h, api, themeColor, withKey, connectSocket };
