/**
 * zod schemas of the boards section (boards.* routes and events). They mirror
 * electron/boards (checked at the bottom, so the contract cannot silently drop a field the
 * service adds: responses are parsed, and unknown keys would be stripped).
 */
import { z } from 'zod';
import type { AdbDeviceInfo } from '../../boards/adb/states';
import type { ProbeReport } from '../../boards/probe';
import type { BoardView, VirtualBoardInfo } from '../../boards/service';
import type { SshAlias } from '../../boards/ssh/config';
import type { TelemetrySample } from '../../boards/telemetry';
import type { PromptRequest } from '../../boards/types';

/** A saved board's id (or its name: the service takes either). */
const boardRef = z.string().trim().min(1).max(200);
const errorShape = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  detail: z.unknown().optional(),
});

export const connectionStateSchema = z.enum([
  'idle',
  'connecting',
  'connected',
  'reconnecting',
  'disconnected',
  'closed',
]);

export const boardViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  target: z.string(),
  kind: z.enum(['ssh', 'adb', 'adb-tcp', 'virtual']),
  options: z.object({
    identityFile: z.string().optional(),
    workDir: z.string().optional(),
    profile: z.string().optional(),
  }),
  createdAt: z.string(),
  lastSeenAt: z.string().nullable(),
  lastProbe: z
    .object({ soc: z.string().nullable(), boardModel: z.string().nullable(), virtual: z.boolean() })
    .nullable(),
  state: connectionStateSchema,
  watched: z.boolean(),
  virtual: z.boolean(),
  error: errorShape.optional(),
});

export const adbDeviceSchema = z.object({
  serial: z.string(),
  state: z.enum([
    'device',
    'unauthorized',
    'offline',
    'no-permissions',
    'recovery',
    'bootloader',
    'sideload',
    'authorizing',
    'connecting',
    'unknown',
  ]),
  ready: z.boolean(),
  message: z.string(),
  hint: z.string().optional(),
  network: z.boolean(),
});

/** adb as the Boards view sees it: tracked devices, and what is wrong with adb (if anything). */
export const adbInfoSchema = z.object({
  /** True while some page listens to boards.adb (tracking starts an adb server). */
  tracking: z.boolean(),
  devices: z.array(adbDeviceSchema),
  /** adb missing, its server unreachable, … (message + hint). */
  error: errorShape.nullable(),
  /** Two different adb versions fight over the server (RKNN-Toolkit ships its own). */
  conflict: z.object({ code: z.string(), message: z.string(), hint: z.string() }).nullable(),
});

export const virtualBoardSchema = z.object({
  id: z.string(),
  boardId: z.string(),
  profile: z.object({ id: z.string(), name: z.string(), soc: z.string() }),
  targets: z.object({ ssh: z.string().optional(), adb: z.string().optional() }),
  hostKeyFingerprint: z.string(),
  identityFile: z.string(),
});

export const profileSchema = z.object({
  id: z.string(),
  name: z.string(),
  soc: z.string(),
  npuCores: z.number().nullable(),
  description: z.string().nullable(),
});

export const sshAliasSchema = z.object({
  alias: z.string(),
  hostName: z.string().optional(),
  user: z.string().optional(),
  port: z.number().optional(),
});

export const promptRequestSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('host-key'),
    target: z.string(),
    host: z.string(),
    port: z.number(),
    keyType: z.string(),
    fingerprint: z.string(),
    otherKnownTypes: z.array(z.string()),
  }),
  z.object({
    kind: z.literal('password'),
    target: z.string(),
    user: z.string(),
    host: z.string(),
    port: z.number(),
  }),
  z.object({ kind: z.literal('passphrase'), target: z.string(), keyFile: z.string() }),
  z.object({
    kind: z.literal('keyboard-interactive'),
    target: z.string(),
    name: z.string(),
    instructions: z.string(),
    prompt: z.string(),
    echo: z.boolean(),
  }),
]);

/** A question a board connection is waiting on (nothing secret in it). */
export const boardPromptSchema = z.object({
  id: z.string(),
  /** The saved board that asks (null when the connection is not a saved board's). */
  boardId: z.string().nullable(),
  boardName: z.string().nullable(),
  request: promptRequestSchema,
});

export const boardsListSchema = z.object({
  boards: z.array(boardViewSchema),
  adb: adbInfoSchema,
  virtual: z.array(virtualBoardSchema),
  prompts: z.array(boardPromptSchema),
});

const npuLoadSchema = z.object({
  core: z.number(),
  percent: z.number(),
  absurd: z.number().optional(),
});
const temperatureSchema = z.object({ zone: z.string(), type: z.string(), celsius: z.number() });
const memorySchema = z.object({ totalMb: z.number(), availableMb: z.number() });

export const probeReportSchema = z.object({
  target: z.string(),
  transport: z.enum(['ssh', 'adb']),
  durationMs: z.number(),
  roundTrips: z.number(),
  virtual: z.boolean(),
  hostname: z.string().nullable(),
  soc: z.string().nullable(),
  compatible: z.array(z.string()),
  boardModel: z.string().nullable(),
  npu: z.union([
    z.literal('none'),
    z.object({
      cores: z.number(),
      driverVersion: z.string().nullable(),
      loadAvailable: z.boolean(),
      load: z.array(npuLoadSchema).nullable(),
    }),
  ]),
  runtime: z.object({
    librknnrt: z.string().nullable(),
    librknnrtPath: z.string().nullable(),
    rknnServer: z.object({
      installed: z.boolean(),
      running: z.boolean(),
      version: z.string().nullable(),
      path: z.string().nullable(),
    }),
  }),
  os: z.object({
    name: z.string().nullable(),
    id: z.string().nullable(),
    versionId: z.string().nullable(),
  }),
  kernel: z.object({ release: z.string().nullable(), arch: z.string().nullable() }),
  cpu: z.object({ count: z.number(), model: z.string().nullable() }),
  memory: memorySchema.nullable(),
  disk: z
    .object({ path: z.string(), mount: z.string(), freeMb: z.number(), totalMb: z.number() })
    .nullable(),
  temperatures: z.array(temperatureSchema),
  user: z.object({ uid: z.number().nullable(), root: z.boolean() }),
  warnings: z.array(z.string()),
});

export const telemetrySampleSchema = z.object({
  time: z.string(),
  cpu: z.object({ total: z.number(), perCore: z.array(z.number()) }).nullable(),
  npu: z.array(npuLoadSchema).nullable(),
  npuUnavailable: z.enum(['needs root', 'no load file']).optional(),
  temperatures: z.array(temperatureSchema),
  memory: z
    .object({ totalMb: z.number(), availableMb: z.number(), usedPercent: z.number() })
    .nullable(),
  warnings: z.array(z.string()),
  latencyMs: z.number(),
});

// ---- requests ---------------------------------------------------------------------------------

export const boardRefSchema = z.object({ id: boardRef }).strict();

export const addBoardSchema = z
  .object({
    /** `ssh://user@host[:port]`, `user@host`, a ~/.ssh/config Host alias, `adb:SERIAL`, `adb+tcp://host:port`. */
    target: z.string().trim().min(1).max(500),
    name: z.string().trim().min(1).max(100).optional(),
    /** A private key file to log in with (its path; the key itself is never sent). */
    identityFile: z.string().trim().min(1).max(4096).optional(),
    /** Where models are pushed on the board (default /tmp). */
    workDir: z.string().trim().min(1).max(4096).optional(),
  })
  .strict();

export const startVirtualSchema = z
  .object({
    /** A shipped profile id (boards.profiles). */
    profile: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a shipped profile id such as rk3588-rock5b'),
  })
  .strict();

const promptId = z.string().trim().min(1).max(100);

/**
 * The user's answer to a prompt. Host keys: once (this connection only, nothing saved),
 * always (saved in the app's known_hosts), reject. Secrets travel once, to the connection
 * that asked, and are never stored or logged.
 */
export const promptAnswerSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('host-key'),
      id: promptId,
      decision: z.enum(['once', 'always', 'reject']),
    })
    .strict(),
  z
    .object({ kind: z.literal('secret'), id: promptId, secret: z.string().min(1).max(4096) })
    .strict(),
  z.object({ kind: z.literal('decline'), id: promptId }).strict(),
]);

// ---- events -----------------------------------------------------------------------------------

export const boardStateEventSchema = z.object({
  boardId: z.string(),
  state: connectionStateSchema,
  error: errorShape.optional(),
  attempt: z.number().optional(),
  delayMs: z.number().optional(),
});

export const boardTelemetryEventSchema = z.object({
  boardId: z.string(),
  /** A reading, or the error of a failed tick (the next tick runs anyway). */
  sample: telemetrySampleSchema.optional(),
  error: errorShape.optional(),
});

export const adbEventSchema = adbInfoSchema.extend({
  change: z
    .object({ type: z.enum(['add', 'remove', 'change']), device: adbDeviceSchema })
    .optional(),
});

// ---- drift checks against electron/boards -----------------------------------------------------
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<A, B> =
  (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
const sameShape = <T extends true>(_: T) => _;
sameShape<Same<z.infer<typeof boardViewSchema>, BoardView>>(true);
sameShape<Same<z.infer<typeof adbDeviceSchema>, AdbDeviceInfo>>(true);
sameShape<Same<z.infer<typeof virtualBoardSchema>, VirtualBoardInfo>>(true);
sameShape<Same<z.infer<typeof sshAliasSchema>, SshAlias>>(true);
sameShape<Same<z.infer<typeof promptRequestSchema>, PromptRequest>>(true);
sameShape<Same<z.infer<typeof probeReportSchema>, ProbeReport>>(true);
sameShape<Same<z.infer<typeof telemetrySampleSchema>, TelemetrySample>>(true);
