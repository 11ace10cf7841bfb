import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CoralError, errorStack } from './errors';
import { type BackendRegistry, adapterShapeProblem, describe, patchShapeProblem } from './registry';
import type { AdapterOrigin, BackendAdapter, Failure, FailurePhase, Logger, Patch } from './types';

export type EntryKind = 'backends' | 'patches';

/** An error that knows in which phase of loading it happened. */
export class LoadError extends CoralError {
  constructor(
    readonly phase: FailurePhase,
    code: string,
    message: string,
    options: { hint?: string; cause?: unknown } = {},
  ) {
    super(code, message, options);
  }
}

export function failureFrom(source: string, e: unknown, phase: FailurePhase): Failure {
  const f: Failure = {
    source,
    phase: e instanceof LoadError ? e.phase : phase,
    message: e instanceof Error ? e.message : String(e),
  };
  const stack =
    e instanceof LoadError && e.cause !== undefined ? errorStack(e.cause) : errorStack(e);
  if (stack) f.stack = stack;
  return f;
}

/** Races a promise against a timer that is always cleared, so nothing is left running. */
export async function withTimeout<T>(work: Promise<T> | T, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new LoadError('register', 'PLUGIN_TIMEOUT', `${what} did not finish within ${ms} ms.`, {
            hint: 'The plugin hangs; fix it or raise CORAL_REGISTER_TIMEOUT_MS.',
          }),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([Promise.resolve(work), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves a module spec (path or package name) to something import() accepts. */
export function resolveSpec(spec: string, baseDir = process.cwd()): string {
  if (path.isAbsolute(spec) || spec.startsWith('./') || spec.startsWith('../')) {
    const file = path.resolve(baseDir, spec);
    if (!fs.existsSync(file)) {
      throw new LoadError('import', 'PLUGIN_IMPORT_FAILED', `Module ${file} does not exist.`, {
        hint: 'Check the path in CORAL_BACKENDS, backendEntryPoints or the plugin manifest.',
      });
    }
    const stat = fs.statSync(file);
    const realFile = stat.isDirectory()
      ? createRequire(path.join(file, 'noop.js')).resolve(file)
      : file;
    return pathToFileURL(realFile).href;
  }
  try {
    return pathToFileURL(createRequire(path.join(baseDir, 'noop.js')).resolve(spec)).href;
  } catch {
    // ESM-only packages (exports without a "require" condition) resolve only through import().
    return spec;
  }
}

export async function importModule(
  spec: string,
  baseDir?: string,
): Promise<Record<string, unknown>> {
  const target = resolveSpec(spec, baseDir);
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (e) {
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new LoadError('import', 'PLUGIN_IMPORT_FAILED', `Importing ${spec} failed: ${why}`, {
      hint: 'Check that the module exists, is built, and loads under plain Node.',
      cause: e,
    });
  }
}

interface Facade {
  register(adapter: BackendAdapter): void;
  registerBackend(adapter: BackendAdapter): void;
  registerPatch(patch: Patch): void;
  log: Logger;
}

/**
 * Registers whatever an entry module exports: a BackendAdapter (or patch), an array of them,
 * a factory returning them, or `register(registry)`. Returns the names registered.
 */
export async function registerExports(
  mod: Record<string, unknown>,
  registry: BackendRegistry,
  opts: { origin: AdapterOrigin; label: string; kind: EntryKind; timeoutMs: number; log: Logger },
): Promise<string[]> {
  const names: string[] = [];
  const failuresBefore = registry.failures.length;
  let sealed = false;
  const add = (value: unknown) => {
    if (sealed) {
      opts.log.warn(opts.label, `Late registration after the time-out was ignored.`);
      return;
    }
    if (opts.kind === 'backends') {
      const problem = adapterShapeProblem(value);
      if (problem)
        throw new LoadError('register', 'PLUGIN_BAD_EXPORT', `${opts.label}: ${problem}.`);
      if (registry.register(value as BackendAdapter, opts.origin))
        names.push((value as BackendAdapter).name);
    } else {
      const problem = patchShapeProblem(value);
      if (problem)
        throw new LoadError('register', 'PLUGIN_BAD_EXPORT', `${opts.label}: ${problem}.`);
      if (registry.registerPatch(value as Patch, opts.origin)) names.push((value as Patch).name);
    }
  };
  const facade: Facade = {
    register: add,
    registerBackend: add,
    registerPatch: (p) => {
      if (sealed) return;
      const problem = patchShapeProblem(p);
      if (problem)
        throw new LoadError('register', 'PLUGIN_BAD_EXPORT', `${opts.label}: ${problem}.`);
      if (registry.registerPatch(p, opts.origin)) names.push(p.name);
    },
    log: opts.log,
  };
  const addAll = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(add);
    else add(value);
  };

  const expected =
    opts.kind === 'backends'
      ? 'a BackendAdapter, an array of them, a factory returning them, or register(registry)'
      : 'a patch {name, description, apply, revert}, an array of them, or register(registry)';
  const call = async (fn: (f: Facade) => unknown, what: string) => {
    try {
      const result = await withTimeout(
        (async () => fn(facade))(),
        opts.timeoutMs,
        `${what} of ${opts.label}`,
      );
      if (result !== undefined && result !== null) addAll(result);
    } catch (e) {
      if (e instanceof LoadError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new LoadError(
        'register',
        'PLUGIN_REGISTER_FAILED',
        `${what} of ${opts.label} threw: ${why}`,
        {
          hint: 'The error comes from the plugin itself; see the stack.',
          cause: e,
        },
      );
    } finally {
      sealed = true;
    }
  };

  const candidate =
    'default' in mod ? mod.default : (mod.adapters ?? mod.adapter ?? mod.patches ?? mod.patch);
  const namedRegister = typeof mod.register === 'function' ? mod.register : undefined;
  const objectRegister =
    candidate &&
    typeof candidate === 'object' &&
    !Array.isArray(candidate) &&
    typeof (candidate as Record<string, unknown>).register === 'function' &&
    typeof (candidate as Record<string, unknown>).activate !== 'function' &&
    typeof (candidate as Record<string, unknown>).apply !== 'function'
      ? ((candidate as Record<string, unknown>).register as (f: Facade) => unknown).bind(candidate)
      : undefined;

  if (namedRegister) await call(namedRegister as (f: Facade) => unknown, 'register()');
  else if (objectRegister) await call(objectRegister, 'register()');
  else if (typeof candidate === 'function')
    await call(candidate as (f: Facade) => unknown, 'the factory');
  else if (candidate !== undefined && candidate !== null) addAll(candidate);
  else {
    throw new LoadError(
      'register',
      'PLUGIN_BAD_EXPORT',
      `${opts.label} exports nothing usable (got ${describe(candidate)}); expected ${expected}.`,
    );
  }
  if (names.length === 0 && registry.failures.length === failuresBefore) {
    throw new LoadError(
      'register',
      'PLUGIN_BAD_EXPORT',
      `${opts.label} registered nothing; expected ${expected}.`,
    );
  }
  return names;
}

/**
 * Imports a module by path or package name and registers what it exports (explicit
 * configuration: CORAL_BACKENDS, backendEntryPoints, CORAL_EXTRA_PATCHES).
 */
export async function registerBackendEntryModule(
  spec: string,
  registry: BackendRegistry,
  opts: { kind?: EntryKind; timeoutMs?: number; log: Logger; baseDir?: string },
): Promise<string[]> {
  const mod = await importModule(spec, opts.baseDir);
  return registerExports(mod, registry, {
    origin: `module:${spec}`,
    label: spec,
    kind: opts.kind ?? 'backends',
    timeoutMs: opts.timeoutMs ?? 5000,
    log: opts.log,
  });
}
