import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../electron/runtime/config';
import { init, reset } from '../../../electron/runtime/init';
import { adapterSource, tempDir, writePlugin } from '../../helpers/plugins';

/** A plugin directory holding one good package and one of every failure kind. */
function pluginZoo(): string {
  const dir = tempDir('coral-plugins-');
  writePlugin(dir, { name: 'coral-good', files: { 'adapter.js': adapterSource('good') } });
  writePlugin(dir, {
    name: '@acme/coral-scoped',
    files: { 'adapter.js': adapterSource('scoped') },
  });
  writePlugin(dir, {
    name: 'coral-malformed',
    rawPackageJson: '{ "name": "coral-malformed", "coral": { "backends": [ ',
  });
  writePlugin(dir, { name: 'coral-bad-manifest', coral: { backends: 'adapter.js' } });
  writePlugin(dir, {
    name: 'coral-import-error',
    files: { 'adapter.js': 'import "./missing-file.js";\nexport default {};\n' },
  });
  writePlugin(dir, { name: 'coral-syntax-error', files: { 'adapter.js': 'export default {{;\n' } });
  writePlugin(dir, {
    name: 'coral-wrong-shape',
    files: { 'adapter.js': 'export default { name: "shape", version: "1" };\n' },
  });
  writePlugin(dir, {
    name: 'coral-throws',
    files: {
      'adapter.js':
        'export function register(registry) { throw new Error("boom from register"); }\n',
    },
  });
  writePlugin(dir, {
    name: 'coral-hangs',
    files: {
      'adapter.js': 'export function register(registry) { return new Promise(() => {}); }\n',
    },
  });
  writePlugin(dir, { name: 'coral-zz-duplicate', files: { 'adapter.js': adapterSource('good') } });
  writePlugin(dir, {
    name: 'coral-escapes',
    coral: { backends: ['../../../../etc/passwd'] },
  });
  writePlugin(dir, {
    name: 'coral-too-new',
    engines: { 'coral-studio': '>=99' },
    files: { 'adapter.js': adapterSource('toonew') },
  });
  // Not a plugin: no coral field. Must be ignored silently.
  writePlugin(dir, { name: 'left-pad', rawPackageJson: '{"name":"left-pad","version":"1.0.0"}' });
  return dir;
}

const onlyTest = { builtins: [] };

describe('plugin discovery', () => {
  it('loads good packages and records every broken one with its phase, without stopping the others', async () => {
    const dir = pluginZoo();
    const config = resolveConfig({
      env: { CORAL_REGISTER_TIMEOUT_MS: '300' },
      extraPluginDirs: [dir],
      dataDir: tempDir(),
    });
    const ctx = await init(config, onlyTest);

    expect(ctx.state.backendsEnabled.sort()).toEqual(['good', 'scoped']);
    expect(ctx.state.pluginsLoaded.sort()).toEqual(['@acme/coral-scoped', 'coral-good']);
    const adapter = ctx.state.adapters.find((a) => a.name === 'scoped');
    expect(adapter).toMatchObject({
      origin: 'plugin:@acme/coral-scoped',
      status: 'enabled',
      version: '1.2.3',
      displayName: 'SCOPED',
    });

    const f = Object.fromEntries(ctx.state.failures.map((x) => [x.source, x]));
    expect(f['coral-malformed']).toMatchObject({ phase: 'discover' });
    expect(f['coral-malformed'].message).toMatch(/not valid JSON/);
    expect(f['coral-bad-manifest']).toMatchObject({ phase: 'discover' });
    expect(f['coral-bad-manifest'].message).toMatch(
      /"coral" field of package.json is invalid: backends/,
    );
    expect(f['coral-import-error']).toMatchObject({ phase: 'import' });
    expect(f['coral-import-error'].message).toMatch(/missing-file/);
    expect(f['coral-syntax-error']).toMatchObject({ phase: 'import' });
    expect(f['coral-wrong-shape']).toMatchObject({ phase: 'register' });
    expect(f['coral-wrong-shape'].message).toMatch(/no supports\(\) function/);
    expect(f['coral-throws']).toMatchObject({ phase: 'register' });
    expect(f['coral-throws'].message).toMatch(/boom from register/);
    expect(f['coral-throws'].stack).toMatch(/adapter\.js/);
    expect(f['coral-hangs']).toMatchObject({ phase: 'register' });
    expect(f['coral-hangs'].message).toMatch(/did not finish within 300 ms/);
    expect(f['coral-zz-duplicate']).toMatchObject({ phase: 'register' });
    expect(f['coral-zz-duplicate'].message).toMatch(
      /Duplicate adapter name "good": already registered by plugin:coral-good/,
    );
    expect(f['coral-escapes'].message).toMatch(/outside the package/);
    expect(f['coral-too-new']).toMatchObject({ phase: 'discover' });
    expect(f['coral-too-new'].message).toMatch(/requires coral-studio >=99/);
    expect(f['left-pad']).toBeUndefined();
    expect(ctx.state.failures).toHaveLength(10);

    // Every failure is in the log too, as an error.
    const errors = ctx.log.filter((e) => e.level === 'error').map((e) => e.source);
    expect(errors).toEqual(
      expect.arrayContaining(['coral-throws', 'coral-hangs', 'coral-malformed']),
    );
    await reset(ctx);
  });

  it('loads nothing from plugin directories when auto-discovery is off', async () => {
    const dir = pluginZoo();
    const config = resolveConfig({
      env: { CORAL_AUTO_DISCOVER_BACKENDS: '0' },
      extraPluginDirs: [dir],
      dataDir: tempDir(),
    });
    const ctx = await init(config, onlyTest);
    expect(ctx.state.adapters).toEqual([]);
    expect(ctx.state.failures).toEqual([]);
    expect(
      ctx.log.some((e) =>
        e.message.includes('auto-discovery is off (env:CORAL_AUTO_DISCOVER_BACKENDS)'),
      ),
    ).toBe(true);
  });

  it('loads no plugin package when the plugins flag is off, and says so', async () => {
    const dir = pluginZoo();
    const config = resolveConfig({
      env: { CORAL_ENABLE_PLUGINS: 'off' },
      extraPluginDirs: [dir],
      dataDir: tempDir(),
    });
    const ctx = await init(config, onlyTest);
    expect(ctx.state.pluginsLoaded).toEqual([]);
    expect(
      ctx.log.some(
        (e) => e.message === 'Patch plugins disabled via config (env:CORAL_ENABLE_PLUGINS).',
      ),
    ).toBe(true);
  });

  it('accepts the export forms: an array, a factory, register(registry), and CommonJS', async () => {
    const dir = tempDir();
    writePlugin(dir, {
      name: 'coral-array',
      files: {
        'adapter.js': `import a from './a.js'; import b from './b.js'; export default [a, b];`,
        'a.js': adapterSource('arr-a'),
        'b.js': adapterSource('arr-b'),
      },
    });
    writePlugin(dir, {
      name: 'coral-factory',
      files: {
        'adapter.js': `import a from './a.js'; export default async function factory() { return a; }`,
        'a.js': adapterSource('fact'),
      },
    });
    writePlugin(dir, {
      name: 'coral-register',
      files: {
        'adapter.js': `import a from './a.js'; export function register(registry) { registry.register(a); }`,
        'a.js': adapterSource('reg'),
      },
    });
    const cjs = writePlugin(dir, {
      name: 'coral-cjs',
      coral: { backends: ['./index.cjs'] },
      files: {
        'index.cjs': `module.exports = { name: 'cjs', version: '2.0.0', supports: () => true, activate() {} };`,
      },
    });
    expect(fs.existsSync(path.join(cjs, 'index.cjs'))).toBe(true);
    const ctx = await init(
      resolveConfig({ env: {}, extraPluginDirs: [dir], dataDir: tempDir() }),
      onlyTest,
    );
    expect(ctx.state.failures).toEqual([]);
    expect(ctx.state.backendsEnabled.sort()).toEqual(['arr-a', 'arr-b', 'cjs', 'fact', 'reg']);
    expect(ctx.state.adapters.find((a) => a.name === 'cjs')?.displayName).toBe('cjs');
  });

  it('finds packages in a plugin directory that is itself a node_modules folder', async () => {
    const dir = tempDir();
    writePlugin(dir, { name: 'coral-nm', files: { 'adapter.js': adapterSource('nm') } });
    const ctx = await init(
      resolveConfig({
        env: { CORAL_PLUGIN_PATH: path.join(dir, 'node_modules') },
        dataDir: tempDir(),
      }),
      onlyTest,
    );
    expect(ctx.state.backendsEnabled).toEqual(['nm']);
  });
});

describe('explicit backend modules', () => {
  function moduleFile(name: string, source: string): string {
    const file = path.join(tempDir(), `${name}.mjs`);
    fs.writeFileSync(file, source);
    return file;
  }

  it('imports modules from CORAL_BACKENDS even with auto-discovery off, with origin module:<spec>', async () => {
    const a = moduleFile('a', adapterSource('explicit-a'));
    const b = moduleFile('b', adapterSource('explicit-b'));
    const zoo = pluginZoo();
    const config = resolveConfig({
      env: { CORAL_AUTO_DISCOVER_BACKENDS: 'false', CORAL_BACKENDS: `${a},${b}` },
      extraPluginDirs: [zoo],
      dataDir: tempDir(),
    });
    const ctx = await init(config, onlyTest);
    expect(ctx.state.backendsEnabled).toEqual(['explicit-a', 'explicit-b']);
    expect(ctx.state.adapters[0].origin).toBe(`module:${a}`);
    expect(ctx.state.pluginsLoaded).toEqual([]);
    expect(
      ctx.log.some((e) => e.level === 'info' && e.message.startsWith(`Loaded backend module ${a}`)),
    ).toBe(true);
  });

  it('records a module that cannot be imported, logs it, and still loads the rest', async () => {
    const good = moduleFile('good', adapterSource('fine'));
    const config = resolveConfig({
      env: { CORAL_BACKENDS: `/no/such/module.js,no-such-package-xyz,${good}` },
      dataDir: tempDir(),
    });
    const ctx = await init(config, onlyTest);
    expect(ctx.state.backendsEnabled).toEqual(['fine']);
    expect(ctx.state.failures.map((f) => [f.source, f.phase])).toEqual([
      ['/no/such/module.js', 'import'],
      ['no-such-package-xyz', 'import'],
    ]);
    expect(ctx.state.failures[0].message).toMatch(/does not exist/);
    expect(ctx.log.filter((e) => e.level === 'error')).toHaveLength(2);
  });

  it('imports a module by package name', async () => {
    const ctx = await init(
      resolveConfig({ env: { CORAL_BACKENDS: 'fastest-levenshtein' }, dataDir: tempDir() }),
      onlyTest,
    );
    // A real package that is not an adapter: a register-phase failure, not a crash.
    expect(ctx.state.failures[0]).toMatchObject({
      source: 'fastest-levenshtein',
      phase: 'register',
    });
  });
});

describe('activation', () => {
  it('keeps switched-off adapters listed as disabled and records activation failures', async () => {
    const dir = tempDir();
    writePlugin(dir, { name: 'coral-off', files: { 'adapter.js': adapterSource('off') } });
    writePlugin(dir, {
      name: 'coral-fails',
      files: { 'adapter.js': adapterSource('fails', 'throw new Error("no device");') },
    });
    writePlugin(dir, {
      name: 'coral-picky',
      files: {
        'adapter.js': `export default { name: 'picky', version: '1', supports: (p) => p === 'tpu' || 'needs a tpu', activate() {} };`,
      },
    });
    const config = resolveConfig({
      env: { CORAL_DISABLED_BACKENDS: 'off' },
      extraPluginDirs: [dir],
      dataDir: tempDir(),
    });
    const ctx = await init(config, onlyTest);
    const st = Object.fromEntries(ctx.state.adapters.map((a) => [a.name, a]));
    expect(st.off).toMatchObject({
      status: 'disabled',
      reason: 'switched off (env:CORAL_DISABLED_BACKENDS)',
    });
    expect(st.fails).toMatchObject({ status: 'failed' });
    expect(st.fails.reason).toMatch(/no device/);
    expect(st.picky).toMatchObject({ status: 'unsupported', reason: 'needs a tpu' });
    expect(ctx.state.failures).toEqual([
      expect.objectContaining({ source: 'coral-fails', phase: 'activate' }),
    ]);
    expect(ctx.state.backendsEnabled).toEqual([]);
  });

  it('disposes every activated adapter on reset()', async () => {
    const dir = tempDir();
    const marker = path.join(tempDir(), 'disposed');
    writePlugin(dir, {
      name: 'coral-disposable',
      files: {
        'adapter.js': `import fs from 'node:fs';
export default { name: 'disp', version: '1', supports: () => true, activate() {},
  dispose() { fs.writeFileSync(${JSON.stringify(marker)}, 'yes'); } };`,
      },
    });
    const ctx = await init(
      resolveConfig({ env: {}, extraPluginDirs: [dir], dataDir: tempDir() }),
      onlyTest,
    );
    expect(fs.existsSync(marker)).toBe(false);
    await reset(ctx);
    expect(fs.readFileSync(marker, 'utf8')).toBe('yes');
  });
});
