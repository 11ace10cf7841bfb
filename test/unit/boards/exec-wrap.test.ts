import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  OutputDemuxer,
  envExports,
  killCommand,
  shQuote,
  wrapCommand,
} from '../../../electron/boards/exec-wrap';

/** Runs a line with the real /bin/sh, as a board's login shell would. */
function sh(line: string): string {
  return execFileSync('/bin/sh', ['-c', line], { encoding: 'latin1' });
}

function demux(chunks: string[], opts = { killable: true, exitMarker: true }) {
  let out = '';
  const d = new OutputDemuxer(opts, (c) => (out += c.toString('latin1')));
  for (const c of chunks) d.push(Buffer.from(c, 'latin1'));
  const code = d.end();
  return { out, code, pid: d.pid, pgid: d.pgid };
}

describe('shell quoting', () => {
  it.each(["it's", 'a b', '$HOME', '`id`', '"q"', 'back\\slash', '', 'new\nline', '*'])(
    'round-trips %j through a real sh',
    (s) => {
      expect(sh(`printf %s ${shQuote(s)}`)).toBe(s);
    },
  );

  it('refuses env names that are not shell identifiers', () => {
    expect(() => envExports({ 'BAD-NAME': '1' })).toThrowError(
      expect.objectContaining({ code: 'BOARD_ENV_INVALID' }),
    );
  });
});

describe('the command wrapper', () => {
  it('reports the pid and process group, exports env, and marks the exit code (real sh)', () => {
    const raw = sh(
      wrapCommand('echo "x=$CORAL_ENABLE_WEBRTC"; exit 3', {
        env: { CORAL_ENABLE_WEBRTC: "1 'q'" },
        killable: true,
        exitMarker: true,
      }),
    );
    const r = demux([raw]);
    expect(r.out).toBe("x=1 'q'\n");
    expect(r.code).toBe(3);
    expect(r.pid).toBeGreaterThan(1);
    expect(r.pgid).toBeGreaterThan(0);
  });

  it('finds markers split across chunks and keeps output byte-exact', () => {
    const r = demux(['@@CORAL_P', 'ID 42 40\nhel', 'lo\n', '\n@@CORAL_EX', 'IT 7\n']);
    expect(r).toMatchObject({ out: 'hello\n', code: 7, pid: 42, pgid: 40 });
  });

  it('understands CRLF from an adb pty', () => {
    expect(demux(['@@CORAL_PID 5 5\r\nA\r\n\r\n@@CORAL_EXIT 0\r\n'])).toMatchObject({
      out: 'A\r\n',
      code: 0,
    });
  });

  it('gives no exit code when the stream ends without the marker (a dropped connection)', () => {
    expect(demux(['@@CORAL_PID 5 5\npartial']).code).toBeUndefined();
  });

  it('passes output through untouched when the command is not wrapped', () => {
    expect(demux(['@@CORAL_PID is just text\n'], { killable: false, exitMarker: false }).out).toBe(
      '@@CORAL_PID is just text\n',
    );
  });

  it('kills the process group with TERM first and falls back to the pid when there is no group', () => {
    expect(killCommand(123, 120)).toMatch(/^kill -TERM -120 2>\/dev\/null \|\| kill -TERM 123/);
    expect(killCommand(123, 1)).toMatch(/^kill -TERM 123/);
  });
});
