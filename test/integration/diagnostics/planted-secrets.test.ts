/**
 * Plants known secrets in every place one can hide (environment, config file, board target
 * URL, plugin error message, log entry, an ssh passphrase typed into a real prompt, a PEM key,
 * the web host token) and checks that none of their bytes reach any exported file, while the
 * facts a maintainer needs are still there.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '../../../electron/boards/probe';
import { SshTransport } from '../../../electron/boards/ssh/transport';
import { buildReport } from '../../../electron/diagnostics/build';
import type { BoardInput, ReportSources } from '../../../electron/diagnostics/providers';
import { captureSecrets, SessionSecrets } from '../../../electron/diagnostics/secrets';
import {
  baseSources,
  historyProvider,
  runtimeProvider,
} from '../../../electron/diagnostics/sources';
import { writeReport } from '../../../electron/diagnostics/write';
import { HistoryStore } from '../../../electron/bench/history';
import { RuntimeLog } from '../../../electron/runtime/log';
import type { RuntimeContext } from '../../../electron/runtime/types';
import { latencies, realRuntime, runRecord, seedHistory } from '../../helpers/diagnostics';
import { adapterSource, tempDir, writePlugin } from '../../helpers/plugins';
import { startSshd, type SshdHandle } from '../../helpers/sshd';
import { runCoral } from '../../helpers/cli';

/** Random, so no secret can be matched by accident (and no test can pass by hard-coding). */
const rnd = () => crypto.randomBytes(12).toString('base64url');
const S = {
  envToken: `envtok-${rnd()}`,
  envApiKey: `apikey-${rnd()}`,
  configPassword: `cfgpw-${rnd()}`,
  boardPassword: `boardpw-${rnd()}`,
  pluginSecret: `plugin-${rnd()}`,
  logPassword: `logpw-${rnd()}`,
  bearer: `bearer-${rnd()}`,
  passphrase: `pass-${rnd()}`,
  webToken: `web-${rnd()}`,
};

/** Every 8-character window of a secret: "none of their bytes" means no fragment either. */
function fragments(secret: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 8 <= secret.length; i++) out.push(secret.slice(i, i + 8));
  return out;
}

function expectNoSecrets(name: string, text: string, pemLines: string[]): void {
  for (const [kind, secret] of Object.entries(S)) {
    for (const f of fragments(secret)) {
      if (text.includes(f))
        throw new Error(`${name} leaks a fragment of the ${kind} secret: "${f}"`);
    }
  }
  for (const line of pemLines) {
    if (text.includes(line)) throw new Error(`${name} leaks a line of the PEM private key`);
  }
}

let sshd: SshdHandle;
let work: string;
let ctx: RuntimeContext;
let sources: ReportSources;
let pemLines: string[];
let store: HistoryStore;
const registry = new SessionSecrets();
let transport: SshTransport;

beforeAll(async () => {
  work = tempDir('coral-planted-');
  sshd = await startSshd();

  // A client key protected by a passphrase, authorized on the real sshd: connecting asks for it.
  const key = path.join(work, 'id_ed25519_locked');
  execFileSync('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    S.passphrase,
    '-C',
    'locked',
    '-f',
    key,
  ]);
  fs.appendFileSync(path.join(sshd.dir, 'authorized_keys'), fs.readFileSync(`${key}.pub`));
  pemLines = fs
    .readFileSync(key, 'utf8')
    .split('\n')
    .filter((l) => l.length >= 20 && !l.startsWith('-----'));

  // A plugin whose activation fails with a secret in its message, and one that logs the API key
  // it was given through the environment (no pattern could tell it is secret; its name can).
  const pluginDir = path.join(work, 'plugins');
  writePlugin(pluginDir, {
    name: 'coral-backend-acme',
    files: {
      'adapter.js': adapterSource(
        'acme',
        `throw new Error('upstream refused credentials: ${S.pluginSecret}');`,
      ),
    },
  });
  writePlugin(pluginDir, {
    name: 'coral-backend-chatty',
    files: {
      'adapter.js': adapterSource(
        'chatty',
        `arguments[0].log.info('chatty', 'connecting with ${S.envApiKey}');`,
      ),
    },
  });

  // A config file with a credential inside a URL.
  const configFile = path.join(work, 'coral.config.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      backendEntryPoints: [`https://deploy:${S.configPassword}@plugins.acme.example/adapter.js`],
      disabledBackends: ['rknn'],
    }),
  );

  const dataDir = path.join(work, 'data');
  seedHistory(dataDir, [runRecord({ id: 'run-planted', samples: latencies(200, 6) })]);
  store = HistoryStore.open(HistoryStore.fileIn(dataDir));

  const env = {
    CORAL_DATA_DIR: dataDir,
    CORAL_PLUGIN_PATH: pluginDir,
    CORAL_WEB_TOKEN: S.envToken,
    CORAL_CONFIG: configFile,
    ACME_API_KEY: S.envApiKey,
    CORAL_ENABLE_WEBRTC: '0',
  };
  ctx = await realRuntime(env, configFile);

  // A real ssh connection: the passphrase prompt is answered and captured for redaction.
  const boardLog = new RuntimeLog();
  transport = new SshTransport({
    target: sshd.target,
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    identityFiles: [key],
    knownHostsFiles: [],
    appKnownHostsFile: path.join(work, 'known_hosts'),
    trustNewHost: true,
    agent: false,
    prompt: captureSecrets(
      async (req) => (req.kind === 'passphrase' ? S.passphrase : null),
      registry,
    ),
    log: boardLog,
  });
  await transport.connect();
  const probed = await probe(transport);
  if (!registry.list().some((s) => s.value === S.passphrase && s.kind === 'password')) {
    throw new Error('the passphrase prompt was not answered through captureSecrets');
  }
  registry.add(S.webToken, 'token');

  // Log entries a careless plugin or transport could write.
  ctx.logger.warn('acme', `retrying the key file with ${S.passphrase}`);
  ctx.logger.info('boards', 'saved board', {
    target: `ssh://root:${S.boardPassword}@10.0.0.5:22`,
    password: S.logPassword,
  });
  ctx.logger.info('http', `GET /api Authorization: Bearer ${S.bearer}`);
  ctx.logger.info('host', `browser mode at http://127.0.0.1:5173/?token=${S.webToken}`);
  ctx.logger.info('acme', `API key is ${S.envApiKey}`);
  ctx.logger.debug('ssh', 'loaded key', { file: fs.readFileSync(key, 'utf8') });

  const boards: BoardInput[] = [
    {
      id: 'local',
      name: 'local-sshd',
      target: sshd.target,
      transport: 'ssh',
      probe: { time: new Date().toISOString(), result: probed },
      errors: boardLog
        .list()
        .filter((e) => e.level !== 'debug')
        .map((e) => ({ message: e.message })),
    },
    {
      id: 'lab',
      name: 'lab-rock5b',
      target: `ssh://root:${S.boardPassword}@10.0.0.5:22`,
      transport: 'ssh',
      errors: [
        {
          code: 'BOARD_AUTH_FAILED',
          message: `ssh://root:${S.boardPassword}@10.0.0.5:22 refused the password`,
        },
      ],
    },
  ];
  sources = {
    ...baseSources(env, registry),
    runtime: runtimeProvider(() => ctx),
    runs: historyProvider(() => store),
    boards: { boards: () => boards },
  };
}, 60_000);

afterAll(async () => {
  await transport?.close();
  store?.close();
  await sshd?.dispose();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('planted secrets', () => {
  it('none of their bytes appear in report.json, report.html or the zip (unzipped), in any format', async () => {
    const { json, redactionSummary } = await buildReport(sources, { homeDir: null });
    const out = path.join(work, 'out');
    fs.mkdirSync(out);
    const zip = writeReport(json, { format: 'zip', out });
    const jsonFile = writeReport(json, { format: 'json', out });
    const htmlFile = writeReport(json, { format: 'html', out });

    const entries = unzipSync(fs.readFileSync(zip.path));
    const names = Object.keys(entries);
    expect(names.some((n) => n.endsWith('/report.json'))).toBe(true);
    expect(names.some((n) => n.endsWith('/report.html'))).toBe(true);
    for (const [name, bytes] of Object.entries(entries))
      expectNoSecrets(`zip:${name}`, strFromU8(bytes), pemLines);
    expectNoSecrets('report.json', fs.readFileSync(jsonFile.path, 'utf8'), pemLines);
    expectNoSecrets('report.html', fs.readFileSync(htmlFile.path, 'utf8'), pemLines);
    expectNoSecrets('file names', fs.readdirSync(out).join('\n'), pemLines);

    expect(redactionSummary.total).toBeGreaterThanOrEqual(10);
    for (const kind of ['password', 'token', 'secret', 'private-key', 'url-credentials']) {
      expect(redactionSummary.counts[kind], kind).toBeGreaterThan(0);
    }
  });

  it('keeps the non-secret facts: variable names, adapters, plugin failures, boards, probe, runs', async () => {
    const { json } = await buildReport(sources, { homeDir: null });
    const text = JSON.stringify(json);
    if (json.runtime.status !== 'ok' || json.boards.status !== 'ok' || json.runs.status !== 'ok') {
      throw new Error('a section is missing');
    }
    const rt = json.runtime.data;
    expect(rt.env.find((e) => e.name === 'CORAL_WEB_TOKEN')).toEqual({
      name: 'CORAL_WEB_TOKEN',
      value: '[REDACTED:token]',
      redacted: true,
    });
    expect(rt.env.find((e) => e.name === 'CORAL_ENABLE_WEBRTC')?.value).toBe('0');
    expect(rt.config.find((c) => c.name === 'disabledBackends')?.value).toEqual(['rknn']);
    expect(rt.adapters.map((a) => a.name)).toEqual(expect.arrayContaining(['onnx', 'rknn']));
    const acme = rt.failures.find((f) => f.message.includes('upstream refused'));
    expect(acme?.message).toBe(
      'Activating acme failed: upstream refused credentials: [REDACTED:secret]',
    );
    expect(rt.configFile?.content).toMatchObject({ disabledBackends: ['rknn'] });
    const lab = json.boards.data.boards.find((b) => b.name === 'lab-rock5b')!;
    expect(lab.target).toBe('ssh://root:[REDACTED:url-credentials]@10.0.0.5:22');
    const local = json.boards.data.boards.find((b) => b.name === 'local-sshd')!;
    expect(local.probe?.value).toMatchObject({ kernel: { arch: expect.any(String) } });
    expect(json.runs.data.runs[0].id).toBe('run-planted');
    expect(text).toContain('saved board');
    expect(text).toContain('retrying the key file with [REDACTED:password]');
  });

  it('with anonymize, hides host names, IPs and user names behind stable placeholders', async () => {
    const { json } = await buildReport(sources, { homeDir: null, anonymize: true });
    const text = JSON.stringify(json);
    expect(json.header.hostname).toBe('host-1');
    expect(text).not.toContain('10.0.0.5');
    expect(text).not.toContain('plugins.acme.example');
    if (json.boards.status !== 'ok') throw new Error('boards missing');
    const lab = json.boards.data.boards.find((b) => b.name === 'lab-rock5b')!;
    expect(lab.target).toMatch(/^ssh:\/\/root:\[REDACTED:url-credentials\]@ip-\d+:22$/);
    expect(json.redaction.counts.ip).toBeGreaterThan(0);
    expect(json.redaction.anonymized).toBe(true);
  });
});

describe('planted secrets through the CLI', () => {
  it('coral diag export writes a zip without the secrets from env and config file', async () => {
    const dir = tempDir('coral-cli-diag-');
    const configFile = path.join(dir, 'coral.config.json');
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        backendEntryPoints: [`https://ci:${S.configPassword}@plugins.acme.example/a.js`],
      }),
    );
    const res = await runCoral(['diag', 'export', '--out', dir, '--json'], {
      env: {
        CORAL_DATA_DIR: path.join(dir, 'data'),
        CORAL_CONFIG: configFile,
        CORAL_SERVICE_PASSWORD: S.envToken,
        CORAL_DISABLED_BACKENDS: 'rknn',
      },
    });
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const result = JSON.parse(res.stdout) as {
      path: string;
      format: string;
      sections: Record<string, string>;
    };
    expect(result.format).toBe('zip');
    expect(path.basename(result.path)).toMatch(/^coral-studio_.+_\d{8}-\d{6}Z\.zip$/);
    expect(result.sections.runtime).toBe('ok');
    const entries = unzipSync(fs.readFileSync(result.path));
    for (const [name, bytes] of Object.entries(entries)) {
      const text = strFromU8(bytes);
      expectNoSecrets(name, text, []);
      if (name.endsWith('.json')) expect(text).toContain('CORAL_SERVICE_PASSWORD');
    }
    expectNoSecrets('stdout', res.stdout, []);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
