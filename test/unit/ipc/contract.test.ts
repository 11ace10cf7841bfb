import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { z } from 'zod';
import {
  CHANNELS,
  contract,
  EVENTS,
  events,
  isChannel,
  ROUTES,
  routeOf,
  type Channel,
} from '../../../electron/ipc/contract';
import { decodeMessage, encodeMessage } from '../../../electron/ipc/wire';

/** The whole IPC surface, as JSON Schema: what a reviewer sees change when the contract widens. */
function surface() {
  const schema = (s: z.ZodType, io: 'input' | 'output') =>
    z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    routes: Object.fromEntries(
      CHANNELS.map((ch) => {
        const def = routeOf(ch)!;
        return [
          ch,
          {
            summary: def.summary,
            ...(def.cancellable ? { cancellable: true } : {}),
            request: schema(def.request, 'input'),
            response: schema(def.response, 'output'),
          },
        ];
      }),
    ),
    events: Object.fromEntries(
      EVENTS.map((ev) => [
        ev,
        { summary: events[ev].summary, payload: schema(events[ev].payload, 'output') },
      ]),
    ),
  };
}

/** A valid request for every route (defaults omitted where the route has them). */
const VALID_REQUESTS: Record<string, unknown> = {
  'app.info': {},
  'app.pickModel': {},
  'runtime.snapshot': {},
  'runtime.reinit': {},
  'runtime.log': { level: 'warn', text: 'plugin', limit: 50 },
  'config.get': {},
  'config.apply': { patch: { 'flags.webrtc': false, platform: null, disabledBackends: ['rknn'] } },
  'config.reset': {},
  'models.samples': {},
  'models.upload': { name: 'model.onnx', bytes: new Uint8Array([8, 1, 18, 0]) },
  'bench.info': {},
  'bench.start': {
    model: '/m/tiny.onnx',
    adapter: 'onnx',
    options: { iterations: 100, warmup: 5, shapes: { batch: [4] } },
  },
  'bench.cancel': { runId: '20260101-000000-abcd' },
  'bench.active': {},
  'runs.list': { limit: 10, adapter: 'onnx', modelSha256: 'ab12' },
  'runs.show': { id: 'r1' },
  'runs.compare': { a: 'r1', b: 'r2' },
  'rknn.targets': {},
  'rknn.inspect': { model: '/m/yolov5s.rknn' },
  'rknn.check': { model: '/m/yolov5s.rknn', target: 'rock5b', coreMask: 7 },
  'rknn.importLog': { name: 'run.log', bytes: new Uint8Array([65, 118, 103]), board: 'rock5b' },
  'boards.list': {},
  'boards.add': {
    target: 'ssh://radxa@10.0.0.7:22',
    name: 'rock5b',
    identityFile: '/home/me/.ssh/id_ed25519',
    workDir: '/tmp/coral',
  },
  'boards.remove': { id: 'rock5b' },
  'boards.connect': { id: 'rock5b' },
  'boards.disconnect': { id: 'rock5b' },
  'boards.probe': { id: 'rock5b' },
  'boards.answer': { kind: 'host-key', id: 'p1', decision: 'once' },
  'boards.sshAliases': {},
  'boards.profiles': {},
  'boards.startVirtual': { profile: 'rk3588-rock5b' },
  'boards.stopVirtual': { id: 'v1' },
};

describe('the IPC contract', () => {
  it('matches the reviewed snapshot of every route and event (widening shows up in review)', async () => {
    // Formatted as Prettier would, so `npm run lint` (prettier --check .) accepts the file.
    const file = fileURLToPath(new URL('./__snapshots__/ipc-surface.json', import.meta.url));
    const text = await format(JSON.stringify(surface()), {
      ...(await resolveConfig(file)),
      filepath: file,
    });
    await expect(text).toMatchFileSnapshot('./__snapshots__/ipc-surface.json');
  });

  it('has exactly the routes named in contract-core (the preload and the map agree)', () => {
    const fromMap = Object.entries(contract).flatMap(([d, methods]) =>
      Object.keys(methods).map((m) => `${d}.${m}`),
    );
    expect(fromMap.sort()).toEqual([...CHANNELS].sort());
    for (const [domain, methods] of Object.entries(ROUTES)) {
      for (const m of methods) expect(routeOf(`${domain}.${m}`), `${domain}.${m}`).toBeDefined();
    }
  });

  it('resolves no route for prototype names or near misses', () => {
    for (const name of [
      'runtime.constructor',
      'runtime.__proto__',
      'runtime.hasOwnProperty',
      '__proto__.x',
      'toString',
      'runtime',
      'runtime.',
      '.snapshot',
      'Runtime.snapshot',
    ]) {
      expect(routeOf(name), name).toBeUndefined();
      expect(isChannel(name), name).toBe(false);
    }
  });

  it('gives every event a schema and a summary', () => {
    expect(Object.keys(events).sort()).toEqual([...EVENTS].sort());
  });

  it.each(Object.entries(VALID_REQUESTS))(
    'round-trips a valid %s request through the wire format unchanged',
    (channel, payload) => {
      expect(isChannel(channel)).toBe(true);
      const def = routeOf(channel as Channel)!;
      const parsed = def.request.safeParse(payload);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      const message = { t: 'req', id: 'r1', ch: channel, p: payload };
      const back = decodeMessage(encodeMessage(message)) as typeof message;
      expect(back).toEqual(message);
      expect(def.request.safeParse(back.p).data).toEqual(parsed.data);
    },
  );

  it('has a valid example for every route that has no domain service missing (none left untested)', () => {
    const untested = CHANNELS.filter((c) => !(c in VALID_REQUESTS) && !c.startsWith('diag.'));
    expect(untested).toEqual([]);
  });

  it('rejects unknown keys in every request (a typo is an error, not a silent default)', () => {
    for (const ch of CHANNELS) {
      const base = (VALID_REQUESTS[ch] as Record<string, unknown> | undefined) ?? {};
      const r = routeOf(ch)!.request.safeParse({ ...base, definitelyNotAField: 1 });
      expect(r.success, ch).toBe(false);
    }
  });

  it('keeps typed arrays typed through a binary frame (bench batches)', () => {
    const samples = Float64Array.from({ length: 1000 }, (_, i) => i * 0.25);
    const event = {
      t: 'ev',
      ev: 'bench.progress',
      d: { runId: 'r', seq: 3, samples, bytes: new Uint8Array([1, 2, 3]) },
    };
    const frame = encodeMessage(event);
    expect(frame).toBeInstanceOf(Uint8Array);
    const back = decodeMessage(frame) as typeof event;
    expect(back.d.samples).toBeInstanceOf(Float64Array);
    expect(Array.from(back.d.samples)).toEqual(Array.from(samples));
    expect(Array.from(back.d.bytes)).toEqual([1, 2, 3]);
    expect(
      events['bench.progress'].payload.safeParse({
        runId: 'r',
        seq: 0,
        phase: 'measure',
        samples,
        total: 1000,
        elapsedMs: 5,
        expected: null,
        progress: null,
        live: { count: 1, mean: 1, min: 1, max: 1, p50: 1, p90: 1, p99: 1 },
      }).success,
    ).toBe(true);
  });

  it('rejects an override patch naming a flag that does not exist', () => {
    const r = routeOf('config.apply')!.request.safeParse({ patch: { 'flags.warp_drive': true } });
    expect(r.success).toBe(false);
  });
});
