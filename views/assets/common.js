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

async function api(path, options = {}) {
  const res = await fetch(path, { ...options, headers: { Accept: 'application/json', ...(options.headers || {}) } });
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

window.sitewatch = { setUpThemeToggle, formatTime, formatClock, formatNumber, h, api, themeColor };
