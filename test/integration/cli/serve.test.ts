/**
 * `coral serve` as a real process: it prints a loopback URL with a token, refuses requests
 * without it, and stops cleanly on SIGTERM. Needs the built UI (out/renderer): the e2e global
 * setup and `npm run build` make it; without it the command must say so, with a hint.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe, type Served } from '../../e2e/serve';
import { REPO_ROOT, runCoral } from '../../helpers/cli';
import { tempDir } from '../../helpers/plugins';

const built = fs.existsSync(path.join(REPO_ROOT, 'out/renderer/index.html'));
let served: Served | undefined;

afterAll(async () => {
  await served?.stop();
});

function status(url: string): Promise<number> {
  return new Promise((resolve, reject) =>
    http
      .get(url, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
      .on('error', reject),
  );
}

describe('coral serve', () => {
  it('rejects a port that is not a port, as a usage error with a hint', async () => {
    const r = await runCoral(['serve', '--port', '99999'], { env: { CORAL_DATA_DIR: tempDir() } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--port 99999: not a port number/);
    expect(r.stderr).toMatch(/hint: /);
  });

  it.runIf(built)(
    'prints a loopback URL with a token, serves it only with the token, and stops on SIGTERM',
    async () => {
      served = await startServe({ CORAL_DATA_DIR: tempDir() });
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
      expect(await status(served.url)).toBe(200);
      expect(await status(`${served.origin}/`)).toBe(401);
      await served.stop();
      expect(served.output()).toContain('Stopped.');
      await expect(status(served.url)).rejects.toThrow(/ECONNREFUSED/);
      served = undefined;
    },
  );

  it.runIf(!built)('says the UI is not built, with the command that builds it', async () => {
    const r = await runCoral(['serve'], { env: { CORAL_DATA_DIR: tempDir() } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/No built UI/);
    expect(r.stderr).toMatch(/npm run build/);
  });
});
