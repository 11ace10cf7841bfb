/**
 * The host-key decision of an SSH connection: known, revoked, changed (refused, both
 * fingerprints shown) or unknown (trusted only by --trust-new-host, an expected fingerprint,
 * or a yes from the prompt — then remembered in the app's own known_hosts; a 'once' answer
 * trusts it for this connection without remembering it).
 */
import { CoralError } from '../../runtime/errors';
import type { Logger } from '../../runtime/types';
import type { PromptFn } from '../types';
import { appendKnownHost, checkHostKey, fingerprint, hostToken, keyTypeOf } from './known-hosts';

export interface HostKeyPolicy {
  target: string;
  host: string;
  port: number;
  knownHostsFiles: string[];
  appKnownHostsFile: string;
  trustNewHost?: boolean | string;
  prompt?: PromptFn;
  log: Logger;
  /** Pauses the handshake timer while a human decides. */
  pause(paused: boolean): void;
}

export async function verifyHostKey(key: Buffer, o: HostKeyPolicy): Promise<void> {
  const { host, port } = o;
  const check = checkHostKey(host, port, key, o.knownHostsFiles);
  const token = hostToken(host, port);
  if (check.status === 'known') return;
  if (check.status === 'revoked') {
    throw new CoralError(
      'HOST_KEY_REVOKED',
      `The host key ${check.actual} of ${token} is marked @revoked in ${check.entry.file}:${check.entry.line}.`,
      {
        hint: 'The board uses a key you revoked; do not connect until its keys are replaced.',
      },
    );
  }
  if (check.status === 'changed') {
    const expected = check.expected.map((x) => `${x.fingerprint} (${x.file}:${x.line})`).join(', ');
    throw new CoralError(
      'HOST_KEY_CHANGED',
      `The host key of ${token} has CHANGED: it now presents ${check.actual}, but the known key is ${expected}. Refusing to connect.`,
      {
        hint: `Someone may be intercepting the connection, or the board was reinstalled. If you are sure it was reinstalled, remove the old key with: ssh-keygen -R '${token}' -f ${check.expected[0].file}`,
        detail: { host, port, actual: check.actual, expected: check.expected },
      },
    );
  }
  const keyType = keyTypeOf(key);
  const trust = o.trustNewHost;
  let accepted = trust === true || trust === check.actual;
  // 'once' trusts the key for this connection without remembering it (the app's trust dialog)
  let remember = true;
  if (!accepted && o.prompt && trust === undefined) {
    o.pause(true);
    try {
      const answer = await o.prompt({
        kind: 'host-key',
        target: o.target,
        host,
        port,
        keyType,
        fingerprint: check.actual,
        otherKnownTypes: check.otherKnownTypes,
      });
      accepted = answer !== null && /^(y|yes|trust|accept|once)$/i.test(answer.trim());
      remember = !/^once$/i.test(answer?.trim() ?? '');
    } finally {
      o.pause(false);
    }
    if (!accepted) {
      throw new CoralError(
        'HOST_KEY_REJECTED',
        `You did not trust the host key ${check.actual} of ${token}.`,
        {
          hint: 'Compare the fingerprint with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the board, then connect again.',
          detail: { host, port, keyType, fingerprint: check.actual },
        },
      );
    }
  }
  if (!accepted) {
    throw new CoralError(
      'HOST_KEY_UNKNOWN',
      `${token} is not a known host; its ${keyType} key fingerprint is ${check.actual}.`,
      {
        hint: `Check the fingerprint on the board (ssh-keygen -lf /etc/ssh/ssh_host_${keyType.replace(/^ssh-|-sha2.*$/g, '')}_key.pub), then trust it: the CLI takes --trust-new-host, the app asks.`,
        detail: {
          host,
          port,
          keyType,
          fingerprint: check.actual,
          otherKnownTypes: check.otherKnownTypes,
        },
      },
    );
  }
  if (!remember) {
    o.log.info(
      'boards',
      `Trusted the ${keyType} key ${fingerprint(key)} of ${token} for this connection only (not saved).`,
    );
    return;
  }
  appendKnownHost(o.appKnownHostsFile, host, port, key);
  o.log.info(
    'boards',
    `Trusted the ${keyType} key ${fingerprint(key)} of ${token} (saved in ${o.appKnownHostsFile}).`,
  );
}
