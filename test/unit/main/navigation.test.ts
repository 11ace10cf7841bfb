import { describe, expect, it } from 'vitest';
import { isAppUrl, isSafeExternalUrl } from '../../../electron/main/navigation';

describe('where the window may go', () => {
  const packaged = 'file:///opt/coral/resources/app.asar/out/renderer/index.html';

  it('stays on the app page (any hash or query) and nowhere else', () => {
    expect(isAppUrl(`${packaged}#/bench`, packaged)).toBe(true);
    expect(isAppUrl('file:///etc/passwd', packaged)).toBe(false);
    expect(isAppUrl('https://example.com/', packaged)).toBe(false);
    expect(isAppUrl('http://localhost:5173/#/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
    expect(isAppUrl('not a url', packaged)).toBe(false);
  });

  it('hands only plain https links to the OS browser', () => {
    expect(isSafeExternalUrl('https://github.com/rockchip-linux/rknn-toolkit2')).toBe(true);
    for (const u of [
      'http://example.com',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'https://user:pw@example.com',
      'ms-settings:',
      'https://',
      `https://e.com/${'x'.repeat(3000)}`,
    ]) {
      expect(isSafeExternalUrl(u), u).toBe(false);
    }
  });
});
