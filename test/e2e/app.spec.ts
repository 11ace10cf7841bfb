/**
 * The dashboard end to end, in browser mode: `coral serve` (real runtime, real plugin packages,
 * real onnxruntime benchmarks, real SQLite history) driven by Debian's Chromium.
 * Screenshots of every view land in test-results/screenshots/ (not committed).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startServe, type Served } from './serve';

const SHOTS = path.resolve('test-results', 'screenshots');
const BROKEN_MESSAGE = 'libbroken.so: cannot open shared object file: No such file or directory';

let served: Served;
let work: string;
let page: Page;
const problems: string[] = [];

function writePackage(pluginDir: string, name: string, adapterJs: string): void {
  const dir = path.join(pluginDir, 'node_modules', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name,
        version: '2.1.0',
        type: 'module',
        main: 'adapter.js',
        coral: { backends: ['./adapter.js'] },
      },
      null,
      2,
    ),
  );
  fs.writeFileSync(path.join(dir, 'adapter.js'), adapterJs);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-e2e-'));
  const pluginDir = path.join(work, 'plugins');
  writePackage(
    pluginDir,
    'coral-good-backend',
    `export default {
  name: 'good-backend',
  displayName: 'Good Backend',
  version: '2.1.0',
  modelFormats: ['.good'],
  supports() { return true; },
  activate() {},
};
`,
  );
  writePackage(
    pluginDir,
    'coral-broken-backend',
    `throw new Error(${JSON.stringify(BROKEN_MESSAGE)});\n`,
  );
  served = await startServe({
    CORAL_DATA_DIR: path.join(work, 'data'),
    CORAL_PLUGIN_PATH: pluginDir,
    CORAL_ENABLE_WEBRTC: 'maybe',
    // the Boards view tracks adb devices; no adb here, so no adb server is started on 5037
    CORAL_ADB: path.join(work, 'no-adb'),
    ANDROID_ADB_SERVER_PORT: '1',
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto(served.url);
});

test.afterAll(async () => {
  await page?.close();
  await served?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the Runtime view lists the good plugin and shows the broken one in the failure panel', async () => {
  await expect(page.getByTestId('view-runtime')).toBeVisible();
  const good = page.getByTestId('adapter-good-backend');
  await expect(good).toContainText('Good Backend');
  await expect(good).toContainText('plugin · coral-good-backend');
  await expect(good).toContainText('enabled');
  await expect(page.getByTestId('adapter-onnx')).toContainText('built-in');

  const failures = page.getByTestId('failures-panel');
  await expect(failures).toContainText('coral-broken-backend');
  await expect(failures).toContainText(BROKEN_MESSAGE);
  await failures.getByText('Stack trace').first().click();
  await expect(failures.locator('pre.stack').first()).toContainText('adapter.js');
  await expect(page.getByTestId('platform-card')).toContainText('onnx');
  await shot('runtime');
});

test('the Configuration view shows the invalid CORAL_ENABLE_WEBRTC beside its flag', async () => {
  await page.getByTestId('nav-config').click();
  const row = page.getByTestId('field-flags.webrtc');
  await expect(row.getByTestId('env-diagnostic')).toContainText(
    'CORAL_ENABLE_WEBRTC="maybe" is not a boolean',
  );
  await expect(row.getByTestId('env-diagnostic')).toContainText('1/true/yes/y/on');
  await expect(page.getByTestId('source-flags.webrtc')).toHaveText(/default/);
  await shot('configuration');
});

test('toggling a flag and applying makes its source an override, and the log says so', async () => {
  await page.getByTestId('toggle-flags.webrtc').click();
  await expect(page.getByTestId('field-flags.webrtc')).toContainText('pending');
  await page.getByTestId('apply').click();
  await expect(page.getByTestId('source-flags.webrtc')).toHaveText(/override/);
  await expect(page.getByTestId('toggle-flags.webrtc')).not.toBeChecked();
  await expect(
    page.getByText(/flags\.webrtc: true \(default\) → false \(override\)/).first(),
  ).toBeVisible();
  await shot('configuration-override');

  await page.getByTestId('nav-runtime').click();
  const log = page.getByTestId('log-panel');
  await log.getByLabel('Filter log text').fill('flags.webrtc');
  await expect(log).toContainText('flags.webrtc: true (default) → false (override)');
  await log.getByLabel('Filter log text').fill('');
});

test('a live benchmark of a sample model feeds the chart while it runs, then shows final stats', async () => {
  await page.getByTestId('nav-bench').click();
  await page.getByTestId('sample-tiny-classifier.onnx').click();
  await page.getByRole('button', { name: 'Duration' }).click();
  await page.getByTestId('duration').fill('4');
  await page.getByTestId('start').click();

  const chart = page.getByTestId('latency-chart');
  const status = page.getByTestId('run-status');
  // Points while the run is still running, and more of them a moment later.
  await expect
    .poll(
      async () =>
        (await status.innerText()).includes('running') &&
        Number(await chart.getAttribute('data-points')) > 0,
    )
    .toBe(true);
  const first = Number(await chart.getAttribute('data-total'));
  await expect
    .poll(async () => Number(await chart.getAttribute('data-total')), { timeout: 5000 })
    .toBeGreaterThan(first);
  await expect(page.getByTestId('stat-p50')).not.toHaveText('—');
  await shot('benchmarks-running');

  await expect(status).toHaveText('finished', { timeout: 20_000 });
  const final = page.getByTestId('final-stats');
  await expect(final).toBeVisible();
  await expect(final).toContainText('mean');
  await expect(page.getByTestId('stat-count')).not.toHaveText('0');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await shot('benchmarks-finished');
  // The log axis rebuilds the chart from the same samples.
  await page.getByLabel('log scale').check();
  await expect
    .poll(async () => Number(await page.getByTestId('latency-chart').getAttribute('data-points')))
    .toBeGreaterThan(0);
  await shot('benchmarks-log-scale');
  await page.getByLabel('log scale').uncheck();
});

test('cancelling a second run ends it as cancelled, and two runs can be compared', async () => {
  await page.getByTestId('duration').fill('60');
  await page.getByTestId('start').click();
  const chart = page.getByTestId('latency-chart');
  const status = page.getByTestId('run-status');
  await expect
    .poll(
      async () =>
        (await status.innerText()).includes('running') &&
        Number(await chart.getAttribute('data-points')) > 0,
    )
    .toBe(true);

  // Zoom into a window of the run: the chart keeps that window while samples keep arriving.
  await page.waitForTimeout(1500);
  const plot = chart.locator('.u-over');
  const box = (await plot.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(chart).toHaveAttribute('data-zoomed', 'true');
  const before = {
    total: Number(await chart.getAttribute('data-total')),
    points: Number(await chart.getAttribute('data-points')),
  };
  await expect
    .poll(async () => Number(await chart.getAttribute('data-total')))
    .toBeGreaterThan(before.total + 500);
  // Same window: the number of points in view did not grow with the run.
  expect(Number(await chart.getAttribute('data-points'))).toBe(before.points);
  await shot('benchmarks-zoomed');
  await plot.dblclick();
  await expect(chart).not.toHaveAttribute('data-zoomed', 'true');

  await page.getByTestId('cancel').click();
  await expect(status).toHaveText('cancelled', { timeout: 15_000 });
  await expect(page.getByTestId('history-row')).toHaveCount(2);
  await expect(page.getByTestId('history-row').first()).toContainText('cancelled');

  for (const row of await page.getByTestId('history-row').all())
    await row.getByRole('checkbox').check();
  await page.getByTestId('compare').click();
  const comparison = page.getByTestId('comparison');
  await expect(comparison).toContainText('p99');
  await expect(comparison).toContainText('×');
  await shot('benchmarks-compare');
});

test('Boards and Diagnostics have designed views, and the dark theme works', async () => {
  await page.getByTestId('nav-boards').click();
  await expect(page.getByTestId('boards-empty')).toContainText('No boards yet');
  await expect(page.getByTestId('adb-devices')).toContainText('adb is not installed');
  await shot('boards');
  await page.getByTestId('nav-diagnostics').click();
  await expect(page.getByTestId('view-diagnostics')).toBeVisible();
  await expect(page.getByText('Building the report…')).toHaveCount(0, { timeout: 30_000 });
  await shot('diagnostics');
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.getByTestId('nav-runtime').click();
  await shot('runtime-dark');
  await page.getByTestId('nav-bench').click();
  await shot('benchmarks-dark');
  await page.getByRole('button', { name: 'Light theme' }).click();
});

test('nothing went wrong in the page (no CSP violation, no uncaught error)', () => {
  expect(problems).toEqual([]);
});
