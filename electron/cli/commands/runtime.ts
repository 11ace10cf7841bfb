import type { Command } from 'commander';
import { flattenConfig, validateConfigFile } from '../../runtime/config';
import { discoverPlugins } from '../../runtime/discovery';
import type { RuntimeConfig, RuntimeContext } from '../../runtime/types';
import type { CliContext } from '../context';
import { CliExit, EXIT_INVALID, printJson, table } from '../output';

/** The `coral init --json` object: the context a script or a bug report needs. */
export function contextJson(ctx: RuntimeContext) {
  return {
    platform: ctx.state.platform,
    backendsEnabled: ctx.state.backendsEnabled,
    adapters: ctx.state.adapters.map((a) => ({
      name: a.name,
      displayName: a.displayName,
      version: a.version,
      origin: a.origin,
      status: a.status,
      ...(a.reason ? { reason: a.reason } : {}),
      ...(a.detail ? { detail: a.detail } : {}),
    })),
    failures: ctx.state.failures,
    patchesEnabled: ctx.state.patchesEnabled,
    pluginsLoaded: ctx.state.pluginsLoaded,
    plugins: ctx.state.plugins,
    config: flattenConfig(ctx.config),
    configFile: ctx.config.configFile,
    diagnostics: ctx.config.diagnostics,
    log: ctx.logger
      .list()
      .map(({ time, level, source, message }) => ({ time, level, source, message })),
    initMs: ctx.state.initMs,
  };
}

function configTable(config: RuntimeConfig): string {
  const diag = new Map(
    config.diagnostics.filter((d) => d.field).map((d) => [d.field as string, d]),
  );
  return table(
    ['field', 'value', 'source', 'note'],
    Object.entries(flattenConfig(config)).map(([k, v]) => [
      k,
      Array.isArray(v.value) ? v.value.join(', ') || '[]' : String(v.value),
      v.source,
      diag.get(k)?.message,
    ]),
  );
}

function diagnosticsText(config: RuntimeConfig): string[] {
  return config.diagnostics.map((d) => `${d.level}: ${d.message}${d.hint ? ` ${d.hint}` : ''}`);
}

export function register(program: Command, cli: CliContext): void {
  program
    .command('init')
    .description('run the runtime init and print the context (adapters, failures, config, log)')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const ctx = await cli.initRuntime();
      if (opts.json) return printJson(cli.io, contextJson(ctx));
      const { state } = ctx;
      cli.io.out(`Platform: ${state.platform.value} (${state.platform.source})`);
      cli.io.out(`Enabled:  ${state.backendsEnabled.join(', ') || 'none'}\n`);
      cli.io.out(
        table(
          ['adapter', 'version', 'origin', 'status', 'reason'],
          state.adapters.map((a) => [a.name, a.version, a.origin, a.status, a.reason]),
        ),
      );
      if (state.failures.length) {
        cli.io.out(`\nLoad failures (${state.failures.length}):`);
        cli.io.out(
          table(
            ['source', 'phase', 'message'],
            state.failures.map((f) => [f.source, f.phase, f.message]),
          ),
        );
      }
      const diags = diagnosticsText(ctx.config);
      if (diags.length)
        cli.io.out(`\nConfiguration problems:\n${diags.map((d) => `  ${d}`).join('\n')}`);
      cli.io.out(`\nInit took ${state.initMs} ms. Use --json for the full context and log.`);
    });

  const config = program.command('config').description('show or check the configuration');
  config
    .command('show')
    .description('the resolved configuration, each value with its source')
    .option('--json', 'print one JSON object')
    .action((opts: { json?: boolean }) => {
      const resolved = cli.resolveConfig();
      if (opts.json) {
        return printJson(cli.io, {
          config: flattenConfig(resolved),
          configFile: resolved.configFile,
          diagnostics: resolved.diagnostics,
        });
      }
      cli.io.out(configTable(resolved));
      if (resolved.configFile) cli.io.out(`\nConfig file: ${resolved.configFile}`);
      const diags = diagnosticsText(resolved);
      if (diags.length) cli.io.out(`\n${diags.join('\n')}`);
    });
  config
    .command('validate')
    .description('check a config file; one line per problem')
    .argument('<file>', 'coral.config.json or .yaml')
    .action((file: string) => {
      const problems = validateConfigFile(file);
      if (problems.length === 0) {
        cli.io.out(`${file}: valid`);
        return;
      }
      for (const p of problems) cli.io.err(`${file}: ${p}`);
      throw new CliExit(EXIT_INVALID);
    });

  const plugins = program.command('plugins').description('backend plugin packages');
  plugins
    .command('list')
    .description('plugin packages found, their entries and load status')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const ctx = await cli.initRuntime();
      const dirs = ctx.config.pluginDirs.value;
      const found = discoverPlugins(dirs);
      const byName = new Map(ctx.state.plugins.map((p) => [p.package, p]));
      const rows = [
        ...found.plugins.map((p) => ({
          package: p.name,
          version: p.version,
          path: p.dir,
          backends: p.backends,
          patches: p.patches,
          status:
            byName.get(p.name)?.status ??
            (ctx.config.flags.plugins.value && ctx.config.autoDiscoverBackends.value
              ? 'failed'
              : 'skipped'),
          reason: byName.get(p.name)?.reason,
        })),
        ...found.problems.map((p) => ({
          package: p.name,
          version: '',
          path: p.dir,
          backends: [],
          patches: [],
          status: 'failed',
          reason: p.error.message,
        })),
      ];
      if (opts.json) return printJson(cli.io, { pluginDirs: dirs, plugins: rows });
      cli.io.out(`Plugin directories: ${dirs.join(', ')}`);
      if (rows.length === 0) {
        cli.io.out(
          'No plugin packages found. Install one with: npm install --prefix <plugin dir> <package>',
        );
        return;
      }
      cli.io.out(
        table(
          ['package', 'version', 'status', 'entries', 'reason'],
          rows.map((r) => [
            r.package,
            r.version,
            r.status,
            r.backends.length + r.patches.length,
            r.reason,
          ]),
        ),
      );
    });
}
