import { z } from 'zod';
import { FLAG_NAMES, type FlagName } from './types';
import { PLATFORM_PATTERN } from './env';

const stringList = z.array(z.string().trim().min(1, 'must not be empty'));

const flagsShape = Object.fromEntries(FLAG_NAMES.map((f) => [f, z.boolean().optional()])) as Record<
  FlagName,
  z.ZodOptional<z.ZodBoolean>
>;

/** The config file's schema. Unknown keys are errors: a typo must not be silently ignored. */
export const configFileSchema = z
  .object({
    platform: z
      .string()
      .trim()
      .toLowerCase()
      .regex(PLATFORM_PATTERN, 'must be rknn, onnx or a plugin platform name')
      .nullable()
      .optional(),
    autoDiscoverBackends: z.boolean().optional(),
    backendEntryPoints: stringList.optional(),
    pluginDirs: stringList.optional(),
    extraPatches: stringList.optional(),
    disabledBackends: stringList.optional(),
    registerTimeoutMs: z.number().int().positive().optional(),
    flags: z.object(flagsShape).strict().optional(),
  })
  .strict();

export type ConfigFile = z.infer<typeof configFileSchema>;

/** One line per problem: `path: what is wrong`. */
export function formatIssues(issues: z.core.$ZodIssue[]): string[] {
  return issues.map((i) => {
    const where = i.path.length ? i.path.join('.') : '(top level)';
    if (i.code === 'unrecognized_keys') {
      return `${where}: unknown key${i.keys.length > 1 ? 's' : ''} ${i.keys.map((k) => `"${k}"`).join(', ')}`;
    }
    return `${where}: ${i.message}`;
  });
}
