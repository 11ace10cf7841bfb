import { CoralError } from './errors';
import type { AdapterOrigin, BackendAdapter, Failure, Patch } from './types';

export interface RegisteredAdapter {
  adapter: BackendAdapter;
  origin: AdapterOrigin;
}

export interface RegisteredPatch {
  patch: Patch;
  origin: AdapterOrigin;
}

const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]*$/i;

/** Checks that a plugin's export has the BackendAdapter shape; returns what is wrong, if anything. */
export function adapterShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null)
    return `expected an object, got ${describe(value)}`;
  const a = value as Record<string, unknown>;
  if (typeof a.name !== 'string' || !NAME_PATTERN.test(a.name)) {
    return 'its "name" must be a non-empty string of letters, digits, ".", "_" or "-"';
  }
  for (const fn of ['supports', 'activate'] as const) {
    if (typeof a[fn] !== 'function') return `adapter "${a.name}" has no ${fn}() function`;
  }
  if (a.modelFormats !== undefined && !Array.isArray(a.modelFormats)) {
    return `adapter "${a.name}": modelFormats must be an array like [".onnx"]`;
  }
  if (a.dispose !== undefined && typeof a.dispose !== 'function') {
    return `adapter "${a.name}": dispose must be a function`;
  }
  return undefined;
}

export function patchShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null)
    return `expected a patch object, got ${describe(value)}`;
  const p = value as Record<string, unknown>;
  if (typeof p.name !== 'string' || !NAME_PATTERN.test(p.name)) return 'a patch needs a "name"';
  if (typeof p.apply !== 'function') return `patch "${p.name}" has no apply() function`;
  return undefined;
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'function') return 'a function';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Fills the optional descriptive fields so the UI never shows "undefined". */
function normalize(adapter: BackendAdapter): BackendAdapter {
  const a = adapter as BackendAdapter & Record<string, unknown>;
  if (typeof a.displayName !== 'string' || !a.displayName) a.displayName = a.name;
  if (typeof a.version !== 'string')
    a.version = a.version === undefined ? 'unknown' : String(a.version);
  if (!Array.isArray(a.modelFormats)) a.modelFormats = [];
  return a;
}

/**
 * The backend registry: adapters and patches by name, in registration order. A duplicate
 * name is a recorded failure; the first registration stays.
 */
export class BackendRegistry {
  private adapters = new Map<string, RegisteredAdapter>();
  private patches = new Map<string, RegisteredPatch>();
  readonly failures: Failure[] = [];

  register(adapter: BackendAdapter, origin: AdapterOrigin): boolean {
    const problem = adapterShapeProblem(adapter);
    if (problem) throw new CoralError('PLUGIN_BAD_EXPORT', `Not a BackendAdapter: ${problem}.`);
    const existing = this.adapters.get(adapter.name);
    if (existing) {
      this.failures.push({
        source: originSource(origin),
        phase: 'register',
        message: `Duplicate adapter name "${adapter.name}": already registered by ${existing.origin}; this one was ignored.`,
      });
      return false;
    }
    this.adapters.set(adapter.name, { adapter: normalize(adapter), origin });
    return true;
  }

  registerPatch(patch: Patch, origin: AdapterOrigin): boolean {
    const problem = patchShapeProblem(patch);
    if (problem) throw new CoralError('PLUGIN_BAD_EXPORT', `Not a patch: ${problem}.`);
    const existing = this.patches.get(patch.name);
    if (existing) {
      this.failures.push({
        source: originSource(origin),
        phase: 'register',
        message: `Duplicate patch name "${patch.name}": already registered by ${existing.origin}; this one was ignored.`,
      });
      return false;
    }
    this.patches.set(patch.name, { patch, origin });
    return true;
  }

  get(name: string): RegisteredAdapter | undefined {
    return this.adapters.get(name);
  }

  list(): RegisteredAdapter[] {
    return [...this.adapters.values()];
  }

  listPatches(): RegisteredPatch[] {
    return [...this.patches.values()];
  }

  reset(): void {
    this.adapters.clear();
    this.patches.clear();
    this.failures.length = 0;
  }
}

/** `plugin:pkg` → `pkg`, `module:spec` → `spec`, `builtin` → `builtin`. */
export function originSource(origin: AdapterOrigin): string {
  const i = origin.indexOf(':');
  return i < 0 ? origin : origin.slice(i + 1);
}
