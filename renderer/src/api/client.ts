// Values come from the dependency-free core only; contract.ts (zod) is imported for types.
import { ROUTES, type Channel, type EventName } from '../../../electron/ipc/contract-core';
import type { ClientApi, EventOf } from '../../../electron/ipc/contract';
import { ApiError } from './errors';
import type { Transport } from './transport';
import { electronTransport } from './electron-transport';
import { wsTransport } from './ws-transport';

let counter = 0;

/**
 * The typed client, derived from the contract: `api.runtime.snapshot()`,
 * `api.config.apply({ patch })`. Resolves with data or throws ApiError (code, message, hint);
 * an AbortSignal cancels the request on the main side.
 */
export function createClient(transport: Transport): ClientApi {
  const call = async (channel: Channel, payload: unknown, options?: { signal?: AbortSignal }) => {
    const requestId = `c${Date.now().toString(36)}-${++counter}`;
    const signal = options?.signal;
    const onAbort = () => transport.cancel(requestId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const envelope = await transport.invoke(channel, payload ?? {}, requestId);
      if (!envelope.ok) throw new ApiError(envelope.error);
      return envelope.data;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };
  const api = {} as Record<string, Record<string, unknown>>;
  for (const [domain, methods] of Object.entries(ROUTES)) {
    api[domain] = {};
    for (const m of methods as readonly string[]) {
      api[domain][m] = (payload?: unknown, options?: { signal?: AbortSignal }) =>
        call(`${domain}.${m}` as Channel, payload, options);
    }
  }
  return api as unknown as ClientApi;
}

/** Picks the transport at start: Electron's bridge, else the web host's socket (token from URL). */
export function pickTransport(): Transport {
  if (window.coral) return electronTransport(window.coral);
  const token = new URLSearchParams(location.search).get('token');
  if (!token)
    throw new ApiError({
      code: 'NO_TOKEN',
      message: 'This page was opened without its token.',
      hint: 'Open the full URL printed by `coral serve` (it ends with ?token=…).',
    });
  return wsTransport(token);
}

let current: { transport: Transport; api: ClientApi } | undefined;

/** The app's connection; tests replace it with setConnection. */
export function connection(): { transport: Transport; api: ClientApi } {
  if (!current) {
    const transport = pickTransport();
    current = { transport, api: createClient(transport) };
  }
  return current;
}

export function setConnection(transport: Transport): void {
  current = { transport, api: createClient(transport) };
}

export const api = (): ClientApi => connection().api;

/** Typed event subscription. */
export function onEvent<E extends EventName>(
  event: E,
  listener: (data: EventOf<E>) => void,
): () => void {
  return connection().transport.on(event, listener as (d: unknown) => void);
}
