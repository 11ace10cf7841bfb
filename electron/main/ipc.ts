/**
 * Electron IPC as a transport over the one handler table: every contract channel is an
 * ipcMain.handle whose sender frame is checked first (the app's own page, top frame only).
 * One Session per webContents holds its lazy event subscriptions and cancellable requests.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNELS, IPC_META, type EventName, type EventOf } from '../ipc/contract';
import type { IpcServer } from '../ipc/handlers';
import { Session } from '../ipc/session';
import { isAppUrl } from './navigation';

export interface IpcWiring {
  /** Pushes an event the shell made (menu commands) to one window's page, if it listens. */
  push<E extends EventName>(contents: WebContents, event: E, data: EventOf<E>): void;
  dispose(): void;
}

export function wireIpc(ipc: IpcServer, appUrl: () => string): IpcWiring {
  const sessions = new Map<number, Session>();

  const sessionFor = (contents: WebContents): Session => {
    let s = sessions.get(contents.id);
    if (!s) {
      const session = new Session(
        ipc,
        (ev, d) => contents.send(IPC_META.event, ev, d),
        `window ${contents.id}`,
      );
      sessions.set(contents.id, session);
      contents.once('destroyed', () => {
        session.dispose();
        sessions.delete(contents.id);
      });
      s = session;
    }
    return s;
  };

  /** Only the top frame of the app's own page may call; never an iframe or a foreign page. */
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return Boolean(
      frame &&
      frame.parent === null &&
      frame === event.sender.mainFrame &&
      isAppUrl(frame.url, appUrl()),
    );
  };
  const refuse = (event: IpcMainInvokeEvent, channel: string) =>
    ipc.reject(`window ${event.sender.id}`, {
      code: 'FORBIDDEN_SENDER',
      message: `Refused ${channel} from ${event.senderFrame?.url ?? 'a destroyed frame'}: not the app's own page.`,
      hint: 'Only the Coral Studio page in its top frame may use the IPC bridge.',
    });

  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown, requestId: unknown) =>
      trusted(event)
        ? sessionFor(event.sender).request(
            channel,
            payload,
            typeof requestId === 'string' ? requestId : undefined,
          )
        : refuse(event, channel),
    );
  }
  ipcMain.handle(
    IPC_META.cancel,
    (event, id: unknown) => trusted(event) && sessionFor(event.sender).cancel(id),
  );
  ipcMain.handle(
    IPC_META.subscribe,
    (event, ev: unknown) => trusted(event) && sessionFor(event.sender).subscribe(ev),
  );
  ipcMain.handle(
    IPC_META.unsubscribe,
    (event, ev: unknown) => trusted(event) && sessionFor(event.sender).unsubscribe(ev),
  );

  return {
    push(contents, event, data) {
      sessions.get(contents.id)?.push(event, data);
    },
    dispose() {
      for (const channel of [
        ...CHANNELS,
        IPC_META.cancel,
        IPC_META.subscribe,
        IPC_META.unsubscribe,
      ]) {
        ipcMain.removeHandler(channel);
      }
      for (const s of sessions.values()) s.dispose();
      sessions.clear();
    },
  };
}
