import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(prefix = 'coral-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface PluginSpec {
  /** Package name, scoped names allowed. */
  name: string;
  version?: string;
  /** The `coral` field; defaults to one backend entry ./adapter.js. */
  coral?: unknown;
  engines?: Record<string, string>;
  /** Files to write inside the package (path → content). */
  files?: Record<string, string>;
  /** Raw package.json text, for malformed manifests. */
  rawPackageJson?: string;
}

/** Writes a real npm-style package into DIR/node_modules/<name>. Returns its folder. */
export function writePlugin(pluginDir: string, spec: PluginSpec): string {
  const dir = path.join(pluginDir, 'node_modules', ...spec.name.split('/'));
  fs.mkdirSync(dir, { recursive: true });
  const manifest =
    spec.rawPackageJson ??
    JSON.stringify(
      {
        name: spec.name,
        version: spec.version ?? '1.0.0',
        type: 'module',
        main: 'adapter.js',
        coral: spec.coral ?? { backends: ['./adapter.js'] },
        ...(spec.engines ? { engines: spec.engines } : {}),
      },
      null,
      2,
    );
  fs.writeFileSync(path.join(dir, 'package.json'), manifest);
  for (const [file, content] of Object.entries(spec.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** Source of an ES module default-exporting a minimal, valid BackendAdapter. */
export function adapterSource(name: string, extra = ''): string {
  return `export default {
  name: ${JSON.stringify(name)},
  displayName: ${JSON.stringify(name.toUpperCase())},
  version: '1.2.3',
  modelFormats: ['.${name}'],
  supports() { return true; },
  activate() { ${extra} },
};
`;
}
