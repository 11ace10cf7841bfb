/**
 * Generates invalid IPC requests from the contract itself: junk instead of an object, unknown
 * keys, and every known field replaced by values of the wrong type or out of range. Each
 * candidate is kept only if the contract's schema rejects it, so the set is invalid by
 * construction; categories that must always be invalid (junk, unknown keys) are reported so a
 * test can insist on them.
 */
import { type z } from 'zod';
import { CHANNELS, routeOf, type Channel } from '../../electron/ipc/contract';

export interface InvalidRequest {
  channel: string;
  payload: unknown;
  kind: 'junk' | 'unknown-key' | 'field' | 'unknown-channel';
}

const JUNK: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  '',
  'runtime.snapshot',
  '{}',
  [],
  [{}],
  [1, 2, 3],
  new Uint8Array(4),
  new Float64Array(2),
];

const WRONG_VALUES: unknown[] = [
  null,
  true,
  -1,
  0,
  2 ** 53,
  1e308,
  -0.5,
  '',
  ' ',
  'x'.repeat(5000),
  '../../etc/passwd',
  [],
  ['a', 1, null],
  {},
  { nested: { deep: [1] } },
  new Uint8Array(0),
  new Float64Array([1]),
];

const UNKNOWN_CHANNELS = [
  '',
  'runtime',
  'runtime.',
  'runtime.constructor',
  'runtime.__proto__',
  '__proto__',
  'constructor',
  'toString',
  'bench.startt',
  'RUNTIME.SNAPSHOT',
  'config.apply ',
  'shell.openExternal',
  'fs.readFile',
  'x'.repeat(300),
];

function shapeOf(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let s: unknown = schema;
  for (let i = 0; i < 5; i++) {
    const def = (
      s as { def?: { type?: string; innerType?: unknown; in?: unknown; shape?: unknown } }
    ).def;
    if (!def) return undefined;
    if (def.type === 'object') return (s as z.ZodObject).shape as Record<string, z.ZodType>;
    s = def.innerType ?? def.in;
    if (!s) return undefined;
  }
  return undefined;
}

/** A valid-looking base payload: every key of the shape with a plausible value. */
function base(shape: Record<string, z.ZodType>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(shape)) out[k] = undefined;
  return out;
}

export function invalidRequests(): {
  items: InvalidRequest[];
  alwaysInvalidButAccepted: InvalidRequest[];
} {
  const items: InvalidRequest[] = [];
  const alwaysInvalidButAccepted: InvalidRequest[] = [];
  const consider = (c: InvalidRequest, mustBeInvalid: boolean) => {
    const def = routeOf(c.channel);
    const invalid = !def || !def.request.safeParse(c.payload).success;
    if (invalid) items.push(c);
    else if (mustBeInvalid) alwaysInvalidButAccepted.push(c);
  };
  for (const channel of CHANNELS) {
    for (const payload of JUNK) consider({ channel, payload, kind: 'junk' }, true);
    for (const key of ['__proto__x', 'constructorX', 'extra', 'Patch', 'id ']) {
      consider({ channel, payload: { [key]: 1 }, kind: 'unknown-key' }, true);
    }
    const shape = shapeOf(routeOf(channel as Channel)!.request);
    if (!shape) continue;
    for (const [key, field] of Object.entries(shape)) {
      const nested = shapeOf(field);
      for (const v of WRONG_VALUES) {
        consider({ channel, payload: { ...base(shape), [key]: v }, kind: 'field' }, false);
        if (nested) {
          for (const nk of Object.keys(nested)) {
            consider({ channel, payload: { [key]: { [nk]: v } }, kind: 'field' }, false);
          }
          consider({ channel, payload: { [key]: { notAField: v } }, kind: 'field' }, true);
        }
      }
    }
  }
  for (const channel of UNKNOWN_CHANNELS) {
    for (const payload of [{}, undefined, { patch: {} }])
      items.push({ channel, payload, kind: 'unknown-channel' });
  }
  return { items, alwaysInvalidButAccepted };
}
