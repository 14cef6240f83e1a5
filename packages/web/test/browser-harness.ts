/**
 * What every browser test file shares: Debian's Chromium driven by playwright-core (no browser download), the
 * real server on SQLite, axe-core, screenshots at desktop and phone sizes (packages/web/test-results/, git-ignored)
 * and signing in. Mandatory under CI=true; elsewhere a file is skipped when no browser is found.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { ensureWebBuilt, WEB_ROOT } from '../../server/src/http/web-app.ts';
import { PASSWORD, startTestServer, type TestServer } from '../../server/test/server-harness.ts';

const CHROMIUM = process.env['ACCORD_CHROMIUM'] ?? '/usr/bin/chromium';
export const browserFound = existsSync(CHROMIUM);
if (!browserFound) {
  if (process.env['CI'] === 'true')
    throw new Error(`e2e: no Chromium at ${CHROMIUM}, and CI=true makes these tests mandatory`);
  console.warn(`e2e: skipped, no Chromium at ${CHROMIUM} (install Debian's chromium or set ACCORD_CHROMIUM)`);
}

export const SHOTS = join(WEB_ROOT, 'test-results', 'screenshots');
export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 800 };
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown }[];
}

/** axe-core injected into the page: serious and critical violations, described for the failure message. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol: the app's CSP (no inline script) stays in force for the app itself.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: () => Promise<{ violations: unknown[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return (violations as AxeViolation[])
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`,
    );
}

/** Checks accessibility, then saves the page at desktop and phone widths. */
export async function inspect(page: Page, name: string): Promise<void> {
  // Not `networkidle`: the live-update stream keeps a request open. Each test waits for its content first.
  await page.waitForLoadState('load');
  expect(await seriousViolations(page), `axe on ${name}`).toEqual([]);
  // Animations finished (a resized page may be mid-slide, e.g. the menu folding away), caret hidden.
  const shot = { fullPage: true, animations: 'disabled', caret: 'hide' } as const;
  await page.screenshot({ ...shot, path: join(SHOTS, `${name}-desktop.png`) });
  await page.setViewportSize(PHONE);
  await page.screenshot({ ...shot, path: join(SHOTS, `${name}-phone.png`) });
  await page.setViewportSize(DESKTOP);
}

export interface BrowserRig {
  readonly server: TestServer;
  readonly browser: Browser;
  /** Every context opened through the rig, in order; closed by `close`. */
  readonly contexts: BrowserContext[];
  /** A new context (its clock starting at the server's test clock) and a page on `/`, not signed in. */
  visitor(options?: { locale?: string; timezoneId?: string }): Promise<Page>;
  /** A new context signed in as `email` (demo password), optionally in the workspace `slug`. */
  signedIn(email: string, workspace?: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Opens a select (a combobox textbox), types `typing` first when given (a searchable select), and picks `name`
 * from its own list: the list the textbox controls (`aria-controls`), not any option of that name on the page. A
 * select of the page just left can still hold its list in the document for a moment, with the same option in it,
 * detached again and again while a click waits. A list that closes under the click (a re-render while it opens) is
 * opened again, up to three times. (What the select shows afterwards is the caller's to check: a refused change
 * puts the old value back.)
 */
export async function choose(
  page: Page,
  select: Locator,
  name: string | RegExp,
  options: { typing?: string } = {},
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      // Opened by a click unless already open (a second click would close it).
      if ((await select.getAttribute('aria-expanded')) !== 'true') await select.click({ timeout: 10_000 });
      if (options.typing !== undefined) await select.fill(options.typing, { timeout: 10_000 });
      const list = await select.getAttribute('aria-controls', { timeout: 10_000 });
      const scope = list === null ? page : page.locator(`[id="${list}"]`);
      await scope.getByRole('option', { name, exact: typeof name === 'string' }).click({ timeout: 10_000 });
      return;
    } catch (error) {
      // No Escape to close a list left open: in a modal, with the list already closed, it would close the modal.
      if (attempt === 3) throw error;
    }
  }
}

/** Runs `step`, warns when it takes over 5 s, and gives up waiting (with a warning) after 20 s. */
async function bounded(what: string, step: () => Promise<void>): Promise<void> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'gave up'>((resolve) => {
    timer = setTimeout(() => resolve('gave up'), 20_000);
  });
  const run = step().then(() => 'done' as const);
  // A step that fails after the rig gave up on it has nobody left to tell.
  run.catch(() => undefined);
  const outcome = await Promise.race([run, gaveUp]);
  clearTimeout(timer);
  const ms = Date.now() - started;
  if (outcome === 'gave up') console.warn(`browser rig: ${what} did not finish within ${ms} ms; going on`);
  else if (ms > 5_000) console.warn(`browser rig: ${what} took ${ms} ms`);
}

/** Builds the web app if needed, starts the real server on SQLite and launches Chromium. */
export async function startBrowserRig(): Promise<BrowserRig> {
  mkdirSync(SHOTS, { recursive: true });
  await ensureWebBuilt();
  const server = await startTestServer('sqlite');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];

  async function context(
    options: { locale?: string; timezoneId?: string } = {},
    workspace?: string,
  ): Promise<BrowserContext> {
    const created = await browser.newContext({
      viewport: DESKTOP,
      locale: options.locale ?? 'en-GB',
      timezoneId: options.timezoneId ?? 'Europe/Brussels',
      // The app honours the setting (theme.respectReducedMotion): no list is still sliding in when it is clicked.
      reducedMotion: 'reduce',
    });
    contexts.push(created);
    // The browser's time starts at the server's (a test clock held at T0) and then runs.
    await created.clock.install({ time: server.clock.nowMs() });
    if (workspace !== undefined)
      await created.addInitScript((slug) => window.localStorage.setItem('accord.workspace', slug), workspace);
    return created;
  }

  return {
    server,
    browser,
    contexts,
    async visitor(options) {
      const page = await (await context(options)).newPage();
      await page.goto(`${server.baseUrl}/`);
      return page;
    },
    async signedIn(email, workspace) {
      const page = await (await context({}, workspace)).newPage();
      await page.goto(`${server.baseUrl}/`);
      await page.getByLabel('E-mail').fill(email);
      await page.locator('input[type=password]').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Menu' }).waitFor();
      return page;
    },
    async close() {
      // Each step is bounded, and a slow one is named: a teardown that hangs fails the file with no clue otherwise.
      await bounded('closing the browser contexts', async () => {
        for (const c of contexts) await c.close();
      });
      await bounded('closing the browser', () => browser.close());
      await bounded('closing the server', () => server.close());
    },
  };
}
