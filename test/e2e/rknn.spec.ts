/**
 * The RKNN benchmark flow in browser mode, against virtual boards: two `coral board-sim`
 * processes (an RK3588 and an RK3566 board over ssh), trusted and saved with the real CLI
 * (`coral board probe --trust-new-host`, `coral boards add`), then `coral serve` driven by
 * Debian's Chromium: upload a .rknn model, pick a board, see the verdict before Start, watch
 * latencies and NPU load per core live, and compare the runs of the two boards side by side.
 * Screenshots land in test-results/screenshots/rknn-*.png.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { startServe, type Served } from './serve';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = path.resolve('test-results', 'screenshots');

let work: string;
let dataDir: string;
let served: Served;
let page: Page;
const sims: ChildProcess[] = [];
const problems: string[] = [];

function cliEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: work, CORAL_DATA_DIR: dataDir };
}

function coral(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/cli/main.ts', ...args], {
    cwd: root,
    env: cliEnv(),
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Starts `coral board-sim` and resolves with its ssh target once it prints its targets. */
function boardSim(profile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/cli/main.ts',
        'board-sim',
        '--profile',
        profile,
        '--no-adb',
        '--json',
      ],
      { cwd: root, env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sims.push(child);
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`board-sim ${profile} printed nothing:\n${out}`)),
      30_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { targets: { ssh: string } }).targets.ssh);
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) =>
      reject(new Error(`board-sim ${profile} exited with ${code}:\n${out}`)),
    );
  });
}

async function shot(name: string, testId = 'view-bench'): Promise<void> {
  await page.getByTestId(testId).evaluate((el) => el.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: path.join(SHOTS, `rknn-${name}.png`), fullPage: false });
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-e2e-rknn-'));
  dataDir = path.join(work, 'data');
  const [rock5b, zero3w] = await Promise.all([
    boardSim('rk3588-rock5b'),
    boardSim('rk3566-zero3w'),
  ]);
  const key = path.join(dataDir, 'board-sim', 'client_ed25519');
  for (const [name, target] of [
    ['rock5b', rock5b],
    ['zero3w', zero3w],
  ]) {
    const probe = coral(['board', 'probe', target, '-i', key, '--trust-new-host']);
    expect(probe.code, probe.out).toBe(0);
    const add = coral(['boards', 'add', target, '--name', name, '-i', key]);
    expect(add.code, add.out).toBe(0);
  }
  served = await startServe({ CORAL_DATA_DIR: dataDir, HOME: work });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto(served.url);
});

test.afterAll(async () => {
  await page?.close();
  await served?.stop();
  await Promise.all(
    sims.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGTERM');
          setTimeout(() => c.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** Picks a board by name (its label gains the SoC once it has been probed). */
async function pickBoard(name: string): Promise<void> {
  const select = page.getByTestId('rknn-target-select');
  const value = await select.locator('option', { hasText: name }).getAttribute('value');
  await select.selectOption(value as string);
}

async function uploadModel(file: string): Promise<void> {
  await page.getByTestId('model-file').setInputFiles(file);
  await expect(page.locator('.chosen')).toContainText(path.basename(file));
}

test('a .rknn model gets a target, a verdict before Start, then a live run with NPU load', async () => {
  // one network exported for both NPUs (toolkit 1.6.0, which both boards' librknnrt load)
  const model = path.join(work, 'mobilenet-multi.rknn');
  const made = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      'scripts/make-rknn.ts',
      model,
      '--target',
      'rk3588,rk3566',
      '--toolkit',
      '1.6.0',
    ],
    { cwd: root, encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);

  await page.getByTestId('nav-bench').click();
  await uploadModel(model);
  await expect(page.getByTestId('adapter-select')).toHaveValue('rknn');
  const select = page.getByTestId('rknn-target-select');
  await expect(select.locator('option')).toHaveCount(3);
  await pickBoard('rock5b');
  const verdict = page.getByTestId('rknn-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'ok');
  await expect(verdict).toContainText('runs on board rock5b');
  await expect(page.getByTestId('rknn-board-facts')).toContainText('3 NPU cores');
  await page.getByTestId('rknn-core-mask').selectOption('7');
  await expect(verdict).toHaveAttribute('data-verdict', 'ok');
  await page.getByTestId('iterations').fill('2000');
  await shot('verdict-ok');

  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toContainText('running');
  await expect
    .poll(async () => Number(await page.getByTestId('received').textContent()), { timeout: 30_000 })
    .toBeGreaterThan(100);
  await expect(page.getByTestId('npu-core-2')).toContainText(/\d+%/);
  await expect(page.locator('.npu-plot')).toHaveAttribute('data-readings', /[1-9]/);
  await shot('live');
  await expect(page.getByTestId('run-status')).toContainText('finished', { timeout: 60_000 });
  await expect(page.getByTestId('stat-count')).toContainText('2,000');
  await expect(page.getByTestId('rknn-summary')).toContainText('rock5b');
  await expect(page.getByTestId('rknn-summary')).toContainText('NPU core 2 load');
  await shot('finished');
});

test('the verdict stops a model built for another SoC before Start', async () => {
  const model = path.join(work, 'yolov5s-rk3588.rknn');
  spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/make-rknn.ts', model, '--target', 'rk3588'],
    {
      cwd: root,
    },
  );
  await uploadModel(model);
  await pickBoard('zero3w');
  const verdict = page.getByTestId('rknn-verdict');
  await expect(verdict).toHaveAttribute('data-verdict', 'error');
  await expect(verdict).toContainText('is built for rk3588 but board zero3w is rk3566');
  await expect(verdict).toContainText("target_platform='rk3566'");
  await expect(page.getByTestId('start')).toBeDisabled();
  await shot('verdict-error');
});

test('runs from two boards compare side by side with their NPU load', async () => {
  await uploadModel(path.join(work, 'mobilenet-multi.rknn'));
  await pickBoard('zero3w');
  // core mask 7 is still chosen from the rk3588 run: shown, and refused for a one-core NPU
  await expect(page.getByTestId('rknn-core-mask')).toHaveValue('7');
  await expect(page.getByTestId('rknn-verdict')).toHaveAttribute('data-verdict', 'error');
  await expect(page.getByTestId('rknn-verdict')).toContainText('rk3566 has 1');
  await page.getByTestId('rknn-core-mask').selectOption('');
  await expect(page.getByTestId('rknn-verdict')).toHaveAttribute('data-verdict', /ok|warning/);
  await page.getByTestId('iterations').fill('200');
  await page.getByTestId('start').click();
  await expect(page.getByTestId('run-status')).toContainText('finished', { timeout: 60_000 });

  const rows = page.getByTestId('history-row');
  await expect(rows.filter({ hasText: 'rknn @ zero3w (rk3566)' })).toHaveCount(1);
  await expect(rows.filter({ hasText: 'rknn @ rock5b (rk3588)' })).toHaveCount(1);
  await rows.filter({ hasText: 'zero3w' }).getByRole('checkbox').check();
  await rows.filter({ hasText: 'rock5b' }).getByRole('checkbox').check();
  await page.getByTestId('compare').click();
  const compare = page.getByTestId('comparison');
  await expect(compare).toContainText('on zero3w (rk3566)');
  await expect(compare).toContainText('on rock5b (rk3588)');
  await expect(compare).toContainText('NPU core 0 load (avg)');
  await expect(compare).not.toContainText('different model files');
  await shot('compare', 'comparison');
  expect(problems).toEqual([]);
});

test('a saved rknn_benchmark log is imported as a run of the chosen board', async () => {
  const rows = page.getByTestId('history-row');
  const before = await rows.count();
  await page
    .getByTestId('import-log-file')
    .setInputFiles(path.join(root, 'test/fixtures/rknn-benchmark/rk3566-mobilenet-1.4.0.txt'));
  const outcome = page.getByTestId('import-log-outcome');
  await expect(outcome).toContainText('Imported rk3566-mobilenet-1.4.0.txt (finished)');
  await expect(outcome).toContainText('on zero3w');
  await expect(rows).toHaveCount(before + 1);
  await page
    .getByTestId('import-log-file')
    .setInputFiles(path.join(root, 'test/fixtures/rknn-benchmark/html-page.txt'));
  await expect(outcome).toContainText('html-page.txt');
  await expect(rows).toHaveCount(before + 1);
  await shot('import', 'history');
  expect(problems).toEqual([]);
});
