/**
 * Terminal prompts of the board commands: host-key trust (y/N) and secrets read without echo.
 * Answers stay in memory. Without a terminal there are no prompts: host keys then need
 * --trust-new-host, and password logins fail with a clear error.
 */
import readline from 'node:readline';
import type { PromptFn } from '../../boards/types';
import type { CliContext } from '../context';

export /** Terminal prompts; none when stdin is not a terminal (then host keys need --trust-new-host). */
function terminalPrompt(cli: CliContext): PromptFn | undefined {
  if (!process.stdin.isTTY) return undefined;
  return async (req) => {
    switch (req.kind) {
      case 'host-key': {
        const where = req.port === 22 ? req.host : `[${req.host}]:${req.port}`;
        cli.io.err(`The authenticity of host '${where}' (${req.target}) can't be established.`);
        cli.io.err(`${req.keyType} key fingerprint is ${req.fingerprint}.`);
        if (req.otherKnownTypes.length)
          cli.io.err(
            `Keys of other types are known for this host: ${req.otherKnownTypes.join(', ')}.`,
          );
        const a = await askLine('Trust this key and remember it? [y/N] ');
        return a && /^y(es)?$/i.test(a.trim()) ? 'yes' : null;
      }
      case 'password':
        return askSecret(`${req.user}@${req.host}'s password: `);
      case 'passphrase':
        return askSecret(`Enter passphrase for key '${req.keyFile}': `);
      case 'keyboard-interactive':
        return req.echo ? askLine(req.prompt) : askSecret(req.prompt);
    }
  };
}

/** Asks a question on the terminal (stderr) and reads one line. */
export function askLine(question: string): Promise<string | null> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({
      input: process.stdin,
      output: process.stderr,
      terminal: true,
    });
    rl.question(question, (a) => {
      rl.close();
      resolve(a);
    });
    rl.on('SIGINT', () => {
      rl.close();
      resolve(null);
    });
  });
}

/** Reads a secret without echoing it; Ctrl-C or Ctrl-D declines. Kept in memory only. */
export function askSecret(question: string): Promise<string | null> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    let value = '';
    const finish = (v: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(v);
    };
    const onData = (d: Buffer) => {
      for (const ch of d.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(value);
        if (ch === '\u0003' || ch === '\u0004') return finish(null);
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
