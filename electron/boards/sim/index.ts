/**
 * A virtual board: a profile served over SSH and the device side of ADB on loopback.
 * `VirtualBoard.start()` owns both servers; `stop()` closes every connection and removes the
 * board's private filesystem layer.
 */
import fs from 'node:fs';
import ssh2 from 'ssh2';
import type { Logger } from '../../runtime/types';
import { fingerprint } from '../ssh/known-hosts';
import { SimBoard } from './board';
import { resolveProfile, type LoadedProfile } from './profile';
import { SimSshServer, parseAuthorizedKeys } from './ssh-server';
import { SimAdbDevice } from './adb-device';
import { generateKeyPair } from './keys';

export interface VirtualBoardOptions {
  /** A profile directory, a shipped profile id, or a loaded profile. */
  profile: string | LoadedProfile;
  host?: string;
  /** 0 or undefined: a free port; null: no SSH side. */
  sshPort?: number | null;
  /** 0 or undefined: a free port; null: no ADB side. */
  adbPort?: number | null;
  /** Private host key text; a throwaway key is generated when absent. */
  hostKey?: string;
  /** Public keys (authorized_keys lines) or files holding them. */
  authorizedKeys?: string[];
  /** A password accepted for every login user (memory only). */
  password?: string;
  adbAuth?: 'none' | 'deny';
  log?: Logger;
}

export class VirtualBoard {
  readonly board: SimBoard;
  sshPort: number | null = null;
  adbPort: number | null = null;
  readonly hostKeyFingerprint: string;
  private ssh: SimSshServer | null = null;
  private adb: SimAdbDevice | null = null;
  private stopped = false;

  private constructor(
    loaded: LoadedProfile,
    private readonly o: VirtualBoardOptions,
    private readonly hostKey: string,
  ) {
    this.board = new SimBoard(loaded);
    const parsed = ssh2.utils.parseKey(hostKey);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    this.hostKeyFingerprint = key instanceof Error ? 'unknown' : fingerprint(key.getPublicSSH());
  }

  static async start(o: VirtualBoardOptions): Promise<VirtualBoard> {
    const loaded = typeof o.profile === 'string' ? resolveProfile(o.profile) : o.profile;
    const vb = new VirtualBoard(
      loaded,
      o,
      o.hostKey ?? generateKeyPair('coral-virtual-board-host').privateKey,
    );
    try {
      await vb.listen();
    } catch (e) {
      await vb.stop();
      throw e;
    }
    return vb;
  }

  private async listen(): Promise<void> {
    const host = this.o.host ?? '127.0.0.1';
    if (this.o.sshPort !== null) {
      const keys = (this.o.authorizedKeys ?? []).flatMap((k) =>
        parseAuthorizedKeys(fs.existsSync(k) ? fs.readFileSync(k, 'utf8') : k),
      );
      this.ssh = new SimSshServer({
        board: this.board,
        hostKey: this.hostKey,
        authorizedKeys: keys,
        ...(this.o.password !== undefined ? { password: this.o.password } : {}),
        host,
        port: this.o.sshPort ?? 0,
        ...(this.o.log ? { log: this.o.log } : {}),
      });
      this.sshPort = await this.ssh.start();
    }
    if (this.o.adbPort !== null) {
      this.adb = new SimAdbDevice({
        board: this.board,
        host,
        port: this.o.adbPort ?? 0,
        auth: this.o.adbAuth ?? 'none',
        ...(this.o.log ? { log: this.o.log } : {}),
      });
      this.adbPort = await this.adb.start();
    }
  }

  get profile() {
    return this.board.profile;
  }

  /** Targets to give the app or the CLI. */
  targets(user = 'root'): { ssh?: string; adb?: string } {
    const host = this.o.host ?? '127.0.0.1';
    return {
      ...(this.sshPort ? { ssh: `ssh://${user}@${host}:${this.sshPort}` } : {}),
      ...(this.adbPort ? { adb: `adb+tcp://${host}:${this.adbPort}` } : {}),
    };
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all([this.ssh?.stop(), this.adb?.stop()]);
    this.board.dispose();
  }
}

export { listShippedProfiles, loadProfile, resolveProfile } from './profile';
