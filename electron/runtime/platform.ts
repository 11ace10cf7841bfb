import fs from 'node:fs';
import path from 'node:path';
import type { PlatformSource, RuntimeConfig } from './types';

const ROCKCHIP_NPU_SOC = /^rockchip,(rk3588[sf]?|rk3576|rk3568|rk3566|rk3562|rv1106|rv1103)$/;

export const RKNN_LIBRARY_PATHS = [
  'usr/lib/librknnrt.so',
  'usr/lib64/librknnrt.so',
  'usr/lib/aarch64-linux-gnu/librknnrt.so',
  'usr/local/lib/librknnrt.so',
  'oem/usr/lib/librknnmrt.so',
];

export interface DetectedPlatform {
  value: string;
  source: PlatformSource;
  /** Why, for the log and the UI ("device tree names rockchip,rk3588"). */
  reason: string;
  soc?: string;
}

/** The SoC named by a device-tree `compatible` list (NUL-separated), if it is a Rockchip NPU SoC. */
export function rockchipSocFromCompatible(text: string): string | undefined {
  for (const item of text.split('\0')) {
    const m = ROCKCHIP_NPU_SOC.exec(item.trim());
    if (m) return m[1];
  }
  return undefined;
}

/** Detects the platform of this machine; `root` lets tests point at a fake file system. */
export function detectPlatform(root = '/'): DetectedPlatform {
  try {
    const text = fs.readFileSync(path.join(root, 'proc/device-tree/compatible'), 'latin1');
    const soc = rockchipSocFromCompatible(text);
    if (soc)
      return {
        value: 'rknn',
        source: 'detected:device-tree',
        reason: `device tree names rockchip,${soc}`,
        soc,
      };
  } catch {
    // No device tree (x86, containers): fall through.
  }
  for (const lib of RKNN_LIBRARY_PATHS) {
    if (fs.existsSync(path.join(root, lib))) {
      return { value: 'rknn', source: 'detected:librknnrt', reason: `found /${lib}` };
    }
  }
  return {
    value: 'onnx',
    source: 'detected:default',
    reason: 'no Rockchip NPU found; ONNX Runtime on the CPU',
  };
}

/** Platform: override > env > file > detection, with the source recorded. */
export function resolvePlatform(config: RuntimeConfig, root = '/'): DetectedPlatform {
  const p = config.platform;
  if (p.value) return { value: p.value, source: p.source, reason: `set by ${p.source}` };
  return detectPlatform(root);
}
