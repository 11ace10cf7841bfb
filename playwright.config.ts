import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: Debian's Chromium (apt package `chromium`) drives the real renderer served
 * by `coral serve` (browser mode) over real services. Never `npx playwright install`.
 * CHROMIUM_PATH points at another Chromium; E2E_SKIP_BUILD=1 reuses an existing out/ build.
 * (Test-only knobs have no CORAL_ prefix: the runtime would report them as unknown variables.)
 */
export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e-artifacts',
  globalSetup: './test/e2e/global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'off',
    actionTimeout: 15_000,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
