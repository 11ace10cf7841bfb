/**
 * Live adb device tracking over adbkit's track-devices, with explained states, a refresh for
 * transitions adb does not announce, and restart after the adb server goes away.
 */
import { EventEmitter } from 'node:events';
import type { Client as AdbClient, Device } from '@devicefarmer/adbkit';
import { toCoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import { explainAdbState, type AdbDeviceInfo } from './states';
import type { AdbServer } from './server';

export interface AdbDeviceEvent {
  type: 'add' | 'remove' | 'change';
  device: AdbDeviceInfo;
}

/**
 * Tracks devices live: `add`, `remove`, `change` events with explained states, plus
 * `server-lost` / `server-restarted` when the adb server goes away (another adb killed it)
 * and tracking resumes with backoff. Emits `failure` (a CoralError) when tracking cannot start, e.g. adb is missing — not `error`, which would crash a process that forgot to listen.
 */
export class AdbTracker extends EventEmitter {
  private tracker: Awaited<ReturnType<AdbClient['trackDevices']>> | null = null;
  private known = new Map<string, AdbDeviceInfo>();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private refreshTimer: NodeJS.Timeout | null = null;
  private attempt = 0;
  private everConnected = false;

  constructor(
    private readonly server: AdbServer,
    private readonly log: Logger,
  ) {
    super();
  }

  list(): AdbDeviceInfo[] {
    return [...this.known.values()];
  }

  start(): void {
    void this.open();
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    try {
      const tracker = await this.server.client.trackDevices();
      if (this.stopped) {
        tracker.end();
        return;
      }
      this.tracker = tracker;
      const restarted = this.everConnected;
      this.everConnected = true;
      this.attempt = 0;
      tracker.on('changeSet', (set: { added: Device[]; removed: Device[]; changed: Device[] }) => {
        for (const d of set.removed) this.update('remove', d);
        for (const d of set.added) this.update('add', d);
        for (const d of set.changed) this.update('change', d);
      });
      tracker.on('error', (e: unknown) =>
        this.log.debug('boards', `adb tracker: ${toCoralError(e).message}`),
      );
      tracker.on('end', () => {
        if (this.stopped) return;
        this.tracker = null;
        this.emit('server-lost');
        this.log.warn(
          'boards',
          `The adb server on ${this.server.address} went away; tracking restarts.`,
        );
        for (const d of [...this.known.values()]) {
          this.known.delete(d.serial);
          this.emit('device', { type: 'remove', device: d } satisfies AdbDeviceEvent);
        }
        this.scheduleRetry();
      });
      if (restarted) this.emit('server-restarted');
      this.emit('ready');
    } catch (e) {
      const err = this.server.explain(e, 'tracking devices');
      this.emit('failure', err);
      if (err.code !== 'ADB_NOT_FOUND') this.scheduleRetry();
    }
  }

  private update(type: AdbDeviceEvent['type'], d: Device): void {
    const info = explainAdbState(d.id, d.type);
    if (type === 'remove') this.known.delete(d.id);
    else this.known.set(d.id, info);
    this.emit('device', { type, device: info } satisfies AdbDeviceEvent);
    this.refreshSoon();
  }

  /**
   * adb's track-devices does not announce every state change (a network device that turns
   * `unauthorized`, or one it keeps `offline` while retrying), so while a device is not ready
   * the list is re-read every couple of seconds and differences are emitted as changes.
   */
  private refreshSoon(): void {
    if (this.stopped || this.refreshTimer || ![...this.known.values()].some((d) => !d.ready))
      return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.server.client.listDevices().then(
        (list: Device[]) => {
          if (this.stopped) return;
          for (const d of list) {
            const before = this.known.get(d.id);
            if (before && explainAdbState(d.id, d.type).state !== before.state)
              this.update('change', d);
          }
          this.refreshSoon();
        },
        () => {
          // the tracker's own 'end' handles a server that went away
        },
      );
    }, 2000);
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    const delay = Math.min(10_000, 500 * 2 ** this.attempt++);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.open();
    }, delay);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.retryTimer = null;
    this.refreshTimer = null;
    const t = this.tracker;
    this.tracker = null;
    if (t) {
      t.removeAllListeners('end');
      t.on('error', () => {});
      t.end();
    }
    this.removeAllListeners('device');
  }
}
