/**
 * The Boards view in browser mode, against real parts: a `coral board-sim` process (an RK3588
 * virtual board speaking SSH and ADB), a real adb server (Debian's adb), `coral serve` and
 * Debian's Chromium. A board is added from a ~/.ssh/config alias, its host key trusted in the
 * dialog after comparing the fingerprint, its probe card and live telemetry charts fill in; an
 * adb device shows up by itself; a virtual board starts from the UI; a board that comes back
 * with another host key is refused with both fingerprints shown.
 * Screenshots land in test-results/screenshots/boards-*.png.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test, type Page } from '@playwright/test';
import { generateKeyPair } from '../../electron/boards/sim/keys';
import { startAdbServer, type AdbServerHandle } from '../helpers/adb';
import { startServe, type Served } from './serve';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = path.resolve('test-results', 'screenshots');

let work: string;
let home: string;
let dataDir: string;
let served: Served;
let adb: AdbServerHandle;
let page: Page;
const sims = new Set<ChildProcess>();
const problems: string[] = [];

interface SimInfo {
  child: ChildProcess;
  ssh: string;
  adb?: string;
  sshPort: number;
  fingerprint: string;
}

/**
 * Starts `coral board-sim` with its own data directory (so its host key is its own) and
 * resolves once it prints its targets. It accepts the keys in $HOME/.ssh.
 */
function boardSim(simData: string, args: string[] = []): Promise<SimInfo> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'electron/cli/main.ts',
        'board-sim',
        '--profile',
        'rk3588-rock5b',
        '--json',
        ...args,
      ],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: home, CORAL_DATA_DIR: simData },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    sims.add(child);
    child.once('exit', () => sims.delete(child));
    let out = '';
    const timer = setTimeout(() => reject(new Error(`board-sim printed nothing:\n${out}`)), 30_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.trim().startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      const info = JSON.parse(line) as {
        targets: { ssh: string; adb?: string };
        hostKeyFingerprint: string;
      };
      resolve({
        child,
        ssh: info.targets.ssh,
        ...(info.targets.adb ? { adb: info.targets.adb } : {}),
        sshPort: Number(new URL(info.targets.ssh).port),
        fingerprint: info.hostKeyFingerprint,
      });
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`board-sim exited with ${code}:\n${out}`)));
  });
}

function stopProcess(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGTERM');
    setTimeout(() => c.kill('SIGKILL'), 5000).unref();
  });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(SHOTS, `boards-${name}.png`), fullPage: false });
}

let rock5b: SimInfo;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  fs.mkdirSync(SHOTS, { recursive: true });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'coral-e2e-boards-'));
  home = path.join(work, 'home');
  dataDir = path.join(work, 'data');
  // the user's own key: the virtual board accepts ~/.ssh/*.pub, the app tries ~/.ssh/id_ed25519
  fs.mkdirSync(path.join(home, '.ssh'), { recursive: true, mode: 0o700 });
  const pair = generateKeyPair('e2e@coral');
  fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519'), pair.privateKey, { mode: 0o600 });
  fs.writeFileSync(path.join(home, '.ssh', 'id_ed25519.pub'), `${pair.publicKey}\n`);

  adb = await startAdbServer();
  rock5b = await boardSim(path.join(work, 'sim-a'));
  fs.writeFileSync(
    path.join(home, '.ssh', 'config'),
    `Host rock5b-lab\n  HostName 127.0.0.1\n  Port ${rock5b.sshPort}\n  User root\n\nHost *.lab\n  User radxa\n`,
  );
  served = await startServe({
    CORAL_DATA_DIR: dataDir,
    HOME: home,
    ANDROID_ADB_SERVER_PORT: String(adb.port),
    CORAL_ADB: adb.env.CORAL_ADB as string,
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto(served.url.replace(/#.*$/, '') + '#/boards');
});

test.afterAll(async () => {
  await page?.close();
  await served?.stop();
  await Promise.all([...sims].map(stopProcess));
  await adb?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('a board from a ~/.ssh/config alias: trust its fingerprint, probe card, live telemetry', async () => {
  await expect(page.getByTestId('boards-empty')).toBeVisible();
  await expect(page.getByTestId('adb-devices')).toBeVisible();
  await shot('empty');

  await page.getByTestId('open-add').click();
  const dialog = page.getByTestId('add-board-dialog');
  await expect(dialog.getByTestId('alias-rock5b-lab')).toContainText(
    `root@127.0.0.1:${rock5b.sshPort}`,
  );
  // wildcard patterns are not aliases
  await expect(dialog.locator('.alias-chip')).toHaveCount(1);
  await dialog.getByTestId('alias-rock5b-lab').click();
  await expect(dialog.getByTestId('add-target')).toHaveValue('rock5b-lab');
  await shot('add');
  await dialog.getByTestId('add-submit').click();

  const trust = page.getByTestId('trust-dialog');
  await expect(trust).toBeVisible();
  await expect(trust.getByTestId('host-key-fingerprint')).toHaveAttribute(
    'data-fingerprint',
    rock5b.fingerprint,
  );
  await expect(trust).toContainText(`127.0.0.1:${rock5b.sshPort}`);
  await shot('trust');
  await trust.getByTestId('trust-always').click();
  await expect(trust).toBeHidden();

  const detail = page.getByTestId('board-detail');
  await expect(detail.getByTestId('board-state')).toHaveText('connected');
  await expect(detail.getByTestId('probe-soc')).toContainText('rk3588');
  await expect(detail.getByTestId('probe-npu')).toContainText('3 cores');
  await expect(detail.getByTestId('probe-librknnrt')).toContainText('2.3.0');
  // telemetry at 1 Hz: the NPU chart draws three cores and keeps receiving points
  const npu = detail.getByTestId('telemetry-npu');
  await expect(npu.locator('.tele-key')).toHaveCount(3);
  await expect
    .poll(async () => Number(await npu.locator('.tele-plot').getAttribute('data-points')), {
      timeout: 20_000,
    })
    .toBeGreaterThanOrEqual(4);
  await expect(detail.getByTestId('telemetry-cpu').locator('.tele-plot')).toHaveAttribute(
    'data-points',
    /[1-9]/,
  );
  await expect(page.getByTestId('board-item-rock5b-lab')).toContainText('rk3588');
  await shot('connected');
  await page.getByTestId('telemetry').scrollIntoViewIfNeeded();
  await shot('telemetry');

  // the key was saved in the app's known_hosts ("Trust and remember")
  expect(fs.readFileSync(path.join(dataDir, 'known_hosts'), 'utf8')).toContain(
    `[127.0.0.1]:${rock5b.sshPort} ssh-ed25519`,
  );
});

test('an adb device shows up by itself, with its state explained', async () => {
  const serial = (rock5b.adb as string).replace('adb+tcp://', '');
  const r = await adb.adb('connect', serial);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const device = page.getByTestId(`adb-device-${serial}`);
  await expect(device).toBeVisible({ timeout: 20_000 });
  await expect(device).toContainText('device');
  await expect(device).toContainText('connected and ready');
  await page.getByTestId('adb-devices').scrollIntoViewIfNeeded();
  await shot('adb');
});

test('a virtual board started from the UI is labelled virtual and probed', async () => {
  await page.getByTestId('open-virtual').click();
  const dialog = page.getByTestId('virtual-dialog');
  await expect(dialog.getByTestId('profile-rk3566-zero3w')).toContainText('rk3566');
  await dialog.getByTestId('profile-rk3566-zero3w').click();
  await shot('virtual-dialog');
  await dialog.getByTestId('virtual-start').click();
  await expect(dialog).toBeHidden();
  const detail = page.getByTestId('board-detail');
  await expect(detail.locator('.panel-head').first()).toContainText('virtual');
  await expect(detail.getByTestId('board-state')).toHaveText('connected');
  await expect(detail.getByTestId('probe-soc')).toContainText('rk3566', { timeout: 20_000 });
  await expect
    .poll(
      async () =>
        Number(
          await detail
            .getByTestId('telemetry-npu')
            .locator('.tele-plot')
            .getAttribute('data-points'),
        ),
      { timeout: 20_000 },
    )
    .toBeGreaterThanOrEqual(3);
  await page.evaluate(() => document.querySelector('.main')?.scrollTo(0, 0));
  await shot('virtual');

  // a benchmark on the board (the CLI, as another user would) loads its NPU; this board's
  // driver prints absurd loads while busy, which the chart marks and the panel flags
  const target = (await detail.locator('.board-meta .mono').textContent()) as string;
  const model = path.join(work, 'mobilenet-rk3566.rknn');
  const made = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/make-rknn.ts', model, '--target', 'rk3566', '--toolkit', '1.6.0'],
    { cwd: root, encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);
  const bench = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'electron/cli/main.ts',
      'bench',
      model,
      '--board',
      target,
      '-i',
      path.join(dataDir, 'board-sim', 'client_ed25519'),
      '--trust-new-host',
      '--loops',
      '400',
      '--no-save',
    ],
    {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: home, CORAL_DATA_DIR: path.join(work, 'cli') },
      stdio: 'ignore',
    },
  );
  sims.add(bench);
  bench.once('exit', () => sims.delete(bench));
  await expect(detail.getByTestId('npu-absurd')).toContainText('absurd NPU reading', {
    timeout: 40_000,
  });
  await page.getByTestId('telemetry').scrollIntoViewIfNeeded();
  await shot('absurd');
  await stopProcess(bench);
});

test('a board that wants a password: trusted once, the password asked and never saved', async () => {
  const secret = 'e2e-Pa55word-never-saved';
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/e2e/password-board.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: home, SIM_PASSWORD: secret },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  sims.add(child);
  child.once('exit', () => sims.delete(child));
  const sim = await new Promise<{ ssh: string; fingerprint: string }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`password board printed nothing: ${out}`)),
      30_000,
    );
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { ssh: string; fingerprint: string });
      }
    });
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  });

  await page.getByTestId('open-add').click();
  const dialog = page.getByTestId('add-board-dialog');
  await dialog.getByTestId('add-target').fill(sim.ssh);
  await dialog.getByTestId('add-name').fill('pico');
  await dialog.getByTestId('add-submit').click();
  const trust = page.getByTestId('trust-dialog');
  await expect(trust.getByTestId('host-key-fingerprint')).toHaveAttribute(
    'data-fingerprint',
    sim.fingerprint,
  );
  await trust.getByTestId('trust-once').click();
  const ask = page.getByTestId('secret-dialog');
  await expect(ask).toContainText(`Password for root@127.0.0.1:${new URL(sim.ssh).port}`);
  await ask.getByTestId('secret-input').fill(secret);
  await shot('password');
  await ask.getByTestId('secret-submit').click();
  await expect(ask).toBeHidden();
  const detail = page.getByTestId('board-detail');
  await expect(detail.getByTestId('board-state')).toHaveText('connected');
  await expect(detail.getByTestId('probe-soc')).toContainText('rv1106');

  // "once" saved no key; the password is in no file of the data directory
  const files = fs
    .readdirSync(dataDir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.join(d.parentPath, d.name));
  for (const f of files) expect(fs.readFileSync(f, 'latin1'), f).not.toContain(secret);
  expect(fs.readFileSync(path.join(dataDir, 'known_hosts'), 'utf8')).not.toContain(
    `:${new URL(sim.ssh).port}]`,
  );
  await detail.getByTestId('board-remove').click();
  await detail.getByTestId('board-remove-confirm').click();
  await expect(page.getByTestId('board-item-pico')).toBeHidden();
  await stopProcess(child);
});

test('dark theme', async () => {
  await page.getByTestId('board-item-rock5b-lab').click();
  await page.getByRole('button', { name: 'Dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByTestId('probe-soc')).toContainText('rk3588');
  await shot('dark');
  await page.getByRole('button', { name: 'Light theme' }).click();
});

test('a board that comes back with another host key is refused, both fingerprints shown', async () => {
  const detail = page.getByTestId('board-detail');
  await detail.getByTestId('board-disconnect').click();
  await expect(detail.getByTestId('board-state')).toHaveText('not connected');
  await stopProcess(rock5b.child);
  // its adb side went with it; `adb disconnect` (the network analogue of unplugging) removes
  // the device, and the panel says it went away
  const serial = (rock5b.adb as string).replace('adb+tcp://', '');
  await adb.adb('disconnect', serial);
  await expect(page.getByTestId(`adb-device-${serial}`)).toBeHidden({ timeout: 20_000 });
  await expect(page.getByTestId('adb-gone')).toContainText(`${serial} went away`);
  // same port, another data directory: another host key
  const impostor = await boardSim(path.join(work, 'sim-b'), [
    '--ssh-port',
    String(rock5b.sshPort),
    '--no-adb',
  ]);
  expect(impostor.fingerprint).not.toBe(rock5b.fingerprint);
  await detail.getByTestId('board-connect').click();
  const refusal = detail.getByTestId('host-key-changed');
  await expect(refusal).toBeVisible();
  await expect(refusal.getByTestId('key-expected')).toHaveText(rock5b.fingerprint);
  await expect(refusal.getByTestId('key-actual')).toHaveText(impostor.fingerprint);
  await expect(refusal).toContainText('ssh-keygen -R');
  await expect(page.getByTestId('trust-dialog')).toBeHidden();
  await shot('changed-key');
  expect(problems).toEqual([]);
});
