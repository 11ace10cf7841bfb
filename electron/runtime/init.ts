import { performance } from 'node:perf_hooks';
import { resolveConfig } from './config';
import { discoverPlugins } from './discovery';
import { toCoralError } from './errors';
import { RuntimeLog } from './log';
import { failureFrom, importModule, registerExports, withTimeout, LoadError } from './modules';
import { builtinPatches } from './patches';
import { resolvePlatform } from './platform';
import { BackendRegistry, originSource } from './registry';
import type {
  ActivationContext,
  ActivationResult,
  AdapterState,
  Disposable,
  PatchState,
  PluginInfo,
  RuntimeConfig,
  RuntimeContext,
  RuntimeState,
} from './types';

/** Built-in adapters, loaded through the same path as plugin entries. */
export const BUILTIN_ENTRIES: Array<{
  label: string;
  load: () => Promise<Record<string, unknown>>;
}> = [
  { label: 'onnx (built-in)', load: () => import('../backends/onnx/adapter') },
  { label: 'rknn (built-in)', load: () => import('../backends/rknn/adapter') },
];

export interface InitOptions {
  log?: RuntimeLog;
  env?: NodeJS.ProcessEnv;
  /** Root of the file system used for platform detection (tests point it at a fixture). */
  fsRoot?: string;
  /** Replaces the built-in entries (tests of the registry alone). */
  builtins?: typeof BUILTIN_ENTRIES;
}

interface Internals {
  disposables: Array<{ label: string; item: Disposable }>;
  revert: Array<{ label: string; fn: () => void | Promise<void> }>;
}
const internals = new WeakMap<RuntimeContext, Internals>();

const SRC = 'runtime';

/**
 * Builds a runtime: 1. built-ins; 2. plugin packages (if auto-discovery and the `plugins` flag
 * are on); 3. explicit entry modules, always; 4. patches; 5. activation for the platform.
 * Nothing a plugin does can make init() throw: every failure is recorded in state.failures.
 */
export async function init(
  config?: RuntimeConfig,
  options: InitOptions = {},
): Promise<RuntimeContext> {
  const started = performance.now();
  const cfg = config ?? resolveConfig({ env: options.env ?? process.env, onFileError: 'diagnose' });
  const log = options.log ?? new RuntimeLog();
  const registry = new BackendRegistry();
  const failures = registry.failures;
  const timeoutMs = cfg.registerTimeoutMs.value;
  const own: Internals = { disposables: [], revert: [] };

  for (const d of cfg.diagnostics) {
    log[d.level](d.variable ?? 'config', d.hint ? `${d.message} ${d.hint}` : d.message);
  }

  // 1. built-ins
  for (const entry of options.builtins ?? BUILTIN_ENTRIES) {
    try {
      await registerExports(await entry.load(), registry, {
        origin: 'builtin',
        label: entry.label,
        kind: 'backends',
        timeoutMs,
        log,
      });
    } catch (e) {
      failures.push(failureFrom(entry.label, e, 'import'));
    }
  }

  // 2. plugin packages
  const plugins: PluginInfo[] = [];
  const pluginsLoaded: string[] = [];
  const patchModules: Array<{
    spec: string;
    origin: `plugin:${string}` | `module:${string}`;
    label: string;
  }> = [];
  if (!cfg.autoDiscoverBackends.value) {
    log.info(SRC, `Plugin auto-discovery is off (${cfg.autoDiscoverBackends.source}).`);
  } else if (!cfg.flags.plugins.value) {
    log.info(
      SRC,
      `Plugin packages not loaded: the plugins flag is off (${cfg.flags.plugins.source}).`,
    );
  } else {
    const found = discoverPlugins(cfg.pluginDirs.value);
    for (const p of found.problems) {
      failures.push(failureFrom(p.name, p.error, 'discover'));
      plugins.push({
        package: p.name,
        version: '',
        path: p.dir,
        backends: [],
        patches: [],
        status: 'failed',
        reason: p.error.message,
      });
      log.error(p.name, p.error.message);
    }
    // Import in parallel (that is where the time goes), register in name order (deterministic).
    const imported = await Promise.all(
      found.plugins.map(async (p) => ({
        plugin: p,
        modules: await Promise.all(
          p.backends.map((file) =>
            importModule(file).then(
              (mod) => ({ file, mod }),
              (error: unknown) => ({ file, error }),
            ),
          ),
        ),
      })),
    );
    for (const { plugin, modules } of imported) {
      const origin = `plugin:${plugin.name}` as const;
      const info: PluginInfo = {
        package: plugin.name,
        version: plugin.version,
        path: plugin.dir,
        backends: [],
        patches: [],
        status: 'loaded',
      };
      for (const m of modules) {
        try {
          if ('error' in m) throw m.error;
          info.backends.push(
            ...(await registerExports(m.mod, registry, {
              origin,
              label: plugin.name,
              kind: 'backends',
              timeoutMs,
              log,
            })),
          );
        } catch (e) {
          const f = failureFrom(plugin.name, e, 'import');
          failures.push(f);
          info.status = 'failed';
          info.reason = f.message;
          log.error(plugin.name, f.message);
        }
      }
      // A duplicate name is recorded by the registry itself; it still makes the package failed.
      const duplicate = failures.find((f) => f.source === plugin.name && f.phase === 'register');
      if (duplicate && info.status === 'loaded') {
        info.status = 'failed';
        info.reason = duplicate.message;
        log.error(plugin.name, duplicate.message);
      }
      for (const file of plugin.patches)
        patchModules.push({ spec: file, origin, label: plugin.name });
      if (info.status === 'loaded') {
        pluginsLoaded.push(plugin.name);
        log.info(
          plugin.name,
          `Loaded plugin ${plugin.name}@${plugin.version} (${info.backends.join(', ') || 'patches only'}).`,
        );
      }
      plugins.push(info);
    }
  }

  // 3. explicit modules: always, even with auto-discovery off.
  for (const spec of cfg.backendEntryPoints.value) {
    try {
      const names = await registerExports(await importModule(spec), registry, {
        origin: `module:${spec}`,
        label: spec,
        kind: 'backends',
        timeoutMs,
        log,
      });
      log.info(spec, `Loaded backend module ${spec} (${names.join(', ')}).`);
    } catch (e) {
      const f = failureFrom(spec, e, 'import');
      failures.push(f);
      log.error(spec, f.message);
    }
  }

  // 4. patches: the flags, patches from plugins, extra patch modules.
  for (const p of builtinPatches) registry.registerPatch(p, 'builtin');
  for (const spec of cfg.extraPatches.value)
    patchModules.push({ spec, origin: `module:${spec}`, label: spec });
  for (const m of patchModules) {
    try {
      await registerExports(await importModule(m.spec), registry, {
        origin: m.origin,
        label: m.label,
        kind: 'patches',
        timeoutMs,
        log,
      });
    } catch (e) {
      const f = failureFrom(originSource(m.origin), e, 'import');
      failures.push(f);
      log.error(m.label, f.message);
    }
  }

  const platform = resolvePlatform(cfg, options.fsRoot);
  log.info(SRC, `Platform ${platform.value} (${platform.reason}).`);
  const actx: ActivationContext = { platform: platform.value, config: cfg, log };

  const patches: PatchState[] = [];
  for (const { patch, origin } of registry.listPatches()) {
    const flag = cfg.flags[patch.name as keyof typeof cfg.flags] as
      { value: boolean; source: string } | undefined;
    const enabled = flag ? flag.value : true;
    if (!enabled) {
      log.info(SRC, `Patch ${patch.name} disabled via config (${flag?.source}).`);
    } else {
      try {
        await withTimeout(patch.apply(actx), timeoutMs, `apply() of patch ${patch.name}`);
        if (patch.revert) own.revert.push({ label: patch.name, fn: patch.revert.bind(patch) });
        log.info(
          SRC,
          `Patch ${patch.name} enabled${flag && flag.source !== 'default' ? ` (${flag.source})` : ''}.`,
        );
      } catch (e) {
        const f = failureFrom(originSource(origin), e, 'activate');
        failures.push(f);
        log.error(patch.name, f.message);
        patches.push({
          name: patch.name,
          description: patch.description ?? '',
          enabled: false,
          origin,
        });
        continue;
      }
    }
    patches.push({ name: patch.name, description: patch.description ?? '', enabled, origin });
  }

  // 5. activation
  const adapters: AdapterState[] = [];
  const disabled = new Set(cfg.disabledBackends.value);
  for (const { adapter, origin } of registry.list()) {
    const st: AdapterState = {
      name: adapter.name,
      displayName: adapter.displayName,
      version: adapter.version,
      origin,
      modelFormats: adapter.modelFormats,
      status: 'enabled',
    };
    adapters.push(st);
    if (disabled.has(adapter.name)) {
      st.status = 'disabled';
      st.reason = `switched off (${cfg.disabledBackends.source})`;
      continue;
    }
    // The auto_patch_rknn flag's effect: no automatic RKNN activation on an rknn platform.
    if (adapter.name === 'rknn' && platform.value === 'rknn' && !cfg.flags.auto_patch_rknn.value) {
      st.status = 'disabled';
      st.reason = `auto_patch_rknn is off (${cfg.flags.auto_patch_rknn.source})`;
      continue;
    }
    let supported: true | string;
    try {
      supported = adapter.supports(platform.value, cfg);
    } catch (e) {
      supported = `supports() threw: ${toCoralError(e).message}`;
    }
    if (supported !== true) {
      st.status = 'unsupported';
      st.reason =
        typeof supported === 'string' && supported
          ? supported
          : `does not support platform ${platform.value}`;
      continue;
    }
    try {
      const result = (await withTimeout(
        adapter.activate(actx),
        timeoutMs,
        `activate() of adapter ${adapter.name}`,
      )) as ActivationResult | void;
      if (result?.detail) st.detail = result.detail;
      if (result?.disposable)
        own.disposables.push({ label: adapter.name, item: result.disposable });
      if (adapter.dispose)
        own.disposables.push({ label: adapter.name, item: { dispose: () => adapter.dispose?.() } });
      if (result?.unavailable) {
        st.status = 'unsupported';
        st.reason = result.unavailable;
        log.info(adapter.name, `Adapter ${adapter.name} not available: ${result.unavailable}`);
      } else {
        log.info(adapter.name, `Adapter ${adapter.name} enabled (${origin}).`);
      }
    } catch (e) {
      const message =
        e instanceof LoadError && e.code === 'PLUGIN_TIMEOUT'
          ? e.message
          : `Activating ${adapter.name} failed: ${toCoralError(e).message}`;
      st.status = 'failed';
      st.reason = message;
      const f = failureFrom(
        originSource(origin) === 'builtin' ? adapter.name : originSource(origin),
        e,
        'activate',
      );
      f.message = message;
      failures.push(f);
      log.error(adapter.name, message);
    }
  }

  const backendsEnabled = adapters.filter((a) => a.status === 'enabled').map((a) => a.name);
  if (!adapters.some((a) => a.status === 'enabled')) {
    log.warn(SRC, `No adapter is enabled on platform ${platform.value}.`);
  }
  const state: RuntimeState = {
    platform: { value: platform.value, source: platform.source },
    backendsEnabled,
    adapters,
    failures,
    patches,
    patchesEnabled: patches.filter((p) => p.enabled).map((p) => p.name),
    pluginsLoaded,
    plugins,
    initMs: Math.round((performance.now() - started) * 100) / 100,
  };
  log.info(
    SRC,
    `Init done in ${state.initMs} ms: ${backendsEnabled.length} adapter(s) enabled, ${failures.length} failure(s).`,
  );
  const ctx: RuntimeContext = {
    config: cfg,
    state,
    log: log.list(),
    logger: log,
    adapter: (name) => registry.get(name)?.adapter,
  };
  internals.set(ctx, own);
  return ctx;
}

/** Tears a runtime down for a re-init: disposes every activation and reverts every patch. */
export async function reset(ctx: RuntimeContext): Promise<void> {
  const own = internals.get(ctx);
  if (!own) return;
  internals.delete(ctx);
  for (const { label, item } of own.disposables.reverse()) {
    try {
      await item.dispose();
    } catch (e) {
      ctx.logger.warn(label, `dispose() failed: ${toCoralError(e).message}`);
    }
  }
  for (const { label, fn } of own.revert.reverse()) {
    try {
      await fn();
    } catch (e) {
      ctx.logger.warn(label, `revert() failed: ${toCoralError(e).message}`);
    }
  }
}
