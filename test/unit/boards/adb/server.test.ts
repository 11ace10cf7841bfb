import { describe, expect, it } from 'vitest';
import {
  AdbServer,
  explainAdbState,
  parseAdbVersion,
} from '../../../../electron/boards/adb/server';
import { freePort } from '../../../helpers/sshd';

describe('adb device states', () => {
  it.each([
    ['device', true, /ready/, undefined],
    ['unauthorized', false, /not authorized/, /adb_keys/],
    ['offline', false, /does not answer/, /Replug/],
    [
      'no permissions (user in plugdev group; are your udev rules wrong?)',
      false,
      /may not open the USB device/,
      /udev/,
    ],
    ['recovery', false, /recovery mode/, /Reboot/],
  ])('explains %s', (raw, ready, message, hint) => {
    const d = explainAdbState('ABC123', raw);
    expect(d.ready).toBe(ready);
    expect(d.message).toMatch(message);
    if (hint) expect(d.hint).toMatch(hint);
  });

  it('tells network devices apart and gives them network advice', () => {
    const d = explainAdbState('192.168.1.9:5555', 'offline');
    expect(d.network).toBe(true);
    expect(d.hint).toMatch(/adbd listens/);
  });
});

describe('the adb server', () => {
  it('reads the version number of `adb version`', () => {
    expect(parseAdbVersion('Android Debug Bridge version 1.0.41\nVersion 29.0.6-debian\n')).toBe(
      41,
    );
    expect(parseAdbVersion('bash: adb: command not found')).toBeNull();
  });

  it('says adb is not installed when there is neither a binary nor a server', async () => {
    const port = await freePort();
    const s = new AdbServer({
      env: { PATH: '/nonexistent', ANDROID_ADB_SERVER_PORT: String(port) },
    });
    await expect(s.devices()).rejects.toMatchObject({
      code: 'ADB_NOT_FOUND',
      message: expect.stringContaining(`127.0.0.1:${port}`),
      hint: expect.stringContaining('apt install adb'),
    });
  });

  it('uses ANDROID_ADB_SERVER_PORT and CORAL_ADB', () => {
    const s = new AdbServer({
      env: { ANDROID_ADB_SERVER_PORT: '5099', CORAL_ADB: '/opt/rknn/adb' },
    });
    expect(s.address).toBe('127.0.0.1:5099');
    expect(s.bin).toBe('/opt/rknn/adb');
  });
});
