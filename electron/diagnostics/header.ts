import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { APP_ID, APP_VERSION } from '../runtime/version';
import type { NativeInfo, VersionProbe } from './providers';
import type { ReportHeader } from './schema';

const APP_NAME = 'Coral Studio';

/** PRETTY_NAME from /etc/os-release (Linux), else null. */
export function readDistro(file = '/etc/os-release'): string | null {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const m = /^PRETTY_NAME=(?:"([^"]*)"|(.*))$/m.exec(text);
    return (m?.[1] ?? m?.[2] ?? '').trim() || null;
  } catch {
    return null;
  }
}

/** The installed onnxruntime-node version, read from its package.json without loading it. */
export function onnxruntimeVersion(): VersionProbe {
  try {
    const require = createRequire(import.meta.url);
    let dir = path.dirname(require.resolve('onnxruntime-node'));
    for (let i = 0; i < 6; i++) {
      const file = path.join(dir, 'package.json');
      if (fs.existsSync(file)) {
        const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as {
          name?: string;
          version?: string;
        };
        if (pkg.name === 'onnxruntime-node') return { version: pkg.version ?? null, path: dir };
      }
      dir = path.dirname(dir);
    }
    return { version: null, error: 'package.json of onnxruntime-node not found' };
  } catch (e) {
    return { version: null, error: e instanceof Error ? e.message : String(e) };
  }
}

export function collectHeader(options: {
  now: Date;
  versions: Record<string, string | undefined>;
  native?: NativeInfo;
}): ReportHeader {
  const { versions } = options;
  const cpus = os.cpus();
  const header: ReportHeader = {
    app: { name: APP_NAME, id: APP_ID, version: APP_VERSION },
    generatedAt: options.now.toISOString(),
    hostname: os.hostname(),
    os: {
      platform: process.platform,
      type: os.type(),
      release: os.release(),
      arch: process.arch,
      distro: process.platform === 'linux' ? readDistro() : null,
    },
    cpu: {
      model: cpus[0]?.model?.trim() || 'unknown',
      cores: cpus.length,
      speedMHz: cpus[0]?.speed ?? 0,
    },
    memory: { totalBytes: os.totalmem(), freeBytes: os.freemem() },
    uptimeSeconds: Math.round(os.uptime()),
    versions: {
      node: versions.node ?? process.versions.node,
      v8: versions.v8 ?? process.versions.v8,
      onnxruntimeNode: onnxruntimeVersion(),
    },
  };
  if (versions.electron) header.versions.electron = versions.electron;
  if (versions.chrome) header.versions.chromium = versions.chrome;
  if (options.native?.nativeAddon) header.versions.nativeAddon = options.native.nativeAddon;
  if (options.native?.librknnrt) header.versions.librknnrt = options.native.librknnrt;
  return header;
}
