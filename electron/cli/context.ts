import type { Command } from 'commander';
import { resolveConfig, parseOverrides } from '../runtime/config';
import { init } from '../runtime/init';
import { resolveDataDir } from '../runtime/paths';
import { RuntimeLog } from '../runtime/log';
import type { RuntimeConfig, RuntimeContext } from '../runtime/types';
import type { Io } from './output';

export interface GlobalOptions {
  config?: string;
  set: string[];
  pluginDir: string[];
}

/** What every command gets: global options, the environment, output, and the runtime. */
export class CliContext {
  constructor(
    private readonly program: Command,
    readonly io: Io,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get globals(): GlobalOptions {
    const o = this.program.opts<Partial<GlobalOptions>>();
    return { config: o.config, set: o.set ?? [], pluginDir: o.pluginDir ?? [] };
  }

  dataDir(): string {
    return resolveDataDir(this.env);
  }

  /** Resolves config from defaults < file < env < --set, with sources. Throws on bad input. */
  resolveConfig(): RuntimeConfig {
    const g = this.globals;
    return resolveConfig({
      env: this.env,
      configPath: g.config,
      overrides: parseOverrides(g.set),
      extraPluginDirs: g.pluginDir,
      dataDir: this.dataDir(),
    });
  }

  /** Runs init() with the resolved config; the log stays in memory (commands print it). */
  async initRuntime(log = new RuntimeLog()): Promise<RuntimeContext> {
    return init(this.resolveConfig(), { log, env: this.env });
  }
}
