import { describe, expect, it } from 'vitest';
import { MessageReader, encodeMessage } from '../../../../electron/boards/sim/adb-device';

describe('ADB messages', () => {
  it('encode the 24-byte header (command, args, length, checksum, magic) and decode across chunk boundaries', () => {
    const CNXN = 0x4e584e43;
    const msg = encodeMessage(CNXN, 0x01000001, 256 * 1024, Buffer.from('device::\0'));
    expect(msg.subarray(0, 4).toString('latin1')).toBe('CNXN');
    expect(msg.readUInt32LE(12)).toBe(9);
    expect(msg.readUInt32LE(20)).toBe((CNXN ^ 0xffffffff) >>> 0);
    const r = new MessageReader();
    expect(r.push(msg.subarray(0, 10))).toEqual([]);
    const both = Buffer.concat([msg.subarray(10), encodeMessage(0x59414b4f, 1, 2)]);
    const out = r.push(both);
    expect(out.map((m) => m.command)).toEqual([CNXN, 0x59414b4f]);
    expect(out[0].data.toString()).toBe('device::\0');
  });

  it('rejects bytes that are not ADB (bad magic)', () => {
    expect(() => new MessageReader().push(Buffer.alloc(24, 1))).toThrow(/magic/);
  });
});
