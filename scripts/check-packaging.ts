/**
 * npm run check:packaging — builds with electron-vite, then checks that the installers
 * electron-builder.yml describes would work (see scripts/packaging/*):
 *   config   electron-builder's own schema, fuses hook, native rebuild, targets, icons
 *   build    CSP meta in out/renderer/index.html, window security options in out/main,
 *            no RunAsNode-dependent code, packaged imports are production dependencies,
 *            the sandboxed preload requires only what it can
 *   targets  for every OS/arch: every file the app loads is in `files`, native ones in
 *            asarUnpack, nothing else from the project and no dev files from dependencies
 *   pack     a real `electron-builder --dir` for Linux (x64 and arm64) with a stand-in Electron
 *            binary: the archive, the fuses the afterPack hook set, and, on this machine's
 *            arch, the packaged onnxruntime-node / better-sqlite3 / addons loaded with Node
 *
 * Options: --no-build (use the existing out/), --no-pack, --target linux-x64 (repeatable),
 *          --keep (keep the pack directory), --json
 * Exit code: 0 when there is no error (warnings allowed), 1 otherwise.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildFindings,
  configFindings,
  declaredTargets,
  type Finding,
  loadProject,
  targetFindings,
  type TargetReport,
} from './packaging/checks';
import { targetName } from './packaging/file-selection';
import { packAndInspect } from './packaging/pack';
import { productionDependencies } from './packaging/runtime-files';

export interface CheckOptions {
  projectDir: string;
  build?: boolean;
  pack?: boolean;
  /** e.g. ['linux-x64']; default: every target the config declares */
  targets?: string[];
  keep?: boolean;
  log?: (line: string) => void;
}

export interface CheckReport {
  findings: Finding[];
  targets: Array<Omit<TargetReport, 'findings'>>;
  errors: number;
  warnings: number;
}

export function electronViteBuild(projectDir: string): { ok: boolean; output: string } {
  // electron-vite's "exports" hide its bin and package.json from require.resolve.
  const pkgDir = path.join(projectDir, 'node_modules', 'electron-vite');
  const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as {
    bin: string | Record<string, string>;
  };
  const bin = path.join(pkgDir, typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['electron-vite']);
  const res = spawnSync(process.execPath, [bin, 'build'], {
    cwd: projectDir,
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { ok: res.status === 0, output: `${res.stdout ?? ''}${res.stderr ?? ''}` };
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const log = options.log ?? (() => undefined);
  const findings: Finding[] = [];
  const dir = path.resolve(options.projectDir);

  if (options.build !== false) {
    log('building with electron-vite …');
    const built = electronViteBuild(dir);
    if (!built.ok) {
      findings.push({
        level: 'error',
        area: 'build',
        message: `electron-vite build failed:\n${built.output.trim().split('\n').slice(-20).join('\n')}`,
      });
    }
  }
  const project = loadProject(dir);
  findings.push(...(await configFindings(project)));
  findings.push(...buildFindings(project));

  const { deps, problems } = productionDependencies(dir);
  for (const p of problems) findings.push({ level: 'error', area: 'modules', message: p });
  const wanted = options.targets;
  const targets = declaredTargets(project.config).filter(
    (t) => !wanted || wanted.includes(targetName(t)),
  );
  const summaries: CheckReport['targets'] = [];
  for (const target of targets) {
    log(`checking ${targetName(target)} …`);
    const { findings: tf, ...summary } = targetFindings(project, target, deps);
    findings.push(...tf);
    summaries.push(summary);
  }

  if (options.pack !== false) {
    for (const target of targets.filter((t) => t.platform === 'linux')) {
      const work = mkdtempSync(path.join(os.tmpdir(), `coral-pack-${target.arch}-`));
      log(`electron-builder --dir --linux --${target.arch} (stand-in Electron) in ${work} …`);
      try {
        const res = await packAndInspect(project, target.arch, deps, work);
        findings.push(...res.findings);
      } finally {
        if (!options.keep) rmSync(work, { recursive: true, force: true });
      }
    }
  }
  return {
    findings,
    targets: summaries,
    errors: findings.filter((f) => f.level === 'error').length,
    warnings: findings.filter((f) => f.level === 'warning').length,
  };
}

const MARK: Record<Finding['level'], string> = { error: '✗', warning: '!', info: '·' };

export function formatReport(report: CheckReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    const [first, ...rest] = f.message.split('\n');
    lines.push(`${MARK[f.level]} [${f.area}] ${first}`, ...rest.map((l) => `    ${l}`));
  }
  for (const t of report.targets) {
    const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
    lines.push(
      `  ${targetName(t.target)}: ${t.files} files, ${mb(t.bytes)} (${mb(t.unpackedBytes)} unpacked)`,
    );
  }
  lines.push(`packaging check: ${report.errors} errors, ${report.warnings} warnings`);
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const targets: string[] = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === '--target') targets.push(argv[++i]);
  const projectDir = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
  const report = await runCheck({
    projectDir,
    build: !argv.includes('--no-build'),
    pack: !argv.includes('--no-pack'),
    keep: argv.includes('--keep'),
    targets: targets.length ? targets : undefined,
    log: (l) => console.error(l),
  });
  console.log(argv.includes('--json') ? JSON.stringify(report, null, 2) : formatReport(report));
  return report.errors === 0 ? 0 : 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
