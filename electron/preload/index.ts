/**
 * The preload: exposes window.coral with three narrow functions derived from the contract's
 * names. The page never gets ipcRenderer, an IpcRendererEvent, or a channel outside the contract.
 * Sandboxed, so it imports only 'electron' and the dependency-free contract core.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  IPC_META,
  isChannel,
  isEventName,
  type CoralBridge,
  type EventName,
} from '../ipc/contract-core';

const listeners = new Map<EventName, Set<(data: unknown) => void>>();
let attached = false;

function dispatch(_event: unknown, name: unknown, data: unknown): void {
  if (!isEventName(name)) return;
  for (const l of listeners.get(name) ?? []) {
    try {
      l(data);
    } catch (e) {
      console.error(`coral: a listener of ${name} threw`, e);
    }
  }
}

const bridge: CoralBridge = {
  transport: 'electron',
  invoke(channel, payload, requestId) {
    if (!isChannel(channel)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: `No route ${String(channel)}.` },
      });
    }
    return ipcRenderer.invoke(channel, payload, requestId).catch((e: unknown) => ({
      ok: false as const,
      error: { code: 'IPC_FAILED', message: e instanceof Error ? e.message : String(e) },
    }));
  },
  cancel(requestId) {
    if (typeof requestId === 'string')
      void ipcRenderer.invoke(IPC_META.cancel, requestId).catch(() => undefined);
  },
  on(event, listener) {
    if (!isEventName(event) || typeof listener !== 'function') return () => undefined;
    if (!attached) {
      ipcRenderer.on(IPC_META.event, dispatch);
      attached = true;
    }
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
      void ipcRenderer.invoke(IPC_META.subscribe, event).catch(() => undefined);
    }
    set.add(listener);
    return () => {
      const s = listeners.get(event);
      if (!s?.delete(listener) || s.size > 0) return;
      listeners.delete(event);
      void ipcRenderer.invoke(IPC_META.unsubscribe, event).catch(() => undefined);
    };
  },
};

contextBridge.exposeInMainWorld('coral', bridge);
