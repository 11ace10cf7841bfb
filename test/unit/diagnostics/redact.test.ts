import { describe, expect, it } from 'vitest';
import { Redactor } from '../../../electron/diagnostics/redact';
import { secretKindOfName } from '../../../electron/diagnostics/patterns';

const PEM = [
  '-----BEGIN OPENSSH PRIVATE KEY-----',
  'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
  'QyNTUxOQAAACBkZXJpdmVkLWtleS1tYXRlcmlhbC1ub3QtcmVhbAAAAA==',
  '-----END OPENSSH PRIVATE KEY-----',
].join('\n');

function redactText(s: string, options = {}): { out: string; r: Redactor } {
  const r = new Redactor({ homeDir: '/home/alice', ...options });
  r.collect(s);
  return { out: r.text(s), r };
}

describe('secret names', () => {
  it('treats upper-case variable names containing TOKEN, SECRET, PASSWORD, PASSWD, KEY, CREDENTIAL or AUTH as secret', () => {
    for (const name of [
      'CORAL_WEB_TOKEN',
      'CORAL_SECRET',
      'DB_PASSWORD',
      'MY_PASSWD',
      'CORAL_API_KEY',
      'AWS_CREDENTIALS',
      'CORAL_AUTH_HEADER',
      'CORAL_KEYFILE',
    ]) {
      expect(secretKindOfName(name), name).not.toBeNull();
    }
  });

  it('leaves ordinary variable and field names readable', () => {
    for (const name of [
      'CORAL_DATA_DIR',
      'CORAL_ENABLE_WEBRTC',
      'autoDiscoverBackends',
      'author',
      'monkey',
      'key',
    ]) {
      expect(secretKindOfName(name), name).toBeNull();
    }
  });

  it('matches camelCase and snake_case field names by word', () => {
    expect(secretKindOfName('sshPassword')).toBe('password');
    expect(secretKindOfName('passphrase')).toBe('password');
    expect(secretKindOfName('api_key')).toBe('secret');
    expect(secretKindOfName('privateKey')).toBe('private-key');
    expect(secretKindOfName('authToken')).toBe('token');
    expect(secretKindOfName('hostKey')).toBe('secret');
  });
});

describe('Redactor.text', () => {
  it('replaces a PEM private key block whole, keeping the text around it', () => {
    const { out, r } = redactText(`key follows\n${PEM}\nend of file`);
    expect(out).toBe('key follows\n[REDACTED:private-key]\nend of file');
    expect(r.summary().counts['private-key']).toBe(1);
  });

  it('replaces a PEM block cut off before its END line up to the end of the text', () => {
    const { out } = redactText(`x ${PEM.split('\n').slice(0, 2).join('\n')}`);
    expect(out).toBe('x [REDACTED:private-key]');
  });

  it('replaces the password inside URL credentials and keeps user, host and path', () => {
    const { out } = redactText('cloning https://bob:s3cr3t-pw@git.example.com/repo.git failed');
    expect(out).toBe(
      'cloning https://bob:[REDACTED:url-credentials]@git.example.com/repo.git failed',
    );
  });

  it('handles URL passwords that themselves contain @', () => {
    const { out } = redactText('ssh://root:p@ss@word@10.0.0.5:22');
    expect(out).toBe('ssh://root:[REDACTED:url-credentials]@10.0.0.5:22');
    expect(out).not.toContain('ss@word');
  });

  it('replaces credentials in a scheme-less user:password@host target', () => {
    const { out } = redactText('target radxa:Radxa-Pw-77@rock5b.local');
    expect(out).toBe('target radxa:[REDACTED:url-credentials]@rock5b.local');
  });

  it('replaces a token passed as the user part of a web URL', () => {
    const { out } = redactText(
      'fetch https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x',
    );
    expect(out).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
  });

  it('replaces values of name=value and name: value pairs with secret names', () => {
    const { out } = redactText(
      'CORAL_WEB_TOKEN=abc123def password: "hunter22" url=http://127.0.0.1:5000/?token=f00dfeed1234 passphrase=\'x y z w\'',
    );
    expect(out).toBe(
      'CORAL_WEB_TOKEN=[REDACTED:token] password: "[REDACTED:password]" url=http://127.0.0.1:5000/?token=[REDACTED:token] passphrase=\'[REDACTED:password]\'',
    );
  });

  it('replaces bearer tokens in Authorization headers', () => {
    const { out } = redactText('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig-abcdef');
    expect(out).toBe('Authorization: [REDACTED:token]');
  });

  it('replaces well-known token shapes found anywhere', () => {
    const { out } = redactText(
      'npm says npm_abcdefghijklmnopqrstuvwxyz0123456789AB and AKIAABCDEFGHIJKLMNOP',
    );
    expect(out).toBe('npm says [REDACTED:token] and [REDACTED:token]');
  });

  it('keeps booleans and placeholders after secret names as they are', () => {
    const { out } = redactText('passwordAuth=true token=none secret: [REDACTED:secret]');
    expect(out).toBe('passwordAuth=true token=none secret: [REDACTED:secret]');
  });

  it('shows the home directory as ~ without touching longer names that start alike', () => {
    const { out, r } = redactText('/home/alice/models/a.onnx and /home/alicex/b and "/home/alice"');
    expect(out).toBe('~/models/a.onnx and /home/alicex/b and "~"');
    expect(r.summary().counts['home-directory']).toBe(2);
  });

  it('replaces a secret learned from one place wherever else it appears', () => {
    const r = new Redactor({ homeDir: null });
    const tree = { env: { CORAL_WEB_TOKEN: 'TkN-991-zz' }, log: ['client sent TkN-991-zz twice'] };
    r.collect(tree);
    expect(JSON.stringify(r.redact(tree))).not.toContain('TkN-991-zz');
  });

  it('never replaces trivially short values everywhere (a one-character password would wreck the report)', () => {
    const r = new Redactor({ homeDir: null });
    r.addSecret('1', 'password');
    expect(r.text('version 1.2.1')).toBe('version 1.2.1');
  });

  it('counts per kind and never reports values', () => {
    const { r } = redactText('password=abcdef1 token=zzzzzz9 token=yyyyyy8');
    const s = r.summary();
    expect(s.counts.password).toBe(1);
    expect(s.counts.token).toBe(2);
    expect(s.total).toBe(3);
    expect(JSON.stringify(s)).not.toMatch(/abcdef1|zzzzzz9/);
  });

  it('leaves everything as is when redaction is off', () => {
    const r = new Redactor({ redact: false, homeDir: null });
    expect(r.text('password=abcdef1')).toBe('password=abcdef1');
    expect(r.redact({ password: 'abcdef1' })).toEqual({ password: 'abcdef1' });
    expect(r.summary().enabled).toBe(false);
  });
});

describe('Redactor.redact (JSON trees)', () => {
  it('replaces values under secret field names at any depth, keeping booleans', () => {
    const r = new Redactor({ homeDir: null });
    const out = r.redact({
      board: { name: 'rock', ssh: { password: 'pw-123456', passwordAuth: true, port: 22 } },
      credentials: { user: 'x', token: 'y1234567' },
    });
    expect(out).toEqual({
      board: {
        name: 'rock',
        ssh: { password: '[REDACTED:password]', passwordAuth: true, port: 22 },
      },
      credentials: { user: '[REDACTED:secret]', token: '[REDACTED:secret]' },
    });
  });

  it('decides { name, value } pairs by the name', () => {
    const r = new Redactor({ homeDir: null });
    const out = r.redact([
      { name: 'CORAL_API_KEY', value: 'k-0987654321', source: 'env' },
      { name: 'CORAL_DATA_DIR', value: '/tmp/x', source: 'env' },
    ]);
    expect(out).toEqual([
      { name: 'CORAL_API_KEY', value: '[REDACTED:secret]', source: 'env' },
      { name: 'CORAL_DATA_DIR', value: '/tmp/x', source: 'env' },
    ]);
  });

  it('keeps statistics whose names merely contain a secret word', () => {
    const r = new Redactor({ homeDir: null });
    expect(r.redact({ tokensPerSecond: 41.5 })).toEqual({ tokensPerSecond: 41.5 });
  });
});

describe('anonymize', () => {
  it('replaces hosts, IPs, serials and users with stable numbered placeholders', () => {
    const r = new Redactor({ homeDir: null, anonymize: true });
    r.addIdentifier('host', 'rock5b.lab.acme.internal');
    r.addIdentifier('serial', 'R58M123ABC');
    r.addIdentifier('user', 'jdoe');
    const text =
      'ssh jdoe@rock5b.lab.acme.internal (10.20.30.40) failed; adb R58M123ABC ok; 10.20.30.40 again; fe80::1ff:fe23:4567:890a';
    r.collect(text);
    expect(r.text(text)).toBe('ssh user-1@host-1 (ip-1) failed; adb serial-1 ok; ip-1 again; ip-2');
  });

  it('keeps system and vendor default accounts (root, radxa …): they identify nobody', () => {
    const r = new Redactor({ homeDir: null, anonymize: true });
    r.addIdentifier('user', 'root');
    r.addIdentifier('user', 'radxa');
    expect(r.text('the NPU load file needs root; radxa@board')).toBe(
      'the NPU load file needs root; radxa@board',
    );
  });

  it('keeps loopback addresses and does not mistake versions or times for addresses', () => {
    const r = new Redactor({ homeDir: null, anonymize: true });
    const text = 'listening on 127.0.0.1:5173 and ::1; onnxruntime 1.30.0 at 12:34:56';
    r.collect(text);
    expect(r.text(text)).toBe(text);
  });

  it('learns hosts and users from URLs during collect', () => {
    const r = new Redactor({ homeDir: null, anonymize: true });
    const tree = {
      target: 'ssh://mlopez@orangepi5.local:22',
      log: 'mlopez lost connection to orangepi5.local',
    };
    r.collect(tree);
    expect(r.redact(tree)).toEqual({
      target: 'ssh://user-1@host-1:22',
      log: 'user-1 lost connection to host-1',
    });
  });

  it('does nothing to identifiers without --anonymize', () => {
    const r = new Redactor({ homeDir: null });
    r.addIdentifier('host', 'rock5b');
    expect(r.text('rock5b 10.1.2.3')).toBe('rock5b 10.1.2.3');
  });
});

describe('known secrets', () => {
  it('merges overlapping secrets into one placeholder so no byte of either is left', () => {
    const r = new Redactor({ homeDir: null });
    r.addSecret('abcd1', 'password');
    r.addSecret('d1efgh', 'token');
    expect(r.text('x abcd1efgh y')).toBe('x [REDACTED:password] y');
  });

  it('finds each of thousands of secrets sharing a prefix (the index buckets by 4 characters)', () => {
    const r = new Redactor({ homeDir: null });
    for (let i = 0; i < 5000; i++) r.addSecret(`secret-${i}-value`, 'password');
    const out = Array.from({ length: 5000 }, (_, i) =>
      r.text(`entry ${i} used secret-${i}-value here`),
    );
    expect(out.every((x, i) => x === `entry ${i} used [REDACTED:password] here`)).toBe(true);
  });
});
