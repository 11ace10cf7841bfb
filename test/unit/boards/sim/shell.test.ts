import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimBoard } from '../../../../electron/boards/sim/board';
import { simBoard, simRun } from '../../../helpers/boards';

let board: SimBoard;
beforeAll(() => {
  board = simBoard('rk3588-rock5b');
});
afterAll(() => board.dispose());

const run = (cmd: string, user = 'root') => simRun(board, cmd, user);

describe('the virtual board shell', () => {
  it('expands variables, quotes and command substitution like sh', async () => {
    expect(
      (await run(`X='a b'; echo "$X" '$X' \${X:-d} \${Y:-dflt} $(echo sub) \`echo bq\``)).out,
    ).toBe('a b $X a b dflt sub bq\n');
    expect((await run('set -- one two; echo $# $1 "$@"')).out).toBe('2 one one two\n');
  });

  it('splits unquoted expansions into fields and keeps quoted ones whole', async () => {
    expect(
      (
        await run(
          'X="1 2  3"; for i in $X; do echo "[$i]"; done; for i in "$X"; do echo "[$i]"; done',
        )
      ).out,
    ).toBe('[1]\n[2]\n[3]\n[1 2  3]\n');
  });

  it('runs pipelines, && / ||, subshells, groups, if, while and functions', async () => {
    const r = await run(
      'f() { echo "fn $1"; return 3; }; f x; echo rc=$?; (exit 4) || echo sub=$?; { echo g1; echo g2; } | grep -c g; ' +
        'if [ -d /tmp ]; then echo yes; elif true; then echo no; else echo never; fi; i=0; while [ $i -lt 3 ]; do i=$((i + 1)); echo "w$i"; done; echo $(( (2 + 3) * 4 % 7 )) $((1 < 2 && 0))',
    );
    expect(r.out).toBe('fn x\nrc=3\nsub=4\n2\nyes\nw1\nw2\nw3\n6 0\n');
  });

  it('redirects output to files, appends, and merges stderr into stdout with 2>&1', async () => {
    const r = await run(
      'cd /tmp; echo one > f; echo two >> f; cat f; cat /nope 2>&1 | tr a-z A-Z; cat /nope 2>/dev/null || echo quiet',
    );
    expect(r.out).toBe("one\ntwo\nCAT: CAN'T OPEN '/NOPE': NO SUCH FILE OR DIRECTORY\nquiet\n");
  });

  it('exits 127 for unknown commands, 126 for binaries it cannot run, 2 for syntax errors', async () => {
    expect(await run('nosuchcmd')).toMatchObject({ code: 127, err: 'sh: nosuchcmd: not found\n' });
    expect((await run('/usr/lib/librknnrt.so')).code).toBe(126);
    expect((await run('echo (')).code).toBe(2);
  });

  it('runs shell scripts pushed to the board', async () => {
    board.vfs.writeFile('/tmp/s.sh', '#!/bin/sh\necho "script $1 $#"\nexit 5\n');
    expect(await run('chmod +x /tmp/s.sh; /tmp/s.sh arg')).toMatchObject({
      out: 'script arg 1\n',
      code: 5,
    });
  });

  it('gives each sh its own pid in $$ and a /proc/<pid>/stat with its process group', async () => {
    const r = await run(`sh -c 'echo $$ $(cut -d" " -f5 /proc/$$/stat)'; echo $$`);
    const [inner, pgid, outer] = r.out.trim().split(/\s+/).map(Number);
    expect(inner).not.toBe(outer);
    expect(pgid).toBe(outer);
  });

  it('kills a running command by pid and by process group', async () => {
    let out = '';
    const root = board.userNamed('root');
    if (!root) throw new Error('no root');
    const running = board.run(`sh -c 'echo $$; sleep 30'`, {
      user: root,
      onStdout: (d) => (out += d),
      onStderr: () => {},
    });
    while (!out.includes('\n')) await new Promise((r) => setTimeout(r, 5));
    const pid = Number(out.trim());
    expect((await run(`pidof sleep >/dev/null; kill -TERM ${pid}; echo $?`)).out).toBe('0\n');
    // the login shell reports its child's death by SIGTERM as 128 + 15, as sh does
    expect(await running.done).toBe(143);
    const again = board.run('sleep 30', { user: root, onStdout: () => {}, onStderr: () => {} });
    await new Promise((r) => setTimeout(r, 20));
    expect(board.kill(again.proc.pgid, 9, true)).toBe(true);
    expect(await again.done).toBe(137);
  });

  it('exports env to child shells but keeps plain variables local', async () => {
    expect((await run(`A=1; export B=2; sh -c 'echo "[$A][$B]"'; C=3 sh -c 'echo $C'`)).out).toBe(
      '[][2]\n3\n',
    );
  });

  it('implements the text tools the probe relies on', async () => {
    expect((await run(`printf 'a\\0b\\001c\\n' | tr -c '[:print:]' '\\n'`)).out).toBe('a\nb\nc\n');
    expect((await run(`grep -Hs . /sys/class/thermal/thermal_zone0/type /nonexistent`)).out).toBe(
      '/sys/class/thermal/thermal_zone0/type:soc-thermal\n',
    );
    expect((await run(`printf 'x1\\ny2\\nx3\\n' | grep -E '^x[0-9]$' | head -n 1`)).out).toBe(
      'x1\n',
    );
    expect((await run(`echo 'a:b:c' | cut -d: -f2,3; printf '%s=%03d\\n' n 7`)).out).toBe(
      'b:c\nn=007\n',
    );
    expect((await run('uname -r; uname -m; id -u; nproc')).out).toBe(
      '5.10.110-37-rockchip\naarch64\n0\n8\n',
    );
  });

  it('lets only root read debugfs, like a real board', async () => {
    expect((await run('cat /sys/kernel/debug/rknpu/version', 'rock')).err).toMatch(
      /Permission denied/,
    );
    expect((await run('cat /sys/kernel/debug/rknpu/version')).out).toBe('RKNPU driver: v0.9.6\n');
  });
});
