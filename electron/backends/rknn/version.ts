/**
 * Versions as Rockchip prints them: `1.6.2-source_code`, `2.3.0+81f21f4d`, `2.0.0b0`,
 * `1.5.2 (c6b7b351a@2023-08-23T15:28:22)`, `v0.9.6`. Only the numbers (and a beta/rc tag) count.
 */
export interface RknnVersion {
  major: number;
  minor: number;
  patch: number;
  /** Pre-release tag (`b0`, `rc1`); a pre-release sorts before its release. */
  pre?: string;
  /** `1.6.2` or `2.0.0b0`: the comparable part as text. */
  text: string;
}

const VERSION = /(\d+)\.(\d+)(?:\.(\d+))?(?:[-.]?((?:b|beta|rc|a|alpha)\d*))?/i;

export function parseRknnVersion(raw: string | null | undefined): RknnVersion | undefined {
  if (!raw) return undefined;
  const m = VERSION.exec(raw);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = m[3] === undefined ? 0 : Number(m[3]);
  const pre = m[4]?.toLowerCase();
  return {
    major,
    minor,
    patch,
    ...(pre ? { pre } : {}),
    text: `${major}.${minor}.${patch}${pre ?? ''}`,
  };
}

/** Negative when a < b, 0 when equal, positive when a > b. */
export function compareRknnVersions(a: RknnVersion, b: RknnVersion): number {
  const d = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (d !== 0) return d;
  if (a.pre === b.pre) return 0;
  if (a.pre === undefined) return 1;
  if (b.pre === undefined) return -1;
  return a.pre < b.pre ? -1 : 1;
}
