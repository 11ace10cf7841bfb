import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCoral } from '../../helpers/cli';
import { adapterSource, tempDir, writePlugin } from '../../helpers/plugins';

describe('coral (spawned as a real process)', () => {
  it('init --json prints exactly one JSON object with the context', async () => {
    const plugins = tempDir();
    writePlugin(plugins, { name: 'coral-good', files: { 'adapter.js': adapterSource('good') } });
    writePlugin(plugins, {
      name: 'coral-broken',
      files: { 'adapter.js': 'throw new Error("broken on purpose");' },
    });
    const r = await runCoral(
      ['init', '--json', '--plugin-dir', plugins, '--set', 'flags.camera=off'],
      {
        env: { CORAL_DATA_DIR: tempDir(), CORAL_ENABLE_WEBRTC: 'maybe' },
      },
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.platform.value).toBe('onnx');
    expect(out.platform.source).toMatch(/^detected:/);
    expect(out.backendsEnabled).toEqual(expect.arrayContaining(['onnx', 'good']));
    expect(out.adapters).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'good', origin: 'plugin:coral-good', status: 'enabled' }),
      ]),
    );
    expect(out.failures).toEqual([
      expect.objectContaining({ source: 'coral-broken', phase: 'import' }),
    ]);
    expect(out.failures[0].message).toMatch(/broken on purpose/);
    expect(out.config['flags.camera']).toEqual({ value: false, source: 'override' });
    expect(out.config['flags.webrtc']).toEqual({ value: true, source: 'default' });
    expect(out.diagnostics).toEqual([
      expect.objectContaining({ variable: 'CORAL_ENABLE_WEBRTC', level: 'error' }),
    ]);
    expect(out.log.length).toBeGreaterThan(3);
    expect(Object.keys(out.log[0]).sort()).toEqual(['level', 'message', 'source', 'time']);
  });

  it('init prints a readable table and the load failures', async () => {
    const r = await runCoral(['init'], {
      env: { CORAL_DATA_DIR: tempDir(), CORAL_BACKENDS: '/missing/module.js' },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/adapter\s+version\s+origin\s+status/);
    expect(r.stdout).toMatch(/Load failures \(1\)/);
    expect(r.stdout).toContain('/missing/module.js');
  });

  it('config show --json gives every field with its source', async () => {
    const file = path.join(tempDir(), 'coral.config.yaml');
    fs.writeFileSync(file, 'flags:\n  sink: false\n');
    const r = await runCoral(['config', 'show', '--json', '--config', file], {
      env: { CORAL_DATA_DIR: tempDir() },
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.config['flags.sink']).toEqual({ value: false, source: `file:${file}` });
    expect(out.configFile).toBe(file);
  });

  it('config validate exits 0 for a valid file and 1 with one line per problem for an invalid one', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'ok.json'), '{"platform": "onnx"}');
    fs.writeFileSync(path.join(dir, 'bad.json'), '{"platform": 3, "flags": {"webrtc": "yes"}}');
    const ok = await runCoral(['config', 'validate', path.join(dir, 'ok.json')]);
    expect(ok.code).toBe(0);
    const bad = await runCoral(['config', 'validate', path.join(dir, 'bad.json')]);
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/bad\.json: platform: /);
    expect(lines[1]).toMatch(/bad\.json: flags\.webrtc: /);
  });

  it('exits 2 on a usage error and 1 on invalid input, with a message and a hint', async () => {
    const usage = await runCoral(['init', '--no-such-option']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/unknown option/);
    const badSet = await runCoral(['config', 'show', '--set', 'flags.webrct=1']);
    expect(badSet.code).toBe(2);
    expect(badSet.stderr).toMatch(/hint: Did you mean flags.webrtc\?/);
    const badFile = await runCoral(['init', '--config', '/no/such/coral.config.json']);
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toMatch(
      /error: The config file \/no\/such\/coral.config.json cannot be read/,
    );
  });

  it('plugins list --json shows packages, entries and load status', async () => {
    const plugins = tempDir();
    writePlugin(plugins, {
      name: 'coral-good',
      version: '2.1.0',
      files: { 'adapter.js': adapterSource('good') },
    });
    writePlugin(plugins, { name: 'coral-bad', coral: { backends: [] } });
    const r = await runCoral(['plugins', 'list', '--json', '--plugin-dir', plugins], {
      env: { CORAL_DATA_DIR: tempDir() },
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.pluginDirs).toContain(plugins);
    const byName = Object.fromEntries(out.plugins.map((p: { package: string }) => [p.package, p]));
    expect(byName['coral-good']).toMatchObject({ version: '2.1.0', status: 'loaded' });
    expect(byName['coral-bad']).toMatchObject({ status: 'failed' });
    expect(byName['coral-bad'].reason).toMatch(/lists no "backends"/);
  });
});
