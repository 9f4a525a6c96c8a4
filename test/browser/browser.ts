import { type Browser, chromium, type ConsoleMessage, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SITEWATCH_CHROMIUM ?? '/usr/bin/chromium';

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  /** Hosts of every request other than the server's own. */
  foreignHosts: string[];
}

/** A page that records console errors, uncaught errors and requests to other hosts. */
export async function openPage(
  browser: Browser,
  baseUrl: string,
  options: { width?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<WatchedPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const own = new URL(baseUrl).host;
  const watched: WatchedPage = { page, errors: [], foreignHosts: [] };
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') {
      watched.errors.push(message.text());
    }
  });
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (
      (url.protocol === 'http:' || url.protocol === 'https:' || url.protocol === 'ws:') &&
      url.host !== own
    ) {
      watched.foreignHosts.push(url.host);
    }
  });
  return watched;
}
