import { spawn } from 'node:child_process';
import path from 'node:path';
import type { Command } from 'commander';
import { createServices } from '../../ipc/create-services';
import { IpcServer } from '../../ipc/handlers';
import { startHost } from '../../host/server';
import { parseOverrides } from '../../runtime/config';
import { formatLogEntry, RuntimeLog } from '../../runtime/log';
import { appRoot } from '../../runtime/paths';
import type { CliContext } from '../context';
import { usageError } from '../output';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function parsePort(raw: string): number {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n > 65535) {
    throw usageError(
      `--port ${raw}: not a port number.`,
      'Use 1-65535, or 0 (or no --port) for a free port.',
    );
  }
  return n;
}

/** Opens a URL with the desktop's handler; failure only prints (the URL is on screen anyway). */
function openInBrowser(url: string, onError: (m: string) => void): void {
  const [cmd, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.once('error', (e) =>
    onError(`Could not open a browser (${cmd}: ${e.message}); open the URL yourself.`),
  );
  child.unref();
}

export function register(program: Command, cli: CliContext): void {
  program
    .command('serve')
    .description('serve the app to your browser (loopback only, with a per-run token in the URL)')
    .option('--port <n>', 'port to listen on (default: a free one)', parsePort)
    .option(
      '--host <address>',
      'address to bind (default 127.0.0.1; anything else exposes the app)',
    )
    .option('--open', 'open the URL in the default browser')
    .action(async (opts: { port?: number; host?: string; open?: boolean }) => {
      const host = opts.host ?? '127.0.0.1';
      if (!LOOPBACK.has(host)) {
        cli.io.err(
          `warning: binding to ${host}: anyone who can reach it and has the URL can use the app.`,
        );
      }
      const g = cli.globals;
      const log = new RuntimeLog({ echo: (e) => cli.io.err(formatLogEntry(e)), echoLevel: 'warn' });
      const services = await createServices({
        mode: 'browser',
        env: cli.env,
        configPath: g.config,
        overrides: parseOverrides(g.set),
        extraPluginDirs: g.pluginDir,
        dataDir: cli.dataDir(),
        log,
      });
      const ipc = new IpcServer(services);
      let web;
      try {
        web = await startHost({
          ipc,
          rendererDir: path.join(appRoot(), 'out', 'renderer'),
          host,
          port: opts.port,
          log,
        });
      } catch (e) {
        ipc.dispose();
        await services.dispose();
        throw e;
      }
      cli.io.out(`Coral Studio is serving at ${web.url}`);
      cli.io.out('Press Ctrl+C to stop.');
      if (opts.open) openInBrowser(web.url, (m) => cli.io.err(m));

      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      await web.close();
      ipc.dispose();
      await services.dispose();
      cli.io.err('Stopped.');
    });
}
