/**
 * Opens report.html in real Chromium (Debian's, through playwright-core) with JavaScript
 * disabled and the network cut off: every section must render from the file alone. Saves
 * screenshots (screen and print) and a PDF under test-results/diagnostics/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../electron/bench/history';
import { buildReport } from '../../../electron/diagnostics/build';
import { historyProvider, runtimeProvider } from '../../../electron/diagnostics/sources';
import { writeReport } from '../../../electron/diagnostics/write';
import { REPO_ROOT } from '../../helpers/cli';
import {
  latencies,
  realRuntime,
  runRecord,
  sampleBoards,
  seedHistory,
} from '../../helpers/diagnostics';
import { adapterSource, tempDir, writePlugin } from '../../helpers/plugins';

const CHROMIUM = '/usr/bin/chromium';
const OUT = path.join(REPO_ROOT, 'test-results', 'diagnostics');

let browser: Browser;
let htmlFile: string;
let work: string;
let store: HistoryStore;

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install the Debian package chromium (apt-get install chromium).`,
    );
  }
  work = tempDir('coral-html-');
  const pluginDir = path.join(work, 'plugins');
  writePlugin(pluginDir, {
    name: 'coral-backend-broken',
    version: '0.3.1',
    files: {
      'adapter.js': adapterSource(
        'broken',
        "throw new Error('libfoo.so.2: cannot open shared object file');",
      ),
    },
  });
  const dataDir = path.join(work, 'data');
  seedHistory(dataDir, [
    runRecord({
      id: '20250301-1000-a1b2',
      samples: latencies(2000, 7.5, 3),
      startedAt: '2025-03-01T10:00:00.000Z',
    }),
    runRecord({
      id: '20250302-0900-c3d4',
      samples: latencies(300, 21, 9),
      startedAt: '2025-03-02T09:00:00.000Z',
      adapter: 'rknn',
      target: 'rock5b',
      model: {
        path: '/models/yolov5s.rknn',
        sha256: 'cd'.repeat(32),
        size: 7_800_000,
        format: 'rknn',
      },
      warnings: ['NPU load read as 140% on core 1 (clamped to 100%).'],
    }),
  ]);
  store = HistoryStore.open(HistoryStore.fileIn(dataDir));
  const ctx = await realRuntime({
    CORAL_DATA_DIR: dataDir,
    CORAL_PLUGIN_PATH: pluginDir,
    CORAL_DISABLED_BACKENDS: 'rknn',
    CORAL_ENABLE_WEBRTC: 'off',
    CORAL_WEB_TOKEN: 'hidden-token-value',
  });
  ctx.logger.warn('boards', 'rock5b: NPU load file needs root; load is not shown');
  const { json } = await buildReport(
    {
      runtime: runtimeProvider(() => ctx),
      runs: historyProvider(() => store),
      boards: {
        boards: () => [
          ...sampleBoards(),
          {
            id: 'b2',
            name: 'orangepi5-desk',
            target: 'ssh://orangepi@192.168.1.40',
            transport: 'ssh',
          },
        ],
        refresh: (b) =>
          b.id === 'b2' ? Promise.reject(new Error('connect EHOSTUNREACH 192.168.1.40:22')) : {},
      },
    },
    { homeDir: null },
  );
  fs.mkdirSync(OUT, { recursive: true });
  htmlFile = writeReport(json, { format: 'html', out: path.join(OUT, 'report.html') }).path;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  store?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('report.html in Chromium without JavaScript', () => {
  it('renders every section, the plots and the redaction summary, and asks for nothing over the network', async () => {
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 1200, height: 900 },
    });
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    await page.goto(`file://${htmlFile}`);

    await expect(page.locator('h1').textContent()).resolves.toContain('diagnostic report');
    for (const title of ['Runtime', 'Runtime log', 'Boards', 'Benchmark runs']) {
      expect(await page.locator('section h2', { hasText: title }).count(), title).toBeGreaterThan(
        0,
      );
    }
    const runtime = page.locator('section#runtime');
    await expect(runtime.locator('text=coral-backend-broken').count()).resolves.toBeGreaterThan(0);
    await expect(runtime.locator('.callout.err', { hasText: 'libfoo.so.2' }).count()).resolves.toBe(
      1,
    );
    const tokenRow = runtime
      .locator('tr', { hasText: 'CORAL_WEB_TOKEN' })
      .filter({ hasText: '[REDACTED:token]' });
    await expect(tokenRow.count()).resolves.toBe(1);
    await expect(
      page.locator('section#boards .callout.err', { hasText: 'EHOSTUNREACH' }).count(),
    ).resolves.toBe(1);
    const plots = page.locator('section#runs svg.plot');
    expect(await plots.count()).toBe(4);
    const box = await plots.first().boundingBox();
    expect(box?.width).toBeGreaterThan(300);
    expect(await page.locator('section#runs svg.plot polyline').count()).toBe(2);
    await expect(page.locator('.banner.safe').textContent()).resolves.toMatch(/Redacted \d+ value/);
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.content()).not.toContain('hidden-token-value');
    expect(requests.every((u) => u.startsWith('file://'))).toBe(true);

    await page.screenshot({ path: path.join(OUT, 'report.png'), fullPage: true });
    await page.screenshot({ path: path.join(OUT, 'report-top.png') });
    for (const id of ['runtime', 'log', 'boards', 'runs']) {
      await page.locator(`section#${id}`).screenshot({ path: path.join(OUT, `section-${id}.png`) });
    }
    await context.close();
  });

  it('prints: the print stylesheet applies and a PDF comes out with the plots on its pages', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`file://${htmlFile}`);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('nav.toc').isVisible()).toBe(false);
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    fs.writeFileSync(path.join(OUT, 'report.pdf'), pdf);
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBeGreaterThan(1);
    expect(pages).toBeLessThan(40);
    await page.screenshot({ path: path.join(OUT, 'report-print.png'), fullPage: true });
    await context.close();
  });
});
