import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listSshAliases, resolveSshHost } from '../../../../electron/boards/ssh/config';
import { tempDir } from '../../../helpers/boards';

let home: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  home = tempDir('coral-sshcfg-');
  fs.mkdirSync(path.join(home, '.ssh', 'conf.d'), { recursive: true });
  env = { HOME: home, USER: 'me' };
  fs.writeFileSync(
    path.join(home, '.ssh', 'config'),
    [
      'Include conf.d/*.conf',
      'Host rock5b rock',
      '  HostName 192.168.1.50',
      '  User rock',
      '  Port 2222',
      '  IdentityFile ~/.ssh/id_rock',
      '  IdentityFile %d/.ssh/keys/%h_%r',
      'Host jumped',
      '  HostName 10.1.1.1',
      '  ProxyJump bastion',
      'Host *.lan',
      '  User lanuser',
      'Host *',
      '  IdentitiesOnly no',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(home, '.ssh', 'conf.d', 'boards.conf'),
    'Host zero3\n  HostName 192.168.1.60\n  User radxa\n  IdentitiesOnly yes\n  IdentityFile ~/.ssh/id_zero\n',
  );
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('~/.ssh/config', () => {
  it('resolves an alias to HostName, User, Port and IdentityFile with ~ and % tokens expanded', () => {
    const r = resolveSshHost('rock', { env });
    expect(r).toMatchObject({
      hostName: '192.168.1.50',
      user: 'rock',
      port: 2222,
      fromConfig: true,
    });
    expect(r.identityFiles).toEqual([
      path.join(home, '.ssh/id_rock'),
      path.join(home, '.ssh/keys/192.168.1.50_rock'),
    ]);
  });

  it('reads hosts from Include files', () => {
    expect(resolveSshHost('zero3', { env })).toMatchObject({
      hostName: '192.168.1.60',
      user: 'radxa',
      identitiesOnly: true,
    });
  });

  it('lets the target override the user and port', () => {
    expect(resolveSshHost('rock', { env, user: 'root', port: 22 })).toMatchObject({
      user: 'root',
      port: 22,
    });
  });

  it('falls back to the name, port 22 and the local user for hosts not in the config', () => {
    expect(resolveSshHost('10.0.0.9', { env })).toMatchObject({
      hostName: '10.0.0.9',
      port: 22,
      user: 'me',
      fromConfig: false,
    });
    expect(resolveSshHost('board.lan', { env })).toMatchObject({ user: 'lanuser' });
  });

  it('says when an option it cannot honour (ProxyJump) is set', () => {
    expect(resolveSshHost('jumped', { env }).unsupported).toEqual(['ProxyJump']);
  });

  it('lists aliases without wildcards for the add-a-board form', () => {
    expect(listSshAliases({ env }).map((a) => a.alias)).toEqual([
      'zero3',
      'rock5b',
      'rock',
      'jumped',
    ]);
    expect(listSshAliases({ env })[1]).toEqual({
      alias: 'rock5b',
      hostName: '192.168.1.50',
      user: 'rock',
      port: 2222,
    });
  });

  it('works without any config file', () => {
    expect(listSshAliases({ env: { HOME: path.join(home, 'nowhere') } })).toEqual([]);
  });
});
