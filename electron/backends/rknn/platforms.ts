/**
 * Rockchip NPU SoCs as Coral knows them: which toolkit target a model must be built for, how
 * many NPU cores there are (for core masks), and which runtime library the board uses.
 * Facts from DESIGN.md "Facts about the hardware" and rknn-toolkit2's target_platform list.
 */

export interface SocInfo {
  /** Canonical SoC name, lower case (`rk3588`, `rv1106`). */
  soc: string;
  /**
   * The NPU family: SoCs of one family run the same models. rknn-toolkit2 writes the name it
   * was given as `target_platform`, so every name of the family is accepted for it.
   */
  family: string;
  /** target_platform names a model may carry to run on this SoC. */
  targets: string[];
  npuCores: number;
  /** The runtime library the board ships (RV1103/RV1106 use the "mini" runtime). */
  library: 'librknnrt.so' | 'librknnmrt.so';
}

const FAMILY_3588 = ['rk3588', 'rk3588s'];
const FAMILY_3566 = ['rk3566', 'rk3568'];
const FAMILY_1106 = ['rv1106', 'rv1103'];

const TABLE: SocInfo[] = [
  { soc: 'rk3588', family: 'rk3588', targets: FAMILY_3588, npuCores: 3, library: 'librknnrt.so' },
  { soc: 'rk3588s', family: 'rk3588', targets: FAMILY_3588, npuCores: 3, library: 'librknnrt.so' },
  { soc: 'rk3576', family: 'rk3576', targets: ['rk3576'], npuCores: 2, library: 'librknnrt.so' },
  { soc: 'rk3568', family: 'rk3566', targets: FAMILY_3566, npuCores: 1, library: 'librknnrt.so' },
  { soc: 'rk3566', family: 'rk3566', targets: FAMILY_3566, npuCores: 1, library: 'librknnrt.so' },
  { soc: 'rk3562', family: 'rk3562', targets: ['rk3562'], npuCores: 1, library: 'librknnrt.so' },
  { soc: 'rv1106', family: 'rv1106', targets: FAMILY_1106, npuCores: 1, library: 'librknnmrt.so' },
  { soc: 'rv1103', family: 'rv1106', targets: FAMILY_1106, npuCores: 1, library: 'librknnmrt.so' },
];

const BY_NAME = new Map(TABLE.map((s) => [s.soc, s]));

/** Names that mean a known SoC (device-tree spellings and board-vendor variants). */
const ALIASES: Record<string, string> = {
  rk3588f: 'rk3588',
};

export const KNOWN_SOCS: readonly string[] = TABLE.map((s) => s.soc);

/** Normalizes `RK3588`, `rockchip,rk3588s`, ` rk3588f ` to a table entry, if known. */
export function socInfo(name: string | undefined | null): SocInfo | undefined {
  if (!name) return undefined;
  let n = name.trim().toLowerCase();
  if (n.startsWith('rockchip,')) n = n.slice('rockchip,'.length);
  n = ALIASES[n] ?? n;
  return BY_NAME.get(n);
}

/** The family a model's target_platform entry belongs to (unknown names pass through). */
export function targetFamily(target: string): string {
  return socInfo(target)?.family ?? target.trim().toLowerCase();
}
