/**
 * Turns the probe script's output into a ProbeResult. Frame errors (no header, truncated)
 * throw BoardOutputError; everything odd inside a section becomes a warning.
 */
import { parseSections, type Section } from './sections';
import {
  parseCpuinfo,
  parseDf,
  parseMeminfo,
  parseNpuLoad,
  parseOsRelease,
  parseThermal,
  type CpuInfo,
  type DiskInfo,
  type MemoryInfo,
  type NpuCoreLoad,
  type Temperature,
} from './fields';

export interface NpuInfo {
  cores: number;
  /** `0.9.8`, or 'needs root' when debugfs is closed to this user, or null when unknown. */
  driverVersion: string | null;
  /** Whether the driver exposes a load file (drivers before 0.7.2 do not). */
  loadAvailable: boolean;
  load: NpuCoreLoad[] | null;
}

export interface ProbeResult {
  /** True on a Coral virtual board (the UI and reports label it "virtual"). */
  virtual: boolean;
  hostname: string | null;
  /** `rk3588`, `rk3566`, `rv1106`…, from the device tree; null off Rockchip. */
  soc: string | null;
  compatible: string[];
  boardModel: string | null;
  npu: NpuInfo | 'none';
  runtime: {
    /** `2.3.0 (c949ad889d@2024-11-07T11:35:33)`; librknnmrt on RV1103/RV1106. */
    librknnrt: string | null;
    librknnrtPath: string | null;
    rknnServer: {
      installed: boolean;
      running: boolean;
      version: string | null;
      path: string | null;
    };
  };
  os: { name: string | null; id: string | null; versionId: string | null };
  kernel: { release: string | null; arch: string | null };
  cpu: CpuInfo;
  memory: MemoryInfo | null;
  disk: DiskInfo | null;
  temperatures: Temperature[];
  user: { uid: number | null; root: boolean };
  warnings: string[];
}

const NPU_CORES: Array<[RegExp, number]> = [
  [/^rk3588/, 3],
  [/^rk3576/, 2],
  [/^(rk356[2268]|rv110[36]b?|rv1109|rv1126|rk3399pro|rk1808)$/, 1],
];

export function npuCoresFor(soc: string): number | null {
  for (const [re, n] of NPU_CORES) if (re.test(soc)) return n;
  return null;
}

function clean(s: Section | undefined): string {
  return (s?.text ?? '').replace(/\0+$/, '').trim();
}

const MISSING = /no such file|not found|cannot access|can't open|does not exist/i;
const DENIED = /permission denied|operation not permitted/i;

/** Present lines of an `ls` section (the paths that exist). */
function existing(s: Section | undefined): string[] {
  return clean(s)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/') && !MISSING.test(l) && !DENIED.test(l));
}

export function parseProbeOutput(
  raw: string | Buffer,
  options: { workDir?: string } = {},
): ProbeResult {
  return interpretProbe(parseSections('probe', raw), options);
}

export function interpretProbe(
  sections: Map<string, Section>,
  options: { workDir?: string } = {},
): ProbeResult {
  const warnings: string[] = [];
  const get = (n: string) => sections.get(n);
  const ok = (n: string) => get(n)?.rc === 0;

  const uidText = clean(get('uid'));
  const uid = /^\d+$/.test(uidText) ? Number(uidText) : null;

  // Device tree: NUL-separated strings; the last rockchip,<soc> entry names the SoC.
  const compatible = ok('compatible')
    ? (get('compatible')?.text ?? '')
        .split('\0')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  const socEntry = [...compatible].reverse().find((c) => /^rockchip,(rk|rv)\d{4}[a-z]?$/i.test(c));
  const soc = socEntry ? socEntry.split(',')[1].toLowerCase() : null;
  if (compatible.length && !soc && compatible.some((c) => c.startsWith('rockchip,'))) {
    warnings.push(
      `The device tree names a Rockchip board but no SoC I recognise: ${compatible.join(', ')}.`,
    );
  }
  if (ok('compatible') && compatible.length === 0)
    warnings.push('/proc/device-tree/compatible is empty.');
  const boardModel = ok('model') ? clean(get('model')).replace(/\0/g, '').trim() || null : null;

  // NPU
  const nodes = existing(get('npu_nodes'));
  const versionText = clean(get('npu_version'));
  let driverVersion: string | null = null;
  const vm = /RKNPU driver:\s*v?(\d+\.\d+\.\d+)/i.exec(versionText);
  if (ok('npu_version') && vm) driverVersion = vm[1];
  else if (ok('npu_version') && versionText)
    warnings.push(
      `The NPU driver version file holds unexpected text: "${printable(versionText).slice(0, 60)}".`,
    );
  const debugfsDenied = DENIED.test(versionText) || DENIED.test(clean(get('npu_nodes')));
  const rtFiles = existing(get('rt_files'));
  const rtLine = clean(get('rt_version'))
    .split('\n')
    .find((l) => /librknn[m]?rt version:/.test(l));
  const librknnrt = rtLine ? rtLine.replace(/^.*?librknn[m]?rt version:\s*/, '').trim() : null;
  if (rtFiles.length && !librknnrt)
    warnings.push(`${rtFiles[0]} exists but carries no version string.`);

  const expectedCores = soc ? npuCoresFor(soc) : null;
  const hasNpu =
    expectedCores !== null || nodes.length > 0 || driverVersion !== null || rtFiles.length > 0;
  let npu: NpuInfo | 'none' = 'none';
  if (hasNpu) {
    let load: NpuCoreLoad[] | null = null;
    if (ok('npu_load')) load = parseNpuLoad(clean(get('npu_load')), warnings);
    if (driverVersion === null && (debugfsDenied || (uid !== null && uid !== 0))) {
      npu = {
        cores: expectedCores ?? load?.length ?? 1,
        driverVersion: 'needs root',
        loadAvailable: false,
        load: null,
      };
    } else {
      if (driverVersion === null) {
        warnings.push(
          'No NPU driver version found: is debugfs mounted (mount -t debugfs none /sys/kernel/debug) and the rknpu driver loaded?',
        );
      } else if (!ok('npu_load') && compareVersions(driverVersion, '0.7.2') < 0) {
        warnings.push(
          `The NPU driver ${driverVersion} is older than 0.7.2 and has no load file: telemetry cannot show NPU load.`,
        );
      }
      npu = {
        cores: expectedCores ?? load?.length ?? 1,
        driverVersion,
        loadAvailable: ok('npu_load'),
        load,
      };
    }
    if (!librknnrt && !rtFiles.length) {
      warnings.push(
        'No librknnrt (or librknnmrt) found in /usr/lib, /oem/usr/lib or /vendor/lib64: install the RKNN runtime before running models.',
      );
    }
  }

  // rknn_server
  const serverFiles = existing(get('server_files'));
  const serverLine = clean(get('server_version'))
    .split('\n')
    .find((l) => /rknn_server version:/.test(l));
  const serverPid = clean(get('server_pid'));
  const rknnServer = {
    installed: serverFiles.length > 0,
    running: ok('server_pid') && /^\d+(\s+\d+)*$/.test(serverPid),
    version: serverLine ? serverLine.replace(/^.*?rknn_server version:\s*/, '').trim() : null,
    path: serverFiles[0] ?? null,
  };

  const osr = ok('os_release') ? parseOsRelease(clean(get('os_release'))) : {};
  const [release, arch] = clean(get('kernel'))
    .split('\n')
    .map((s) => s.trim());
  const workDir = options.workDir ?? '/tmp';
  const cpu = parseCpuinfo(clean(get('cpuinfo')), warnings);
  const memory = parseMeminfo(clean(get('meminfo')), warnings);
  const disk = parseDf(clean(get('disk')), workDir, warnings);
  const temperatures = parseThermal(clean(get('thermal')), warnings);
  const hostname = ok('hostname') ? clean(get('hostname')) || null : null;

  return {
    virtual: ok('virtual'),
    hostname,
    soc,
    compatible,
    boardModel,
    npu,
    runtime: { librknnrt, librknnrtPath: rtFiles[0] ?? null, rknnServer },
    os: {
      name: osr.PRETTY_NAME ?? osr.NAME ?? null,
      id: osr.ID ?? null,
      versionId: osr.VERSION_ID ?? null,
    },
    kernel: { release: release || null, arch: arch || null },
    cpu,
    memory,
    disk,
    temperatures,
    user: { uid, root: uid === 0 },
    warnings,
  };
}

/** Non-printable bytes shown as `?`, so garbage from a board never corrupts a terminal or report. */
export function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?');
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}
