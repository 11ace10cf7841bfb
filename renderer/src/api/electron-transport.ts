import type { CoralBridge } from '../../../electron/ipc/contract-core';
import type { ConnectionState, Transport } from './transport';

declare global {
  interface Window {
    /** Present in the Electron window (electron/preload). */
    coral?: CoralBridge;
  }
}

export function electronTransport(bridge: CoralBridge): Transport {
  return {
    kind: 'electron',
    state: 'open',
    invoke: (channel, payload, requestId) => bridge.invoke(channel, payload, requestId),
    cancel: (requestId) => bridge.cancel(requestId),
    on: (event, listener) => bridge.on(event, listener),
    onState: (listener: (s: ConnectionState) => void) => {
      listener('open');
      return () => undefined;
    },
  };
}
