import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices } from '../../../electron/ipc/create-services';
import { IpcServer } from '../../../electron/ipc/handlers';
import type { RuntimeSnapshot } from '../../../electron/ipc/contract';
import type { Services } from '../../../electron/ipc/services';
import { RuntimeService } from '../../../electron/runtime/service';
import { invalidRequests } from '../../helpers/ipc-fuzz';
import { tempDir } from '../../helpers/plugins';

let services: Awaited<ReturnType<typeof createServices>>;
let ipc: IpcServer;
const call = (signal = new AbortController().signal) => ({ signal, caller: 'test' });

beforeAll(async () => {
  const dataDir = tempDir('coral-ipc-handlers-');
  services = await createServices({
    mode: 'browser',
    env: { CORAL_DATA_DIR: dataDir, CORAL_ENABLE_WEBRTC: 'maybe' },
    dataDir,
  });
  ipc = new IpcServer(services);
});

afterAll(async () => {
  ipc?.dispose();
  await services?.dispose();
});

describe('the handler table', () => {
  it('answers each of over 1,000 generated invalid requests with a structured error and keeps serving', async () => {
    const { items, alwaysInvalidButAccepted } = invalidRequests();
    expect(alwaysInvalidButAccepted).toEqual([]);
    expect(items.length).toBeGreaterThanOrEqual(1000);
    let i = 0;
    for (const item of items) {
      const res = await ipc.handle(item.channel, item.payload, call());
      expect(res.ok, `${item.channel} ${String(item.payload)}`).toBe(false);
      if (res.ok) continue;
      const expected = item.kind === 'unknown-channel' ? 'UNKNOWN_CHANNEL' : 'INVALID_PAYLOAD';
      expect(res.error.code).toBe(expected);
      expect(res.error.message.length).toBeGreaterThan(10);
      expect(res.error.hint).toBeTruthy();
      if (expected === 'INVALID_PAYLOAD') expect(res.error.message).toContain(item.channel);
      // The envelope must survive JSON (browser mode) as it is.
      expect(JSON.parse(JSON.stringify(res))).toMatchObject({
        ok: false,
        error: { code: expected },
      });
      if (++i % 200 === 0) expect((await ipc.handle('runtime.snapshot', {}, call())).ok).toBe(true);
    }
    const after = await ipc.handle('bench.info', {}, call());
    expect(after.ok).toBe(true);
  });

  it('logs rejected requests without letting a flood fill the log', async () => {
    const before = services.runtime.log.list().length;
    for (let i = 0; i < 300; i++) await ipc.handle('config.apply', { patch: 'nope' }, call());
    await new Promise((r) => setTimeout(r, 1100));
    await ipc.handle('config.apply', { patch: 'nope' }, call());
    const added = services.runtime.log
      .list()
      .slice(before)
      .filter((e) => e.source === 'ipc');
    expect(added.some((e) => e.message.includes('Invalid request to config.apply'))).toBe(true);
    expect(added.length).toBeLessThan(60);
    expect(added.some((e) => /more invalid request\(s\) were rejected/.test(e.message))).toBe(true);
  });

  it('names the field and the contract in an invalid payload error', async () => {
    const res = await ipc.handle('bench.start', { model: '', adapter: 'onnx' }, call());
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
    if (!res.ok) {
      expect(res.error.message).toMatch(/bench\.start: model:/);
      expect(res.error.detail).toMatchObject({ issues: [{ path: 'model' }] });
    }
  });

  it('shows the env diagnostic in the snapshot, beside the field it concerns', async () => {
    const res = await ipc.handle('runtime.snapshot', {}, call());
    if (!res.ok) throw new Error(res.error.message);
    const snap = res.data as RuntimeSnapshot;
    const d = snap.config.diagnostics.find((x) => x.variable === 'CORAL_ENABLE_WEBRTC');
    expect(d).toMatchObject({ level: 'error', field: 'flags.webrtc' });
    expect(snap.fields.find((f) => f.key === 'flags.webrtc')?.variables).toContain(
      'CORAL_ENABLE_WEBRTC',
    );
  });

  it('applies a flag override: the source says override, the snapshot lists the change, the log says so', async () => {
    const res = await ipc.handle('config.apply', { patch: { 'flags.camera': false } }, call());
    if (!res.ok) throw new Error(res.error.message);
    const snap = res.data as RuntimeSnapshot;
    expect(snap.config.flags.camera).toEqual({ value: false, source: 'override' });
    expect(snap.overrides).toEqual({ 'flags.camera': false });
    expect(snap.changes.join('\n')).toMatch(/flags\.camera: true \(default\) → false \(override\)/);
    expect(
      services.runtime.log
        .list()
        .some((e) => e.message.includes('flags.camera') && e.message.includes('override')),
    ).toBe(true);

    const reset = await ipc.handle('config.reset', {}, call());
    if (!reset.ok) throw new Error(reset.error.message);
    const back = reset.data as RuntimeSnapshot;
    expect(back.config.flags.camera.source).toBe('default');
    expect(back.generation).toBeGreaterThan(snap.generation);
  });

  it('refuses an empty patch instead of re-initialising for nothing', async () => {
    const res = await ipc.handle('config.apply', { patch: {} }, call());
    expect(res).toMatchObject({ ok: false, error: { code: 'INVALID_PAYLOAD' } });
  });

  it('filters the log by level and text', async () => {
    const res = await ipc.handle('runtime.log', { level: 'error', text: 'webrtc' }, call());
    if (!res.ok) throw new Error(res.error.message);
    const entries = res.data as Array<{ level: string; message: string }>;
    expect(entries.length).toBeGreaterThan(0);
    for (const e of entries) {
      expect(e.level).toBe('error');
      expect(e.message.toLowerCase()).toContain('webrtc');
    }
  });

  it('answers CANCELLED for a request whose caller already cancelled', async () => {
    const c = new AbortController();
    c.abort();
    const res = await ipc.handle('runtime.snapshot', {}, call(c.signal));
    expect(res).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
  });
});

describe('the handler table with services missing or misbehaving', () => {
  let runtime: RuntimeService;
  beforeAll(async () => {
    const dataDir = tempDir('coral-ipc-partial-');
    runtime = new RuntimeService({ env: { CORAL_DATA_DIR: dataDir }, dataDir });
    await runtime.start();
  });
  afterAll(async () => {
    await runtime?.dispose();
  });
  const make = (extra: Partial<Services>) =>
    new IpcServer({ app: { mode: 'browser', versions: {}, dataDir: '/tmp' }, runtime, ...extra });

  it('answers UNAVAILABLE with a hint for a domain whose service is absent', async () => {
    const server = make({});
    const res = await server.handle('bench.info', {}, call());
    expect(res).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    if (!res.ok) expect(res.error.hint).toBeTruthy();
    const info = await server.handle('app.info', {}, call());
    expect(info).toMatchObject({ ok: true, data: { services: [] } });
    server.dispose();
  });

  it('has no open dialog in browser mode, and says what to do instead', async () => {
    const server = make({});
    const res = await server.handle('app.pickModel', {}, call());
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', hint: expect.stringContaining('drag') },
    });
    server.dispose();
  });

  it('answers the dialog result when the desktop shell provides one', async () => {
    const server = make({ shell: { pickModel: async () => '/models/yolo.onnx' } });
    expect(await server.handle('app.pickModel', {}, call())).toEqual({
      ok: true,
      data: { path: '/models/yolo.onnx' },
    });
    const cancelled = make({ shell: { pickModel: async () => null } });
    expect(await cancelled.handle('app.pickModel', {}, call())).toEqual({
      ok: true,
      data: { path: null },
    });
    server.dispose();
    cancelled.dispose();
  });

  it('turns an unexpected throw into INTERNAL and logs its stack, never rejecting', async () => {
    const server = make({
      models: {
        samples: () => {
          throw new TypeError('boom in samples');
        },
        upload: async () => ({ path: '', sizeBytes: 0 }),
      },
    });
    const res = await server.handle('models.samples', {}, call());
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: 'boom in samples' },
    });
    const logged = runtime.log
      .list()
      .find((e) => e.message.includes('models.samples failed: boom in samples'));
    expect(logged?.level).toBe('error');
    expect(JSON.stringify(logged?.detail)).toContain('TypeError');
    server.dispose();
  });

  it('refuses to send a response that does not match the contract', async () => {
    const server = make({
      models: {
        samples: () => [{ name: 1 }] as never,
        upload: async () => ({ path: '', sizeBytes: 0 }),
      },
    });
    const res = await server.handle('models.samples', {}, call());
    expect(res).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    if (!res.ok) expect(res.error.message).toContain('does not match the IPC contract');
    server.dispose();
  });
});
