/**
 * The bench store against the real main side: a loopback transport hands the page's requests
 * to a real Session over the real handler table and services (onnxruntime, SQLite history),
 * and its events back to the store, exactly as the two real transports do.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BenchService } from '../../../../electron/bench/service';
import type { Channel, EventName } from '../../../../electron/ipc/contract-core';
import { createServices } from '../../../../electron/ipc/create-services';
import { IpcServer } from '../../../../electron/ipc/handlers';
import { Session } from '../../../../electron/ipc/session';
import { setConnection } from '../../../../renderer/src/api/client';
import type { Transport } from '../../../../renderer/src/api/transport';
import { liveSamples } from '../../../../renderer/src/live/samples';
import { connectBench, resetBenchStore, useBenchStore } from '../../../../renderer/src/store/bench';
import { tempDir } from '../../../helpers/plugins';

let services: Awaited<ReturnType<typeof createServices>>;
let ipc: IpcServer;
let session: Session;
let disconnect: () => void = () => undefined;

/** Simulates a dropped socket: events stop arriving and the state goes closed, then open. */
const link = { up: true, stateListeners: new Set<(s: 'open' | 'closed') => void>() };
function setLink(up: boolean) {
  link.up = up;
  for (const l of link.stateListeners) l(up ? 'open' : 'closed');
}

function loopback(): Transport {
  const listeners = new Map<EventName, Set<(d: unknown) => void>>();
  session = new Session(
    ipc,
    (ev, d) => {
      if (link.up) listeners.get(ev)?.forEach((l) => l(d));
    },
    'store test',
  );
  return {
    kind: 'browser',
    get state() {
      return link.up ? 'open' : 'closed';
    },
    invoke: (channel: Channel, payload: unknown, id?: string) =>
      session.request(channel, payload, id),
    cancel: (id) => void session.cancel(id),
    on(event, listener) {
      if (!listeners.has(event)) {
        listeners.set(event, new Set());
        session.subscribe(event);
      }
      listeners.get(event)!.add(listener);
      return () => {
        const set = listeners.get(event)!;
        set.delete(listener);
        if (set.size === 0) {
          listeners.delete(event);
          session.unsubscribe(event);
        }
      };
    },
    onState: (l) => {
      link.stateListeners.add(l);
      l(link.up ? 'open' : 'closed');
      return () => link.stateListeners.delete(l);
    },
  };
}

/** Paths of typed arrays inside a value: the store must hold none (samples live in the ring). */
function typedArraysIn(value: unknown, at = 'state', seen = new Set<unknown>()): string[] {
  if (ArrayBuffer.isView(value)) return [at];
  if (!value || typeof value !== 'object' || seen.has(value)) return [];
  seen.add(value);
  return Object.entries(value).flatMap(([k, v]) => typedArraysIn(v, `${at}.${k}`, seen));
}

const until = async (check: () => boolean, ms = 30_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

beforeAll(async () => {
  const dataDir = tempDir('coral-store-bench-');
  services = await createServices({ mode: 'browser', env: { CORAL_DATA_DIR: dataDir }, dataDir });
  ipc = new IpcServer(services);
});
afterAll(async () => {
  disconnect();
  session?.dispose();
  ipc?.dispose();
  await services?.dispose();
});
beforeEach(async () => {
  disconnect();
  session?.dispose();
  resetBenchStore();
  link.up = true;
  link.stateListeners.clear();
  setConnection(loopback());
  disconnect = connectBench();
  await until(() => useBenchStore.getState().catalogueStatus === 'ready');
});

describe('the bench store', () => {
  it('loads the samples and preselects the first one and a benchmarkable adapter', () => {
    const s = useBenchStore.getState();
    expect(s.samples.map((m) => m.file)).toContain('tiny-classifier.onnx');
    expect(s.model?.origin).toBe('sample');
    expect(s.info?.adapters).toContain(s.adapter);
  });

  it('runs a benchmark: every sample reaches the ring buffer, not the store, and the run lands in history', async () => {
    const s = useBenchStore.getState();
    const tiny = s.samples.find((m) => m.file === 'tiny-classifier.onnx')!;
    s.chooseModel({ path: tiny.path, name: tiny.name, origin: 'sample' });
    s.setForm({ mode: 'iterations', iterations: 400, warmup: 2 });
    await s.start();
    await until(() => useBenchStore.getState().run?.status === 'finished');
    const run = useBenchStore.getState().run!;
    expect(run.received).toBe(400);
    expect(run.gaps).toBe(0);
    expect(liveSamples.appended).toBe(400);
    expect(run.record?.sampleCount).toBe(400);
    expect(run.record?.stats.p50).toBeGreaterThan(0);
    expect(typedArraysIn(useBenchStore.getState())).toEqual([]);
    await until(() => useBenchStore.getState().runs.length === 1);
  });

  it('cancels a running benchmark: the run ends as cancelled and keeps what it measured', async () => {
    const s = useBenchStore.getState();
    s.setForm({ mode: 'duration', durationS: 60, warmup: 1 });
    await s.start();
    await until(() => (useBenchStore.getState().run?.received ?? 0) > 0);
    await useBenchStore.getState().cancel();
    await until(() => useBenchStore.getState().run?.status === 'cancelled');
    const run = useBenchStore.getState().run!;
    expect(run.record?.status).toBe('cancelled');
    expect(run.received).toBe(run.record?.sampleCount);
  });

  it('compares two runs with the older one as A', async () => {
    await until(() => useBenchStore.getState().runs.length >= 2);
    const [newer, older] = useBenchStore.getState().runs;
    useBenchStore.getState().toggleSelected(newer.id);
    useBenchStore.getState().toggleSelected(older.id);
    await useBenchStore.getState().compare();
    const c = useBenchStore.getState().comparison!;
    expect(c.a.id).toBe(older.id);
    expect(c.b.id).toBe(newer.id);
    expect(c.rows.find((r) => r.key === 'p99')).toBeDefined();
  });

  it('shows a start error with its message and hint instead of a run', async () => {
    const s = useBenchStore.getState();
    s.chooseModel({ path: '/nonexistent/model.onnx', name: 'model.onnx', origin: 'dialog' });
    s.setForm({ mode: 'iterations', iterations: 10 });
    await s.start();
    const run = useBenchStore.getState().run!;
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/model\.onnx/);
  });

  it('learns after a reconnect that a run ended while the socket was down', async () => {
    const s = useBenchStore.getState();
    const tiny = s.samples.find((m) => m.file === 'tiny-classifier.onnx')!;
    s.chooseModel({ path: tiny.path, name: tiny.name, origin: 'sample' });
    s.setForm({ mode: 'iterations', iterations: 300, warmup: 1 });
    await s.start();
    await until(() => useBenchStore.getState().run?.status === 'running');
    setLink(false);
    const runId = useBenchStore.getState().run!.runId!;
    await (services.bench as BenchService).wait(runId);
    await new Promise((r) => setTimeout(r, 100));
    expect(useBenchStore.getState().run?.status).toBe('running');
    setLink(true);
    await until(() => useBenchStore.getState().run?.status === 'finished');
    expect(useBenchStore.getState().run?.record?.sampleCount).toBe(300);
  });

  it('follows a run started elsewhere (another window, the CLI host)', async () => {
    const tiny = useBenchStore.getState().samples.find((m) => m.file === 'tiny-classifier.onnx')!;
    await services.bench!.start({
      adapter: 'onnx',
      model: tiny.path,
      options: { iterations: 200, warmup: 1 },
    });
    await until(() => useBenchStore.getState().run?.status === 'finished');
    expect(useBenchStore.getState().run?.received).toBe(200);
  });
});
