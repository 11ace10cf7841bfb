/**
 * A real electron-builder run (`--dir`, Linux) on this machine, where the Electron binary cannot
 * be downloaded: electron-builder is given a stand-in Electron distribution whose "binary"
 * carries a real fuse wire (sentinel, version 1, Electron's default fuse states), so the whole
 * pipeline runs for real — file selection, node_modules collection, app.asar, asarUnpack, the
 * afterPack hook flipping fuses with @electron/fuses. Then:
 * - the archive is compared with what the app loads at run time;
 * - the fuse wire is read back from the "binary";
 * - on the host's arch, the packaged dependencies are loaded with Node: onnxruntime-node runs a
 *   sample model and better-sqlite3 a query from an extracted copy of the app, and every
 *   unpacked addon is dlopen'ed straight from app.asar.unpacked (that is what proves that the
 *   shared libraries it links sit next to it).
 * Native modules are not rebuilt (npmRebuild=false): there are no Electron headers here, and the
 * Node-ABI builds are what lets Node load them in the smoke test.
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { getCurrentFuseWire } from '@electron/fuses';
import { type AsarArchive, readAsar, readAsarFile } from './asar';
import { devFileKind, type Finding, type Project } from './checks';
import { fuseMismatches } from './fuses.mjs';
import { runtimeInventory, type ProductionDependency } from './runtime-files';

/** Electron's fuse wire as shipped (docs/tutorial/fuses.md): 9 V1 fuses, default states. */
export const DEFAULT_FUSE_WIRE = '101100011';
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/** A stand-in for an unpacked Electron distribution, as electron-builder's electronDist. */
export function writeFakeElectronDist(
  dir: string,
  electronVersion: string,
  wire = DEFAULT_FUSE_WIRE,
): void {
  mkdirSync(dir, { recursive: true });
  const binary = Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46]), // ELF magic: electron-builder only copies the file
    Buffer.alloc(4092),
    Buffer.from(FUSE_SENTINEL, 'latin1'),
    Buffer.from([1, wire.length]),
    Buffer.from(wire, 'latin1'),
    Buffer.alloc(4096),
  ]);
  writeFileSync(path.join(dir, 'electron'), binary);
  chmodSync(path.join(dir, 'electron'), 0o755);
  writeFileSync(path.join(dir, 'version'), electronVersion);
}

export interface PackResult {
  appOutDir: string;
  archive: AsarArchive;
  findings: Finding[];
  log: string;
}

const find = (level: Finding['level'], message: string, area: string): Finding => ({
  level,
  area,
  message,
});

/** The archive path a project-relative runtime file ends up at; node_modules may be re-hoisted. */
function locate(archive: AsarArchive, rel: string): string | null {
  if (archive.entries.has(rel)) return rel;
  const m = /^(.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(rel);
  if (!m) return null;
  const suffix = `node_modules/${m[2]}/${m[3]}`;
  for (const key of archive.entries.keys()) if (key.endsWith(suffix)) return key;
  return null;
}

export function runElectronBuilder(
  project: Project,
  arch: string,
  workDir: string,
): { ok: boolean; log: string; appOutDir: string } {
  const electronVersion = (
    JSON.parse(
      readFileSync(
        createRequire(path.join(project.dir, 'package.json')).resolve('electron/package.json'),
        'utf8',
      ),
    ) as {
      version: string;
    }
  ).version;
  const dist = path.join(workDir, 'electron-dist');
  const output = path.join(workDir, 'release');
  writeFakeElectronDist(dist, electronVersion);
  const cli = createRequire(path.join(project.dir, 'package.json')).resolve(
    'electron-builder/cli.js',
  );
  const res = spawnSync(
    process.execPath,
    [
      cli,
      '--dir',
      '--linux',
      `--${arch}`,
      '--publish',
      'never',
      `-c.electronDist=${dist}`,
      `-c.electronVersion=${electronVersion}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${output}`,
    ],
    {
      cwd: project.dir,
      encoding: 'utf8',
      timeout: 300_000,
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
    },
  );
  const log = `${res.stdout ?? ''}${res.stderr ?? ''}`
    .split('\n')
    .filter((l) => !l.includes('duplicate dependency references'))
    .join('\n');
  const unpacked = existsSync(output)
    ? readdirSync(output).find((d) => /^linux(-[a-z0-9]+)?-unpacked$/.test(d))
    : undefined;
  return {
    ok: res.status === 0 && unpacked !== undefined,
    log,
    appOutDir: unpacked ? path.join(output, unpacked) : '',
  };
}

/** Writes the archive's files (packed ones from app.asar, the rest from .unpacked) to `dest`. */
export function extractAsar(archive: AsarArchive, dest: string): void {
  for (const entry of archive.entries.values()) {
    const target = path.join(dest, ...entry.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, readAsarFile(archive, entry.path));
  }
}

const SMOKE_MODULES = `
const { createRequire } = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const req = createRequire(path.join(process.cwd(), 'package.json'));
(async () => {
  const ort = req('onnxruntime-node');
  const models = path.join(process.cwd(), 'resources', 'models');
  const model = fs.existsSync(models) ? fs.readdirSync(models).find((f) => f.endsWith('.onnx')) : undefined;
  if (model) {
    const session = await ort.InferenceSession.create(path.join(models, model));
    console.log('onnxruntime-node: ' + model + ' inputs ' + session.inputNames.join(','));
  } else console.log('onnxruntime-node: loaded (no sample model)');
  const Database = req('better-sqlite3');
  const db = new Database(':memory:');
  console.log('better-sqlite3: ' + JSON.stringify(db.prepare('select 41 + 1 as answer').get()));
  db.close();
})().catch((e) => { console.error(e && e.stack || String(e)); process.exit(1); });
`;

const SMOKE_DLOPEN = `
const files = JSON.parse(process.argv[1]);
let failed = 0;
for (const f of files) {
  try { process.dlopen({ exports: {} }, f); console.log('dlopen ok: ' + f); }
  catch (e) { failed++; console.error('dlopen failed: ' + f + ': ' + e.message); }
}
process.exit(failed ? 1 : 0);
`;

/** The newest GLIBC_x.y symbol version an ELF file asks for (null when none). */
export function requiredGlibc(bytes: Buffer): string | null {
  let best: [number, number] | null = null;
  for (const m of bytes.toString('latin1').matchAll(/GLIBC_(\d+)\.(\d+)/g)) {
    const v: [number, number] = [Number(m[1]), Number(m[2])];
    if (!best || v[0] > best[0] || (v[0] === best[0] && v[1] > best[1])) best = v;
  }
  return best ? `${best[0]}.${best[1]}` : null;
}

function runNode(args: string[], cwd: string): { ok: boolean; out: string } {
  const res = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { ok: res.status === 0, out: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim() };
}

export async function packAndInspect(
  project: Project,
  arch: string,
  deps: ProductionDependency[],
  workDir: string,
): Promise<PackResult> {
  const area = `pack linux-${arch}`;
  const findings: Finding[] = [];
  const built = runElectronBuilder(project, arch, workDir);
  if (!built.ok) {
    return {
      appOutDir: '',
      archive: { file: '', dataStart: 0, entries: new Map() },
      findings: [
        find(
          'error',
          `electron-builder --dir failed:\n${built.log.split('\n').slice(-15).join('\n')}`,
          area,
        ),
      ],
      log: built.log,
    };
  }
  const archive = readAsar(path.join(built.appOutDir, 'resources', 'app.asar'));

  // What ships versus what the app loads.
  const inv = runtimeInventory(project.dir, { platform: 'linux', arch }, deps);
  for (const f of inv.files) {
    const at = locate(archive, f.path);
    if (!at) findings.push(find('error', `${f.path} is missing from app.asar (${f.why})`, area));
    else if (f.unpack && !archive.entries.get(at)?.unpacked)
      findings.push(find('error', `${at} is packed but must be unpacked (${f.why})`, area));
  }
  for (const p of archive.entries.keys()) {
    const kind = devFileKind(p);
    if (kind && !p.endsWith('.d.ts'))
      findings.push(find('error', `app.asar contains ${p}: ${kind}`, area));
    if (!p.startsWith('node_modules/') && !inv.files.some((f) => f.path === p)) {
      findings.push(find('error', `app.asar contains ${p}, which the app never loads`, area));
    }
  }

  // Fuses, as the afterPack hook left them.
  const executableName =
    ((project.config.linux ?? {}) as { executableName?: string }).executableName ??
    project.pkg.name;
  try {
    const wire = (await getCurrentFuseWire(
      path.join(built.appOutDir, executableName),
    )) as unknown as Record<number, number>;
    for (const m of fuseMismatches(wire)) findings.push(find('error', `fuse ${m}`, area));
  } catch (err) {
    findings.push(
      find('error', `cannot read the fuses of ${executableName}: ${(err as Error).message}`, area),
    );
  }

  // The oldest Linux a package runs on is set by the newest glibc its binaries ask for.
  let glibc: { version: string; file: string } | null = null;
  for (const e of archive.entries.values()) {
    if (!e.unpacked || !/\.(node|so(\.\d+)*)$/.test(e.path)) continue;
    const v = requiredGlibc(readAsarFile(archive, e.path));
    const newer = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true }) > 0;
    if (v && (!glibc || newer(v, glibc.version))) glibc = { version: v, file: e.path };
  }
  if (glibc)
    findings.push(
      find('info', `native parts need glibc ${glibc.version} or newer (${glibc.file})`, area),
    );

  // Load the packaged native parts with Node (same arch only).
  if (arch === process.arch) {
    const extracted = path.join(workDir, 'extracted');
    extractAsar(archive, extracted);
    const modules = runNode(['-e', SMOKE_MODULES], extracted);
    if (!modules.ok)
      findings.push(find('error', `packaged dependencies do not load:\n${modules.out}`, area));
    const addons = [...archive.entries.values()]
      .filter((e) => e.unpacked && e.path.endsWith('.node'))
      .map((e) => path.join(`${archive.file}.unpacked`, ...e.path.split('/')));
    const dl = runNode(['-e', SMOKE_DLOPEN, JSON.stringify(addons)], workDir);
    if (!dl.ok)
      findings.push(
        find('error', `unpacked addons do not load from app.asar.unpacked:\n${dl.out}`, area),
      );
    if (modules.ok && dl.ok) {
      findings.push(
        find(
          'info',
          `loaded with Node: ${modules.out.split('\n').join('; ')}; dlopen'ed ${addons.length} unpacked addons`,
          area,
        ),
      );
    }
  }
  return { appOutDir: built.appOutDir, archive, findings, log: built.log };
}
