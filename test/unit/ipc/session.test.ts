import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IpcServer } from '../../../electron/ipc/handlers';
import { Session } from '../../../electron/ipc/session';
import { RuntimeService } from '../../../electron/runtime/service';
import { tempDir } from '../../helpers/plugins';

let runtime: RuntimeService;
let release: () => void = () => undefined;
let server: IpcServer;

beforeAll(async () => {
  const dataDir = tempDir('coral-ipc-session-');
  runtime = new RuntimeService({ env: { CORAL_DATA_DIR: dataDir }, dataDir });
  await runtime.start();
  server = new IpcServer({
    app: { mode: 'browser', versions: {}, dataDir },
    runtime,
    models: {
      // Slow on purpose: resolves only when the test releases it.
      samples: () => new Promise((resolve) => (release = () => resolve([]))),
      upload: async () => ({ path: '', sizeBytes: 0 }),
    },
  });
});
afterAll(async () => {
  server?.dispose();
  await runtime?.dispose();
});

function listenerCount(): number {
  return (runtime.log as unknown as { listeners: Set<unknown> }).listeners.size;
}

describe('a session (one connected page)', () => {
  it('subscribes to a service only on the first listener and detaches on unsubscribe', () => {
    const sent: Array<[string, unknown]> = [];
    const session = new Session(server, (ev, d) => sent.push([ev, d]), 'test page');
    const before = listenerCount();
    runtime.log.info('test', 'before subscribing');
    expect(sent).toEqual([]);
    expect(session.subscribe('runtime.log')).toBe(true);
    expect(session.subscribe('runtime.log')).toBe(true);
    expect(listenerCount()).toBe(before + 1);
    runtime.log.info('test', 'while subscribed');
    expect(sent.map(([, d]) => (d as { message: string }).message)).toEqual(['while subscribed']);
    session.unsubscribe('runtime.log');
    expect(listenerCount()).toBe(before);
    runtime.log.info('test', 'after unsubscribing');
    expect(sent).toHaveLength(1);
    session.dispose();
  });

  it('refuses to subscribe to an event the contract does not name', () => {
    const session = new Session(server, () => undefined, 'test page');
    expect(session.subscribe('process.env')).toBe(false);
    expect(session.subscribed).toEqual([]);
    session.dispose();
  });

  it('pushes a new snapshot on runtime.changed after an override is applied', async () => {
    const sent: Array<[string, unknown]> = [];
    const session = new Session(server, (ev, d) => sent.push([ev, d]), 'test page');
    session.subscribe('runtime.changed');
    await runtime.applyOverrides({ 'flags.sink': false });
    const changed = sent.filter(([ev]) => ev === 'runtime.changed');
    expect(changed).toHaveLength(1);
    expect(changed[0][1]).toMatchObject({
      config: { flags: { sink: { value: false, source: 'override' } } },
    });
    await runtime.resetOverrides();
    session.dispose();
  });

  it('ends a cancelled request at once with CANCELLED, and a disposed session cancels what is in flight', async () => {
    const session = new Session(server, () => undefined, 'test page');
    const pending = session.request('models.samples', {}, 'req-1');
    expect(session.cancel('req-1')).toBe(true);
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(session.cancel('req-1')).toBe(false);

    const second = session.request('models.samples', {}, 'req-2');
    session.dispose();
    await expect(second).resolves.toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    release();
  });

  it('drops everything on dispose: no listener stays attached', () => {
    const before = listenerCount();
    const session = new Session(server, () => undefined, 'test page');
    session.subscribe('runtime.log');
    session.subscribe('runtime.changed');
    session.dispose();
    expect(listenerCount()).toBe(before);
    expect(session.subscribe('runtime.log')).toBe(false);
  });

  it('stops sending to a page that throws while receiving, and keeps delivering to the others', () => {
    const good: unknown[] = [];
    const bad = new Session(
      server,
      () => {
        throw new Error('socket gone');
      },
      'bad page',
    );
    const ok = new Session(server, (_ev, d) => good.push(d), 'good page');
    bad.subscribe('runtime.log');
    ok.subscribe('runtime.log');
    runtime.log.info('test', 'to both');
    const messages = good.map((d) => (d as { message: string }).message);
    expect(messages).toContain('to both');
    expect(
      messages.some((m) => /Stopped sending events to bad page: Error: socket gone/.test(m)),
    ).toBe(true);
    expect(bad.subscribed).toEqual([]);
    runtime.log.info('test', 'only to the good one');
    expect(good).toHaveLength(3);
    bad.dispose();
    ok.dispose();
  });
});
