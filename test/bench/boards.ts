/**
 * `npm run bench -- boards`
 *
 * 1. Probe against a real OpenSSH sshd on loopback: the batched probe (one connection, one
 *    script) versus one connection per probe command (what a naive ssh-per-fact probe does).
 * 2. Probing 50 virtual boards at once versus one virtual board.
 *
 * Ratios are measured side by side in one run and printed; nothing fails on time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createTransport } from '../../electron/boards/connect';
import { probe } from '../../electron/boards/probe';
import { probeSections } from '../../electron/boards/probe/script';
import {
  HEADER,
  FOOTER,
  parseSections,
  sectionCommand,
} from '../../electron/boards/probe/sections';
import { interpretProbe } from '../../electron/boards/probe/parse';
import { VirtualBoard } from '../../electron/boards/sim';
import { generateKeyPair } from '../../electron/boards/sim/keys';
import type { Transport } from '../../electron/boards/types';
import { startSshd } from '../helpers/sshd';
import { tempDir } from '../helpers/boards';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const ms = (n: number) => `${n.toFixed(0)} ms`;

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function sshdProbe(): Promise<void> {
  const sshd = await startSshd();
  const dataDir = tempDir('coral-bench-');
  const ctx = (trust: boolean) => ({
    dataDir,
    env: { HOME: dataDir, USER: sshd.user },
    identityFile: sshd.clientKey,
    reconnect: { enabled: false },
    ...(trust ? { trustNewHost: sshd.hostKeyFingerprint } : {}),
  });
  const open = (): Transport => createTransport(sshd.target, ctx(true));
  try {
    // warm up: trust the host once, load modules, fill caches
    const warm = open();
    await probe(warm);
    await warm.close();

    const sections = probeSections();
    const rounds = 5;
    const batched: number[] = [];
    const perCommand: number[] = [];
    const oneConnManyCmds: number[] = [];
    for (let i = 0; i < rounds; i++) {
      // A: one connection, one batched script (what `coral board probe` does)
      batched.push(
        (
          await timed(async () => {
            const t = open();
            try {
              return await probe(t);
            } finally {
              await t.close();
            }
          })
        ).ms,
      );
      // B: a new ssh connection for every fact, as a shell loop of `ssh host cmd` would do
      const b = await timed(async () => {
        let out = `${HEADER} probe 1\n`;
        for (const s of sections) {
          const t = open();
          try {
            out += (await t.exec(sectionCommand(s), { killable: false })).stdout;
          } finally {
            await t.close();
          }
        }
        return interpretProbe(parseSections('probe', `${out}${FOOTER}\n`));
      });
      perCommand.push(b.ms);
      // C: one connection, one round trip per fact
      oneConnManyCmds.push(
        (
          await timed(async () => {
            const t = open();
            try {
              for (const s of sections) await t.exec(sectionCommand(s), { killable: false });
            } finally {
              await t.close();
            }
          })
        ).ms,
      );
    }
    const a = median(batched);
    const b = median(perCommand);
    const c = median(oneConnManyCmds);
    console.log(
      `\nProbe of a real sshd on loopback (${sections.length} facts, median of ${rounds}, connection setup included):`,
    );
    const row = (label: string, v: number, note = '') =>
      console.log(`  ${label.padEnd(36)}${ms(v).padStart(9)}${note}`);
    row('batched: 1 connection, 1 script', a);
    row(`1 connection, ${sections.length} round trips`, c, `   ${(c / a).toFixed(1)}x slower`);
    row(`${sections.length} connections, 1 command each`, b, `   ${(b / a).toFixed(1)}x slower`);
  } finally {
    await sshd.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function virtualFleet(): Promise<void> {
  const n = 50;
  const dataDir = tempDir('coral-bench-fleet-');
  const client = generateKeyPair();
  const keyFile = path.join(dataDir, 'id');
  fs.writeFileSync(keyFile, client.privateKey, { mode: 0o600 });
  const profiles = ['rk3588-rock5b', 'rk3566-zero3w', 'rv1106-luckfox-pico'];
  const boards: VirtualBoard[] = [];
  const transports: Transport[] = [];
  try {
    const started = await timed(async () => {
      for (let i = 0; i < n; i++) {
        boards.push(
          await VirtualBoard.start({
            profile: profiles[i % profiles.length],
            authorizedKeys: [client.publicKey],
            adbPort: null,
          }),
        );
      }
    });
    for (const vb of boards) {
      transports.push(
        createTransport(vb.targets().ssh as string, {
          dataDir,
          env: { HOME: dataDir },
          identityFile: keyFile,
          trustNewHost: vb.hostKeyFingerprint,
          reconnect: { enabled: false },
        }),
      );
    }
    // connect all first, so both measurements time the probe itself
    const connect = await timed(() => Promise.all(transports.map((t) => t.connect())));
    await probe(transports[0]);
    const single: number[] = [];
    for (let i = 0; i < 5; i++)
      single.push((await timed(() => probe(transports[i % transports.length]))).ms);
    const fleet: number[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await timed(() => Promise.all(transports.map((t) => probe(t))));
      if (r.value.some((p) => !p.virtual || p.soc === null))
        throw new Error('a virtual board probed wrong');
      fleet.push(r.ms);
    }
    const one = median(single);
    const all = median(fleet);
    console.log(
      `\n${n} virtual boards in this process (${profiles.join(', ')}), SSH, already connected:`,
    );
    console.log(`  start ${n} boards ${ms(started.ms)}, connect all ${ms(connect.ms)}`);
    console.log(`  ${'probe 1 board'.padEnd(36)}${ms(one).padStart(9)}`);
    console.log(
      `  ${`probe ${n} boards at once`.padEnd(36)}${ms(all).padStart(9)}   ${(all / one).toFixed(1)}x the time of one (${((one * n) / all).toFixed(1)}x faster than one after another)`,
    );
  } finally {
    await Promise.all(transports.map((t) => t.close()));
    await Promise.all(boards.map((b) => b.stop()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function run(): Promise<void> {
  await sshdProbe();
  await virtualFleet();
}
