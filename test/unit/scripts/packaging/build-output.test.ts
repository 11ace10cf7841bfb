import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findWebPreferences,
  moduleReferences,
  packageNameOf,
  parseBundle,
  runAsNodeUses,
  siblingEntryReferences,
  webPreferencesProblems,
} from '../../../../scripts/packaging/bundle-analysis';
import {
  cspProblems,
  findCspMeta,
  inlineScripts,
  pageCspProblems,
} from '../../../../scripts/packaging/csp';
import { goodHtml, GOOD_MAIN, REPO } from '../../../helpers/packaging';

const STRICT =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; object-src 'none'";

describe('renderer CSP', () => {
  it('accepts a strict policy', () => {
    expect(cspProblems(STRICT)).toEqual([]);
    expect(cspProblems("default-src 'self'")).toEqual([]);
  });

  it.each([
    ["script-src 'self'", /no default-src/],
    ['default-src *', /default-src allows '\*'/],
    ["default-src 'self'; script-src 'self' 'unsafe-inline'", /script-src allows 'unsafe-inline'/],
    ["default-src 'self' 'unsafe-eval'", /script-src allows 'unsafe-eval'/],
    ["default-src 'self'; script-src 'self' https:", /script-src allows https:/],
    [
      "default-src 'self'; script-src 'self' https://cdn.example.com",
      /remote scripts from https:\/\/cdn.example.com/,
    ],
    ["default-src 'self'; script-src-elem 'self' data:", /script-src-elem allows data:/],
    ["default-src 'self'; object-src *", /object-src allows \*/],
    ["default-src 'self'; connect-src *", /connect-src allows '\*'/],
  ])('flags %s', (policy, message) => {
    expect(cspProblems(policy).join('\n')).toMatch(message);
  });

  it('uses the first of two directives with the same name, as browsers do', () => {
    expect(
      cspProblems("default-src 'self'; script-src 'self'; script-src 'unsafe-inline'"),
    ).toEqual([]);
  });

  it('reads the policy from the meta tag, entities decoded, and ignores commented-out tags', () => {
    const html = `<!-- <meta http-equiv="Content-Security-Policy" content="default-src *"> -->
      <meta content="default-src &#39;self&#39;" http-equiv="content-security-policy">`;
    expect(findCspMeta(html)).toEqual(["default-src 'self'"]);
  });

  it('reports a page without a CSP meta tag and inline scripts the policy would block', () => {
    expect(pageCspProblems('<html><head></head></html>')).toEqual([
      'out/renderer/index.html has no <meta http-equiv="Content-Security-Policy"> tag',
    ]);
    const inline = goodHtml(STRICT).replace('</body>', '<script>window.x = 1</script></body>');
    expect(pageCspProblems(inline)).toEqual([
      'out/renderer/index.html has 1 inline <script> element(s): the CSP blocks them',
    ]);
    expect(
      inlineScripts(
        '<script type="application/json">{"a":1}</script><script src="./a.js"></script>',
      ),
    ).toBe(0);
  });

  it.runIf(existsSync(path.join(REPO, 'renderer', 'index.html')))(
    'accepts the CSP of renderer/index.html',
    () => {
      const html = readFileSync(path.join(REPO, 'renderer', 'index.html'), 'utf8');
      expect(findCspMeta(html)).toHaveLength(1);
      expect(cspProblems(findCspMeta(html)[0])).toEqual([]);
    },
  );
});

const prefsOf = (code: string) => findWebPreferences(parseBundle('out/main/index.js', code));
const problemsOf = (code: string) => prefsOf(code).flatMap(webPreferencesProblems);

describe('window security options in the main bundle', () => {
  it('accepts the options set through a shared object and a spread', () => {
    expect(prefsOf(GOOD_MAIN)).toHaveLength(1);
    expect(problemsOf(GOOD_MAIN)).toEqual([]);
  });

  it('understands minified booleans', () => {
    const code =
      'new e.BrowserWindow({webPreferences:{contextIsolation:!0,sandbox:!0,nodeIntegration:!1,webSecurity:!0}})';
    expect(problemsOf(code)).toEqual([]);
  });

  it.each([
    [
      'sandbox off',
      '{ contextIsolation: true, sandbox: false, nodeIntegration: false, webSecurity: true }',
      /sets sandbox: false \(must be true\)/,
    ],
    [
      'nodeIntegration on',
      '{ contextIsolation: true, sandbox: true, nodeIntegration: !0, webSecurity: true }',
      /sets nodeIntegration: true/,
    ],
    [
      'webSecurity left to the default',
      '{ contextIsolation: true, sandbox: true, nodeIntegration: false }',
      /does not set webSecurity: true/,
    ],
    [
      'a computed value',
      '{ contextIsolation: isProd, sandbox: true, nodeIntegration: false, webSecurity: true }',
      /contextIsolation to a computed value/,
    ],
    [
      'the webview tag',
      '{ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: true }',
      /enables webviewTag/,
    ],
  ])('reports %s', (_name, prefs, message) => {
    expect(problemsOf(`new BrowserWindow({ webPreferences: ${prefs} });`).join('\n')).toMatch(
      message,
    );
  });

  it('checks every window, naming the line of the insecure one', () => {
    const code = `const ok = new BrowserWindow({ webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true } });
const about = new BrowserWindow({ webPreferences: { sandbox: false } });`;
    const problems = problemsOf(code);
    expect(problems.length).toBeGreaterThanOrEqual(4);
    expect(problems.every((p) => p.startsWith('out/main/index.js:2 '))).toBe(true);
  });
});

describe('modules the bundles load', () => {
  it('finds imports, re-exports, require and dynamic import with literal specifiers', () => {
    const code = `import a from 'better-sqlite3'; export { b } from './chunk.js';
const c = require("ssh2"); const d = await import('node:fs'); const e = require(name);`;
    expect(
      moduleReferences(parseBundle('x.js', code)).map((r) => `${r.kind}:${r.specifier}`),
    ).toEqual([
      'import:better-sqlite3',
      're-export:./chunk.js',
      'require:ssh2',
      'dynamic-import:node:fs',
    ]);
  });

  it.each([
    ['@devicefarmer/adbkit/dist/x.js', '@devicefarmer/adbkit'],
    ['zod/v4', 'zod'],
    ['node:path', null],
    ['fs/promises', null],
    ['./chunks/a.js', null],
  ])('names the package of %s', (spec, name) => {
    expect(packageNameOf(spec)).toBe(name);
  });
});

describe('code that needs the RunAsNode fuse', () => {
  const uses = (code: string) => runAsNodeUses(parseBundle('out/main/chunk.js', code));

  it.each([
    ['a named fork import', "import { fork } from 'node:child_process'; fork('w.js');"],
    ['fork through a namespace import', "import * as cp from 'child_process'; cp.fork('w.js');"],
    ['fork through require', "const cp = require('child_process'); cp.fork('w.js');"],
    [
      'ELECTRON_RUN_AS_NODE in an env',
      "spawn(process.execPath, [], { env: { ELECTRON_RUN_AS_NODE: '1' } });",
    ],
  ])('flags %s', (_name, code) => {
    expect(uses(code)).not.toEqual([]);
  });

  it('leaves spawn, worker threads and utilityProcess alone', () => {
    const code = `import { spawn } from 'node:child_process'; import { Worker } from 'node:worker_threads';
import { utilityProcess } from 'electron'; spawn('adb', ['devices']); new Worker('./w.js'); utilityProcess.fork('h.js');`;
    expect(uses(code)).toEqual([]);
  });
});

describe('entries a bundle starts from beside itself', () => {
  it('finds worker and child-process entry names joined to a directory, not createRequire tricks', () => {
    const code = `const candidates = [path.join(dir, "onnx-host.js"), path.join(dir, "..", "onnx-host.js")];
new Worker(path.resolve(__dirname, 'bench-worker.mjs'));
const req = createRequire(path.join(baseDir, "noop.js"));
path.join(dir, 'data.json');`;
    expect(siblingEntryReferences(parseBundle('out/main/chunks/a.js', code))).toEqual([
      { name: 'onnx-host.js', line: 1 },
      { name: 'onnx-host.js', line: 1 },
      { name: 'bench-worker.mjs', line: 2 },
    ]);
  });
});
