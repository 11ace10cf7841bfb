import type { Channel, Envelope, EventName } from '../../../electron/ipc/contract-core';

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** How the page reaches the main side: Electron's window.coral or the web host's socket. */
export interface Transport {
  readonly kind: 'electron' | 'browser';
  /** Never rejects: every outcome is an envelope. */
  invoke(channel: Channel, payload: unknown, requestId?: string): Promise<Envelope<unknown>>;
  cancel(requestId: string): void;
  /** Lazy on the far side: the first listener subscribes, the last one unsubscribes. */
  on(event: EventName, listener: (data: unknown) => void): () => void;
  /** Connection state changes (Electron is always open). */
  onState(listener: (state: ConnectionState) => void): () => void;
  readonly state: ConnectionState;
}
