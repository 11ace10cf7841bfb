import {
  isChannel,
  type Channel,
  type Envelope,
  type EventName,
} from '../../../electron/ipc/contract-core';
import {
  decodeMessage,
  encodeMessage,
  WS_PATH,
  type ClientMessage,
  type ServerMessage,
} from '../../../electron/ipc/wire';
import type { ConnectionState, Transport } from './transport';

interface Pending {
  resolve: (e: Envelope<unknown>) => void;
}

const disconnected = (hint: string): Envelope<never> => ({
  ok: false,
  error: { code: 'DISCONNECTED', message: 'The connection to coral serve was lost.', hint },
});

/**
 * Browser mode: the contract over the web host's WebSocket. Reconnects with backoff and
 * re-sends its subscriptions; requests in flight when the socket drops end as DISCONNECTED.
 */
export function wsTransport(token: string, base: string = location.origin): Transport {
  const url = `${base.replace(/^http/, 'ws')}${WS_PATH}?token=${encodeURIComponent(token)}`;
  const pending = new Map<string, Pending>();
  const listeners = new Map<EventName, Set<(d: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionState) => void>();
  const queue: ClientMessage[] = [];
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | undefined;
  let nextId = 0;
  let retry = 0;

  const setState = (s: ConnectionState) => {
    state = s;
    for (const l of stateListeners) l(s);
  };

  const send = (msg: ClientMessage) => {
    if (socket?.readyState === WebSocket.OPEN) socket.send(encodeMessage(msg));
    else if (msg.t === 'req' || msg.t === 'cancel') queue.push(msg);
  };

  const connect = () => {
    setState('connecting');
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      setState('open');
      for (const ev of listeners.keys()) ws.send(encodeMessage({ t: 'sub', ev }));
      for (const m of queue.splice(0)) ws.send(encodeMessage(m));
    };
    ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
      let msg: ServerMessage;
      try {
        msg = decodeMessage(e.data) as ServerMessage;
      } catch {
        return;
      }
      if (msg.t === 'res' && msg.id !== null) {
        const p = pending.get(msg.id);
        pending.delete(msg.id);
        p?.resolve(msg.r);
      } else if (msg.t === 'ev') {
        for (const l of listeners.get(msg.ev as EventName) ?? []) l(msg.d);
      }
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      for (const p of pending.values()) {
        p.resolve(disconnected('Is `coral serve` still running? The page reconnects by itself.'));
      }
      pending.clear();
      setState('closed');
      retry += 1;
      setTimeout(connect, Math.min(5000, 250 * 2 ** Math.min(retry, 5)));
    };
  };
  connect();

  return {
    kind: 'browser',
    get state() {
      return state;
    },
    invoke(channel: Channel, payload: unknown, requestId?: string) {
      if (!isChannel(channel)) {
        return Promise.resolve({
          ok: false,
          error: { code: 'UNKNOWN_CHANNEL', message: `No route ${String(channel)}.` },
        });
      }
      const id = requestId ?? `r${++nextId}`;
      return new Promise<Envelope<unknown>>((resolve) => {
        pending.set(id, { resolve });
        send({ t: 'req', id, ch: channel, p: payload });
      });
    },
    cancel(requestId: string) {
      send({ t: 'cancel', id: requestId });
    },
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
        if (socket?.readyState === WebSocket.OPEN)
          socket.send(encodeMessage({ t: 'sub', ev: event }));
      }
      set.add(listener);
      return () => {
        const s = listeners.get(event);
        if (!s?.delete(listener) || s.size > 0) return;
        listeners.delete(event);
        if (socket?.readyState === WebSocket.OPEN)
          socket.send(encodeMessage({ t: 'unsub', ev: event }));
      };
    },
    onState(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
  };
}
