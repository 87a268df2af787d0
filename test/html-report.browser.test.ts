import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/run-cli.js';

/**
 * The HTML report in a real browser: Debian's headless Chromium driven by playwright-core loads
 * the golden report of test/fixtures/audit (`--framework mlps`), and must make no request
 * beyond the file itself, log no console error (a blocked inline script or style would: the page
 * pins them by CSP hash), and filter by status, severity and type. Screenshots are written to
 * test-artifacts/ (git-ignored). `.ci/run` installs chromium when it is missing;
 * DRIFTWATCH_CHROMIUM overrides the executable.
 */

const EXECUTABLE = process.env.DRIFTWATCH_CHROMIUM ?? '/usr/bin/chromium';
const REPORT = join(REPO_ROOT, 'test/fixtures/audit/golden/mlps.html');
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let profile: string;
let context: BrowserContext;
let page: Page;
const requests: string[] = [];
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(EXECUTABLE))
    throw new Error(
      `${EXECUTABLE} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does) or set DRIFTWATCH_CHROMIUM`,
    );
  profile = await mkdtemp(join(tmpdir(), 'dw-chromium-'));
  // A persistent context on a fresh directory: the profile is new for every run and removed after.
  context = await chromium.launchPersistentContext(profile, {
    executablePath: EXECUTABLE,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  context.on('request', (request) => requests.push(request.url()));
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  await page.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
  await mkdir(ARTIFACTS, { recursive: true });
}, 60_000);

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

// Evaluated in the page as text: the test project has no DOM typings.
async function texts(selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll(${JSON.stringify(selector)})].map((n) => n.textContent)`);
}

async function cellTexts(rowSelector: string): Promise<string[][]> {
  return page.evaluate<string[][]>(
    `[...document.querySelectorAll(${JSON.stringify(rowSelector)})].map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))`,
  );
}

async function visibleAddresses(): Promise<string[]> {
  return texts('#resource-list > li:not([hidden]) summary code');
}

describe('the HTML report in headless Chromium', () => {
  it('loads with no console errors and no request beyond the file itself', async () => {
    expect(await page.title()).toBe('driftwatch report as of 2026-11-29T00:00:00Z');
    expect(consoleErrors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(REPORT).href]);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
  });

  // Runs before anything else moves the focus.
  it('is usable from the keyboard: the skip link comes first, details open with Enter', async () => {
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Skip to resources');
    const summary = page.locator('#resource-list > li[data-status="compliant"] summary');
    await summary.focus();
    expect(await page.locator('#resource-list > li[data-status="compliant"] details').getAttribute('open')).toBeNull();
    await page.keyboard.press('Enter');
    expect(await page.locator('#resource-list > li[data-status="compliant"] details').getAttribute('open')).toBe('');
  });

  it('shows the summary and the MLPS controls table', async () => {
    expect(await page.textContent('h1')).toBe('driftwatch drift report');
    const controls = (await cellTexts('#controls-h + p + p + .table-wrap tbody tr')).map((cells) => cells.slice(0, 3));
    expect(controls).toEqual([
      ['8.1.2.2', '通信传输 Communication transmission', 'satisfied'],
      ['8.1.4.3', '安全审计 Security audit (computing environment)', 'waived'],
      ['8.1.4.4', '入侵防范 Intrusion prevention (computing environment)', 'unknown'],
      ['8.1.4.5', '恶意代码防范 Malicious code prevention', 'unknown'],
      ['8.1.4.8', '数据保密性 Data confidentiality', 'not satisfied'],
    ]);
  });

  it('filters by status, severity and type, and says how many are shown', async () => {
    expect(await page.isVisible('#filters')).toBe(true);
    expect(await visibleAddresses()).toHaveLength(5);

    await page.selectOption('#f-status', 'drifted');
    expect(await visibleAddresses()).toEqual(['alicloud_kms_instance.dr']);
    expect(await page.textContent('#shown')).toBe('Showing 1 of 5 resources.');

    await page.selectOption('#f-status', 'waived');
    expect(await visibleAddresses()).toEqual(['alicloud_cas_private_ca.issuing', 'alicloud_kms_instance.main']);

    await page.selectOption('#f-type', 'alicloud_kms_instance');
    expect(await visibleAddresses()).toEqual(['alicloud_kms_instance.main']);

    await page.selectOption('#f-status', '');
    await page.selectOption('#f-type', '');
    await page.selectOption('#f-severity', 'critical');
    expect(await visibleAddresses()).toEqual(['alicloud_kms_instance.dr']);

    await page.selectOption('#f-severity', 'low');
    expect(await visibleAddresses()).toEqual([]);
    expect(await page.isVisible('#no-match')).toBe(true);

    await page.click('button[type="reset"]');
    await page.waitForFunction("document.getElementById('shown').textContent === 'Showing 5 of 5 resources.'");
    expect(await visibleAddresses()).toHaveLength(5);
    expect(consoleErrors).toEqual([]);
  });

  it('keeps text contrast at WCAG AA (4.5:1) for body text, muted text, table headers and every badge', async () => {
    // Computed in the page from the rendered colours (background taken from the nearest ancestor that has one).
    const ratios = await page.evaluate<[string, number][]>(`(() => {
      const rgb = (s) => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
      const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
      const bg = (el) => { for (let e = el; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor; if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return rgb(c); } return [255, 255, 255]; };
      const ratio = (el) => { const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el)); return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
      const seen = new Map();
      for (const el of document.querySelectorAll('body, .muted, th, .badge')) { const key = el.tagName + '.' + el.className; if (!seen.has(key)) seen.set(key, ratio(el)); }
      return [...seen];
    })()`);
    expect(ratios.length).toBeGreaterThan(5);
    for (const [element, ratio] of ratios) expect(ratio, element).toBeGreaterThanOrEqual(4.5);
  });

  it('shows expected vs actual with the YAML location of each check', async () => {
    const row = await cellTexts('#resource-list > li[data-status="drifted"] tbody tr');
    expect(row).toContainEqual(['fail', 'status (expect)', 'Connected', 'Disconnected', 'critical', 'test/fixtures/audit/main.yaml:27:9']);
  });

  it('fits a phone screen without sideways scrolling of the page, and hides the filters in print', async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-phone.png'), fullPage: true });
    await page.emulateMedia({ media: 'print' });
    expect(await page.isVisible('#filters')).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    expect(requests).toHaveLength(1);
  });
});

describe('the HTML report without JavaScript', () => {
  it('shows every resource and hides the filters that would not work', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dw-chromium-nojs-'));
    const noJs = await chromium.launchPersistentContext(dir, {
      executablePath: EXECUTABLE,
      headless: true,
      args: FLAGS,
      javaScriptEnabled: false,
    });
    try {
      const urls: string[] = [];
      noJs.on('request', (request) => urls.push(request.url()));
      const p = noJs.pages()[0] ?? (await noJs.newPage());
      await p.goto(pathToFileURL(REPORT).href, { waitUntil: 'load' });
      expect(await p.isVisible('#filters')).toBe(false);
      expect(await p.locator('#resource-list > li').count()).toBe(5);
      expect(await p.locator('#resource-list > li:not([hidden])').count()).toBe(5);
      expect(urls).toEqual([pathToFileURL(REPORT).href]);
    } finally {
      await noJs.close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
