import { describe, expect, it } from 'vitest';
import { formatTarget, parseTarget } from '../../../electron/boards/target';

describe('board targets', () => {
  it('parses ssh URLs with user, host and port, IPv6 included', () => {
    expect(parseTarget('ssh://root@10.0.0.5:2222')).toMatchObject({
      kind: 'ssh',
      user: 'root',
      host: '10.0.0.5',
      port: 2222,
      maybeAlias: false,
    });
    expect(parseTarget('ssh://[::1]:22')).toMatchObject({ kind: 'ssh', host: '::1', port: 22 });
    expect(parseTarget('rock@rock5b.lan')).toMatchObject({
      kind: 'ssh',
      user: 'rock',
      host: 'rock5b.lan',
      maybeAlias: false,
    });
  });

  it('treats a bare name as a possible ~/.ssh/config alias', () => {
    expect(parseTarget('myboard')).toMatchObject({
      kind: 'ssh',
      host: 'myboard',
      maybeAlias: true,
    });
  });

  it('parses adb serials (which may contain colons) and adb+tcp with the default port 5555', () => {
    expect(parseTarget('adb:192.168.1.9:5555')).toEqual({
      kind: 'adb',
      serial: '192.168.1.9:5555',
      raw: 'adb:192.168.1.9:5555',
    });
    expect(parseTarget('adb+tcp://192.168.1.9')).toMatchObject({
      kind: 'adb-tcp',
      host: '192.168.1.9',
      port: 5555,
    });
  });

  it.each([
    ['', 'is empty'],
    ['ssh://', 'has no host'],
    ['ssh://root@host:99999', 'port out of range'],
    ['ssh://host:abc', 'invalid port'],
    ['http://host', 'unknown scheme'],
    ['adb:', 'no device serial'],
    ['ssh://fe80::1', 'IPv6 address without'],
    ['my board', 'contains spaces'],
  ])('rejects %j with a message naming the problem', (input, why) => {
    expect(() => parseTarget(input)).toThrowError(
      expect.objectContaining({
        code: 'BOARD_TARGET_INVALID',
        message: expect.stringContaining(why),
      }),
    );
  });

  it('formats targets back to their canonical text', () => {
    for (const t of [
      'ssh://root@10.0.0.5:2222',
      'ssh://[::1]:22',
      'adb:ABC123',
      'adb+tcp://10.0.0.9:5555',
      'myboard',
    ]) {
      expect(formatTarget(parseTarget(t))).toBe(t);
    }
  });
});
