import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createServices } from '../../../electron/ipc/create-services';
import { IpcServer } from '../../../electron/ipc/handlers';
import { decodeMessage, encodeMessage, type ServerMessage } from '../../../electron/ipc/wire';
import { startHost, type WebHost } from '../../../electron/host/server';
import { invalidRequests } from '../../helpers/ipc-fuzz';
import { tempDir } from '../../helpers/plugins';

let services: Awaited<ReturnType<typeof createServices>>;
let ipc: IpcServer;
let host: WebHost;

beforeAll(async () => {
  const dataDir = tempDir('coral-host-');
  const renderer = tempDir('coral-host-renderer-');
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Coral</title>');
  fs.mkdirSync(path.join(renderer, 'assets'));
  fs.writeFileSync(path.join(renderer, 'assets', 'app.js'), 'console.log(1)');
  services = await createServices({ mode: 'browser', env: { CORAL_DATA_DIR: dataDir }, dataDir });
  ipc = new IpcServer(services);
  host = await startHost({ ipc, rendererDir: renderer });
});

afterAll(async () => {
  await host?.close();
  ipc?.dispose();
  await services?.dispose();
});

function get(pathname: string, headers: Record<string, string> = {}, method = 'GET') {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: host.port, path: pathname, method, headers },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

/** Opens a socket; resolves with it once open (after the hello), or rejects with the HTTP status. */
function connect(
  query: string,
  origin?: string,
): Promise<{ ws: WebSocket; messages: ServerMessage[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, origin ? { origin } : {});
    const messages: ServerMessage[] = [];
    ws.on('message', (data: Buffer, binary: boolean) =>
      messages.push(decodeMessage(binary ? data : data.toString()) as ServerMessage),
    );
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
    ws.once('open', () => {
      const wait = () => (messages.length ? resolve({ ws, messages }) : setTimeout(wait, 5));
      wait();
    });
  });
}

async function until<T>(check: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the web host: page and assets', () => {
  it('binds to loopback and prints a URL carrying the token', () => {
    expect(host.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${host.port}/\\?token=[A-Za-z0-9_-]{32}$`),
    );
  });

  it('refuses the page without the token, or with a wrong one', async () => {
    for (const p of [
      '/',
      '/index.html',
      '/?token=',
      `/?token=${host.token.slice(0, -1)}x`,
      '/assets/app.js',
    ]) {
      const res = await get(p);
      expect(res.status, p).toBe(401);
    }
    expect((await get('/')).body).toContain('coral serve');
  });

  it('serves the page with the token, sets an HttpOnly same-site cookie, and then serves assets with it', async () => {
    const page = await get(`/?token=${host.token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const pair = cookie.split(';')[0];
    const asset = await get('/assets/app.js', { cookie: pair });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
  });

  it('answers only to loopback Host names (DNS rebinding)', async () => {
    const res = await get(`/?token=${host.token}`, { host: `evil.example:${host.port}` });
    expect(res.status).toBe(421);
    expect((await get(`/?token=${host.token}`, { host: `localhost:${host.port}` })).status).toBe(
      200,
    );
  });

  it('serves nothing outside the renderer directory and only GET/HEAD', async () => {
    for (const p of [
      '/../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/../../x',
      '/.hidden',
      '/nope.js',
    ]) {
      expect((await get(`${p}${p.includes('?') ? '&' : '?'}token=${host.token}`)).status, p).toBe(
        404,
      );
    }
    expect((await get(`/?token=${host.token}`, {}, 'POST')).status).toBe(405);
  });
});

describe('the web host: socket', () => {
  it('refuses an upgrade without the token or with a wrong one', async () => {
    await expect(connect('')).rejects.toThrow('HTTP 401');
    await expect(connect('?token=wrong')).rejects.toThrow('HTTP 401');
  });

  it('refuses upgrades from another origin, even with the token', async () => {
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${host.port}`,
      'null',
      `https://127.0.0.1:${host.port}`,
      'file://',
    ]) {
      await expect(connect(`?token=${host.token}`, origin), origin).rejects.toThrow('HTTP 403');
    }
  });

  it('accepts the page served by itself (its own origin) with the token', async () => {
    for (const origin of [`http://127.0.0.1:${host.port}`, `http://localhost:${host.port}`]) {
      const { ws, messages } = await connect(`?token=${host.token}`, origin);
      expect(messages[0]).toEqual({ t: 'hello', v: 1 });
      ws.close();
    }
  });

  it('answers over 1,000 invalid requests and undecodable frames with errors and keeps serving', async () => {
    const { ws, messages } = await connect(`?token=${host.token}`, host.origin);
    const { items } = invalidRequests();
    items.forEach((item, i) =>
      ws.send(encodeMessage({ t: 'req', id: `bad${i}`, ch: item.channel, p: item.payload })),
    );
    const junkFrames: Array<string | Buffer> = [
      '{not json',
      '42',
      '"str"',
      'null',
      '[]',
      JSON.stringify({ t: 'nope' }),
      Buffer.from([1, 2, 3]),
      Buffer.from([255, 255, 255, 255, 0]),
    ];
    for (const f of junkFrames) ws.send(f);
    ws.send(encodeMessage({ t: 'req', id: 'good', ch: 'runtime.snapshot', p: {} }));
    const good = await until(() => messages.find((m) => m.t === 'res' && m.id === 'good'), 20_000);
    expect(good).toMatchObject({ r: { ok: true } });
    const answers = messages.filter(
      (m): m is Extract<ServerMessage, { t: 'res' }> => m.t === 'res' && m.id !== 'good',
    );
    expect(answers.length).toBe(items.length + junkFrames.length);
    for (const a of answers) {
      expect(a.r.ok).toBe(false);
      if (!a.r.ok)
        expect(['INVALID_PAYLOAD', 'UNKNOWN_CHANNEL', 'WIRE_INVALID']).toContain(a.r.error.code);
    }
    expect(host.connections).toBe(1);
    ws.close();
  });

  it('sends events only after a subscription, and stops after unsubscribing', async () => {
    const { ws, messages } = await connect(`?token=${host.token}`, host.origin);
    services.runtime.log.info('test', 'not subscribed yet');
    ws.send(encodeMessage({ t: 'sub', ev: 'runtime.log' }));
    await new Promise((r) => setTimeout(r, 50));
    services.runtime.log.info('test', 'subscribed');
    await until(() => messages.find((m) => m.t === 'ev'));
    ws.send(encodeMessage({ t: 'unsub', ev: 'runtime.log' }));
    await new Promise((r) => setTimeout(r, 50));
    services.runtime.log.info('test', 'unsubscribed');
    await new Promise((r) => setTimeout(r, 50));
    const got = messages
      .filter((m) => m.t === 'ev')
      .map((m) => (m as { d: { message: string } }).d.message);
    expect(got).toEqual(['subscribed']);
    ws.close();
  });

  it('streams a real benchmark as binary frames whose samples stay Float64Array', async () => {
    const { ws, messages } = await connect(`?token=${host.token}`, host.origin);
    ws.send(encodeMessage({ t: 'sub', ev: 'bench.progress' }));
    ws.send(encodeMessage({ t: 'sub', ev: 'bench.finished' }));
    const samples = await until(
      () =>
        messages.find((m) => m.t === 'res' && m.id === 's') ??
        (ws.send(encodeMessage({ t: 'req', id: 's', ch: 'models.samples', p: {} })), undefined),
    );
    const tiny = (samples as { r: { data: Array<{ file: string; path: string }> } }).r.data.find(
      (m) => m.file === 'tiny-classifier.onnx',
    );
    expect(tiny).toBeDefined();
    ws.send(
      encodeMessage({
        t: 'req',
        id: 'start',
        ch: 'bench.start',
        p: { model: tiny!.path, adapter: 'onnx', options: { iterations: 300, warmup: 2 } },
      }),
    );
    const finished = await until(
      () => messages.find((m) => m.t === 'ev' && m.ev === 'bench.finished'),
      30_000,
    );
    const batches = messages.filter((m) => m.t === 'ev' && m.ev === 'bench.progress') as Array<{
      d: { samples: Float64Array };
    }>;
    expect(batches.length).toBeGreaterThan(0);
    for (const b of batches) expect(b.d.samples).toBeInstanceOf(Float64Array);
    expect(batches.reduce((n, b) => n + b.d.samples.length, 0)).toBe(300);
    expect(finished).toMatchObject({ d: { record: { status: 'finished', sampleCount: 300 } } });
    ws.close();
  });

  it('cancels an in-flight request by id', async () => {
    const { ws, messages } = await connect(`?token=${host.token}`, host.origin);
    ws.send(encodeMessage({ t: 'req', id: 'slow', ch: 'runtime.reinit', p: {} }));
    ws.send(encodeMessage({ t: 'cancel', id: 'slow' }));
    const res = await until(() => messages.find((m) => m.t === 'res' && m.id === 'slow'), 10_000);
    expect(res).toMatchObject({ r: { ok: false, error: { code: 'CANCELLED' } } });
    ws.close();
  });
});

describe('the web host: shutdown', () => {
  it('closes every socket and frees its port on close()', async () => {
    const renderer = tempDir('coral-host-renderer2-');
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
    const second = await startHost({ ipc, rendererDir: renderer });
    const ws = new WebSocket(`ws://127.0.0.1:${second.port}/ws?token=${second.token}`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise((r) => ws.once('close', r));
    expect(second.connections).toBe(1);
    await second.close();
    await closed;
    expect(second.connections).toBe(0);
    await expect(
      new Promise((resolve, reject) =>
        http.get({ host: '127.0.0.1', port: second.port, path: '/' }, resolve).on('error', reject),
      ),
    ).rejects.toThrow(/ECONNREFUSED/);
  });

  it('says which port is taken instead of crashing', async () => {
    const renderer = tempDir('coral-host-renderer3-');
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html>');
    await expect(startHost({ ipc, rendererDir: renderer, port: host.port })).rejects.toMatchObject({
      code: 'PORT_IN_USE',
    });
  });

  it('refuses to start without a built renderer, with a hint to build', async () => {
    await expect(startHost({ ipc, rendererDir: tempDir('coral-empty-') })).rejects.toMatchObject({
      code: 'RENDERER_NOT_BUILT',
      hint: expect.stringContaining('npm run build'),
    });
  });
});
