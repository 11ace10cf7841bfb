/**
 * A virtual board profile: a directory laid out like the board's filesystem
 * (proc/device-tree/compatible, sys/kernel/debug/rknpu/version, usr/lib/librknnrt.so, …)
 * plus profile.json with what files cannot say: the performance model, disk, users, quirks.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CoralError } from '../../runtime/errors';
import { resourcesDir } from '../../runtime/paths';

const performanceSchema = z.object({
  /** Fixed cost of one rknn_run on one core, in ms. */
  overheadMs: z.number().nonnegative(),
  /** Cost per MB of model weights on one core, in ms. */
  msPerMB: z.number().positive(),
  /** Cost per million input tensor elements on one core, in ms (activations dominate small models). */
  msPerMElem: z.number().nonnegative().default(0),
  /** Speed-up with 1, 2, 3 cores (core_mask 1, 3, 7). */
  coreScaling: z.array(z.number().positive()).min(1),
  /** Relative standard deviation of one iteration. */
  jitter: z.number().min(0).max(0.5).default(0.03),
  /** Extra time of the first warm-up iteration (caches, DMA setup). */
  firstRunExtraMs: z.number().nonnegative().default(5),
});

export const profileSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string().min(1),
  soc: z.string().min(1),
  npuCores: z.number().int().min(0).max(8),
  description: z.string().optional(),
  kernel: z.object({
    release: z.string(),
    machine: z.string().default('aarch64'),
    version: z.string().default('#1 SMP PREEMPT'),
  }),
  runtime: z
    .object({
      /** What rknn_benchmark prints as rknn_api/rknnrt version. */
      librknnrt: z.string().nullable(),
      driver: z.string().nullable(),
    })
    .default({ librknnrt: null, driver: null }),
  performance: performanceSchema.optional(),
  disk: z
    .object({
      fs: z.string().default('/dev/mmcblk0p2'),
      totalMb: z.number().positive(),
      usedMb: z.number().nonnegative(),
    })
    .default({ fs: '/dev/mmcblk0p2', totalMb: 30000, usedMb: 6000 }),
  /** Idle and full-load temperatures of the thermal zones, °C. */
  thermal: z.object({ idleC: z.number(), loadC: z.number() }).default({ idleC: 40, loadC: 65 }),
  rknnServer: z.object({ running: z.boolean() }).default({ running: false }),
  /** Login users; root is always there. A non-root login sees debugfs as Permission denied. */
  users: z
    .array(z.object({ name: z.string(), uid: z.number().int(), home: z.string() }))
    .default([]),
  adb: z
    .object({
      product: z.string().optional(),
      model: z.string().optional(),
      device: z.string().optional(),
      /** The login the adb shell gets (Rockchip EVB images run adbd as root). */
      user: z.string().default('root'),
    })
    .default({ user: 'root' }),
  quirks: z
    .object({
      /** The NPU load file reports values over 100% (seen on real drivers). */
      absurdNpuLoad: z.boolean().default(false),
    })
    .default({ absurdNpuLoad: false }),
});

export type SimProfile = z.infer<typeof profileSchema>;
export type PerformanceModel = z.infer<typeof performanceSchema>;

export interface LoadedProfile {
  dir: string;
  profile: SimProfile;
}

export function loadProfile(dir: string): LoadedProfile {
  const abs = path.resolve(dir);
  const file = path.join(abs, 'profile.json');
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CoralError(
      'SIM_PROFILE_INVALID',
      missing ? `${file} does not exist.` : `${file} is not valid JSON: ${(e as Error).message}`,
      {
        hint: `A profile is a directory with profile.json and the board's files; see the shipped ones in ${shippedProfilesDir()}.`,
        cause: e,
      },
    );
  }
  const parsed = profileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw new CoralError(
      'SIM_PROFILE_INVALID',
      `${file} is not a valid board profile: ${issues}.`,
      {
        hint: 'Fix the fields named; the shipped profiles show every field.',
      },
    );
  }
  if (parsed.data.npuCores > 0 && !parsed.data.performance) {
    throw new CoralError('SIM_PROFILE_INVALID', `${file} has an NPU but no "performance" model.`, {
      hint: 'Add performance: { overheadMs, msPerMB, coreScaling } so rknn_benchmark can be simulated.',
    });
  }
  return { dir: abs, profile: parsed.data };
}

export function shippedProfilesDir(): string {
  return path.join(resourcesDir(), 'boards');
}

/** The profiles shipped with the app (resources/boards/*). */
export function listShippedProfiles(): Array<{
  dir: string;
  id: string;
  name: string;
  soc: string;
}> {
  const root = shippedProfilesDir();
  let names: string[];
  try {
    names = fs.readdirSync(root).sort();
  } catch {
    return [];
  }
  const out: Array<{ dir: string; id: string; name: string; soc: string }> = [];
  for (const n of names) {
    const dir = path.join(root, n);
    if (!fs.existsSync(path.join(dir, 'profile.json'))) continue;
    try {
      const { profile } = loadProfile(dir);
      out.push({ dir, id: profile.id, name: profile.name, soc: profile.soc });
    } catch {
      // an invalid shipped profile is a test failure, not a runtime one
    }
  }
  return out;
}

/** A shipped profile by id or directory name, or a path to a profile directory. */
export function resolveProfile(spec: string): LoadedProfile {
  if (
    fs.existsSync(path.join(spec, 'profile.json')) ||
    spec.includes('/') ||
    spec.includes(path.sep)
  )
    return loadProfile(spec);
  const shipped = listShippedProfiles().find(
    (p) => p.id === spec || path.basename(p.dir) === spec || p.soc === spec,
  );
  if (!shipped) {
    const ids = listShippedProfiles()
      .map((p) => p.id)
      .join(', ');
    throw new CoralError('SIM_PROFILE_INVALID', `No board profile named "${spec}".`, {
      hint: `Use a profile directory, or one of: ${ids || '(none shipped)'}.`,
    });
  }
  return loadProfile(shipped.dir);
}
