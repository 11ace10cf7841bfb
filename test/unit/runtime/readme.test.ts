import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../../../electron/runtime/env';
import { REPO_ROOT } from '../../helpers/cli';

describe('README', () => {
  const readme = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');

  it('documents every CORAL_* variable the app reads in its variable table', () => {
    const missing = ENV_VARIABLES.filter((v) => !readme.includes(`| \`${v.name}\` |`)).map(
      (v) => v.name,
    );
    expect(missing).toEqual([]);
  });

  it('keeps the quick start to npm install, npm start and npm test', () => {
    expect(readme).toMatch(/npm install\nnpm start.*\nnpm test/);
  });
});
