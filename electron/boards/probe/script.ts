/**
 * What the probe asks the board, as framed sections of one POSIX sh script (busybox-safe:
 * no functions, no bashisms). Paths follow the public facts in DESIGN.md.
 */
import type { SectionSpec } from './sections';
import { buildScript, quotePaths } from './sections';

export const LIBRKNNRT_PATHS = [
  '/usr/lib/librknnrt.so',
  '/usr/lib64/librknnrt.so',
  '/usr/lib/aarch64-linux-gnu/librknnrt.so',
  '/vendor/lib64/librknnrt.so',
  '/oem/usr/lib/librknnmrt.so',
  '/usr/lib/librknnmrt.so',
];
export const RKNN_SERVER_PATHS = [
  '/usr/bin/rknn_server',
  '/oem/usr/bin/rknn_server',
  '/vendor/bin/rknn_server',
];
export const THERMAL_GLOB = '/sys/class/thermal/thermal_zone*';
export const VIRTUAL_MARKER = '/etc/coral-virtual-board';

/** Prints printable runs of binaries, then keeps lines matching a pattern (a portable `strings | grep`). */
function versionStrings(paths: string[], pattern: string): string {
  return `cat ${quotePaths(paths)} 2>/dev/null | tr -c '[:print:]' '\\n' | grep '${pattern}' | head -n 3`;
}

export function probeSections(workDir = '/tmp'): SectionSpec[] {
  return [
    { name: 'uid', command: 'id -u' },
    { name: 'hostname', command: 'cat /proc/sys/kernel/hostname' },
    { name: 'virtual', command: `cat ${VIRTUAL_MARKER}` },
    { name: 'compatible', command: 'cat /proc/device-tree/compatible' },
    { name: 'model', command: 'cat /proc/device-tree/model' },
    {
      name: 'npu_nodes',
      command: 'ls -d /proc/device-tree/npu* /sys/module/rknpu /dev/rknpu* /sys/kernel/debug/rknpu',
    },
    { name: 'npu_version', command: 'cat /sys/kernel/debug/rknpu/version' },
    { name: 'npu_load', command: 'cat /sys/kernel/debug/rknpu/load' },
    { name: 'rt_files', command: `ls ${quotePaths(LIBRKNNRT_PATHS)}` },
    { name: 'rt_version', command: versionStrings(LIBRKNNRT_PATHS, 'librknn[m]*rt version') },
    { name: 'server_files', command: `ls ${quotePaths(RKNN_SERVER_PATHS)}` },
    { name: 'server_version', command: versionStrings(RKNN_SERVER_PATHS, 'rknn_server version') },
    { name: 'server_pid', command: 'pidof rknn_server' },
    { name: 'os_release', command: 'cat /etc/os-release' },
    { name: 'kernel', command: 'uname -r; uname -m' },
    { name: 'cpuinfo', command: 'cat /proc/cpuinfo' },
    { name: 'meminfo', command: 'cat /proc/meminfo' },
    { name: 'disk', command: `df -Pk ${quotePaths([workDir])}` },
    { name: 'thermal', command: `grep -Hs . ${THERMAL_GLOB}/type ${THERMAL_GLOB}/temp` },
  ];
}

export function probeScript(workDir = '/tmp'): string {
  return buildScript('probe', probeSections(workDir));
}
