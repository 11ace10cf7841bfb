/**
 * The Diagnostics view end to end in browser mode: the real renderer (built with Vite), the web
 * host, the handler table and real services, driven in Debian's Chromium. The preview follows
 * the switches, and Export downloads exactly the report shown, without secrets.
 */
import fs from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { strFromU8, unzipSync } from 'fflate';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type WebHost } from '../../../electron/host/server';
import { createServices } from '../../../electron/ipc/create-services';
import { IpcServer } from '../../../electron/ipc/handlers';
import { reportSchema } from '../../../electron/diagnostics/schema';
import { REPO_ROOT } from '../../helpers/cli';
import { latencies, runRecord, seedHistory } from '../../helpers/diagnostics';
import { tempDir } from '../../helpers/plugins';

const SECRET = 'view-secret-token-8d1f3a';
const OUT = path.join(REPO_ROOT, 'test-results', 'diagnostics');

let work: string;
let services: Awaited<ReturnType<typeof createServices>>;
let ipc: IpcServer;
let web: WebHost;
let browser: Browser;
const consoleErrors: string[] = [];

beforeAll(async () => {
  work = tempDir('coral-diag-view-');
  const rendererDir = path.join(work, 'renderer');
  await build({
    configFile: false,
    logLevel: 'error',
    root: path.join(REPO_ROOT, 'renderer'),
    base: './',
    plugins: [react()],
    build: { outDir: rendererDir, emptyOutDir: true, minify: false },
  });
  const dataDir = path.join(work, 'data');
  seedHistory(dataDir, [runRecord({ id: 'view-run-1', samples: latencies(400, 6, 5) })]);
  services = await createServices({
    mode: 'browser',
    env: { CORAL_DATA_DIR: dataDir, CORAL_API_TOKEN: SECRET },
    dataDir,
  });
  ipc = new IpcServer(services);
  web = await startHost({ ipc, rendererDir });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
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
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  ipc?.dispose();
  await services?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function openView(): Promise<Page> {
  const ctx = await browser.newContext({
    viewport: { width: 1400, height: 900 },
    acceptDownloads: true,
  });
  const page = await ctx.newPage();
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
  await page.goto(web.url);
  await page.getByRole('button', { name: 'Diagnostics' }).click();
  await page.getByTestId('diag-preview').waitFor();
  return page;
}

/** Text of a section of the report inside the preview's shadow root. */
const sectionText = (page: Page, id: string) =>
  page.evaluate(
    (sid) =>
      document
        .querySelector('[data-testid=diag-preview]')
        ?.shadowRoot?.querySelector(`section#${sid}`)?.textContent ?? null,
    id,
  );

describe('Diagnostics view', () => {
  it('previews the report with every section and the redaction counts', async () => {
    const page = await openView();
    await expect.poll(() => sectionText(page, 'runs')).toContain('view-run-1');
    expect(await sectionText(page, 'runtime')).toContain('onnx');
    await expect(page.getByTestId('diag-redaction').textContent()).resolves.toMatch(/token 1/);
    expect(await page.content()).not.toContain(SECRET);
    fs.mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: path.join(OUT, 'view.png') });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('follows the section switches and anonymize, and exports exactly the shown report', async () => {
    const page = await openView();
    await page.getByTestId('diag-section-runs').click({ force: true });
    await expect.poll(() => sectionText(page, 'runs')).toContain('Left out of this report');
    await page.getByTestId('diag-anonymize').click({ force: true });
    await expect
      .poll(() => page.getByTestId('diag-file-name').textContent())
      .toContain('coral-studio_host-1_');
    await page.getByTestId('diag-format-json').click();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('diag-export').click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^coral-studio_host-1_\d{8}-\d{6}Z\.json$/);
    const file = path.join(work, download.suggestedFilename());
    await download.saveAs(file);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    const report = reportSchema.parse(JSON.parse(text));
    expect(report.runs).toEqual({ status: 'omitted' });
    expect(report.redaction.anonymized).toBe(true);
    expect(report.header.hostname).toBe('host-1');
    await expect(page.getByTestId('diag-file-name').textContent()).resolves.toContain('Saved');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('exports a zip holding report.json and report.html by default', async () => {
    const page = await openView();
    await expect.poll(() => sectionText(page, 'runs')).toContain('view-run-1');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('diag-export').click(),
    ]);
    const bytes = fs.readFileSync(await download.path());
    const names = Object.keys(unzipSync(bytes));
    expect(names.map((n) => path.basename(n)).sort()).toEqual(['report.html', 'report.json']);
    for (const content of Object.values(unzipSync(bytes)))
      expect(strFromU8(content)).not.toContain(SECRET);
    await page.context().close();
  });
});
