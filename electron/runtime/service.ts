import { flattenConfig, resolveConfig, validateOverrides, type Overrides } from './config';
import { toCoralError } from './errors';
import { init, reset, type InitOptions } from './init';
import { RuntimeLog } from './log';
import type { RuntimeContext } from './types';

export interface RuntimeServiceOptions {
  env?: NodeJS.ProcessEnv;
  configPath?: string;
  overrides?: Overrides;
  extraPluginDirs?: string[];
  dataDir?: string;
  log?: RuntimeLog;
  initOptions?: Omit<InitOptions, 'log' | 'env'>;
}

type ChangeListener = (ctx: RuntimeContext) => void;

/**
 * The runtime as the app holds it: one live context, re-initialised when the UI changes an
 * override. The log is continuous across re-inits so the user sees what changed.
 */
export class RuntimeService {
  readonly log: RuntimeLog;
  private ctx: RuntimeContext | undefined;
  private userOverrides: Overrides;
  private listeners = new Set<ChangeListener>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: RuntimeServiceOptions = {}) {
    this.log = options.log ?? new RuntimeLog();
    this.userOverrides = { ...(options.overrides ?? {}) };
  }

  get context(): RuntimeContext {
    if (!this.ctx) throw new Error('RuntimeService.start() has not finished');
    return this.ctx;
  }

  get started(): boolean {
    return this.ctx !== undefined;
  }

  get overrides(): Overrides {
    return { ...this.userOverrides };
  }

  start(): Promise<RuntimeContext> {
    return this.serial(() => this.reinit());
  }

  /** Sets (or with null, removes) overrides, then re-initialises. Invalid input throws first. */
  applyOverrides(patch: Record<string, unknown | null>): Promise<RuntimeContext> {
    const removals = Object.keys(patch).filter((k) => patch[k] === null && k !== 'platform');
    const sets = Object.fromEntries(
      Object.entries(patch).filter(([k, v]) => v !== null || k === 'platform'),
    );
    const checked = validateOverrides(sets);
    return this.serial(async () => {
      const next = { ...this.userOverrides, ...checked };
      for (const k of removals) delete next[k];
      // platform: null means "detect again", which is the absence of an override.
      if ('platform' in patch && patch.platform === null) delete next.platform;
      this.userOverrides = next;
      return this.reinit();
    });
  }

  resetOverrides(): Promise<RuntimeContext> {
    return this.serial(async () => {
      this.userOverrides = { ...(this.options.overrides ?? {}) };
      this.log.info('runtime', 'Overrides reset to the file and environment configuration.');
      return this.reinit();
    });
  }

  onChange(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    await this.serial(async () => {
      if (this.ctx) await reset(this.ctx);
      this.ctx = undefined;
    });
    this.listeners.clear();
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async reinit(): Promise<RuntimeContext> {
    const previous = this.ctx;
    const config = resolveConfig({
      env: this.options.env ?? process.env,
      configPath: this.options.configPath,
      overrides: this.userOverrides,
      extraPluginDirs: this.options.extraPluginDirs,
      dataDir: this.options.dataDir,
      onFileError: 'diagnose',
    });
    if (previous) {
      this.logChanges(previous, config);
      await reset(previous);
    }
    const ctx = await init(config, {
      ...(this.options.initOptions ?? {}),
      log: this.log,
      env: this.options.env,
    });
    if (previous) this.logStateChanges(previous, ctx);
    this.ctx = ctx;
    for (const l of this.listeners) {
      try {
        l(ctx);
      } catch (e) {
        this.log.error('runtime', `A runtime listener failed: ${toCoralError(e).message}`);
      }
    }
    return ctx;
  }

  private logChanges(previous: RuntimeContext, config: ReturnType<typeof resolveConfig>): void {
    const before = flattenConfig(previous.config);
    const after = flattenConfig(config);
    for (const [key, now] of Object.entries(after)) {
      const was = before[key];
      if (JSON.stringify(was?.value) !== JSON.stringify(now.value) || was?.source !== now.source) {
        this.log.info(
          'config',
          `${key}: ${JSON.stringify(was?.value)} (${was?.source}) → ${JSON.stringify(now.value)} (${now.source})`,
        );
      }
    }
  }

  private logStateChanges(previous: RuntimeContext, next: RuntimeContext): void {
    const was = new Map(previous.state.adapters.map((a) => [a.name, a.status]));
    for (const a of next.state.adapters) {
      const old = was.get(a.name);
      if (old !== a.status) {
        this.log.info(
          'runtime',
          `Adapter ${a.name}: ${old ?? 'new'} → ${a.status}${a.reason ? ` (${a.reason})` : ''}`,
        );
      }
    }
    if (previous.state.platform.value !== next.state.platform.value) {
      this.log.info(
        'runtime',
        `Platform: ${previous.state.platform.value} → ${next.state.platform.value}`,
      );
    }
  }
}
