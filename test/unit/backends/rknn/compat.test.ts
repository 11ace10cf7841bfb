import { describe, expect, it } from 'vitest';
import {
  checkCompatibility,
  checkRuntime,
  checkTarget,
  describeCoreMask,
  validateCoreMask,
} from '../../../../electron/backends/rknn/compat';

const model = (targetPlatforms: string[], toolkitVersion: string | null = '2.3.0') => ({
  file: '/models/yolov5s.rknn',
  targetPlatforms,
  toolkitVersion,
});
const board = (
  soc: string | null,
  librknnrtVersion: string | null = '2.3.0 (c949ad889d@2024-11-07T11:35:33)',
) => ({
  soc,
  librknnrtVersion,
  name: 'orangepi5',
});

describe('checkTarget', () => {
  it('accepts a model built for the board SoC', () => {
    expect(checkTarget(model(['rk3588']), board('rk3588')).verdict).toBe('ok');
  });

  it('treats rk3588s (and the rk3588f device-tree spelling) as the rk3588 family', () => {
    expect(checkTarget(model(['rk3588']), board('rk3588s')).verdict).toBe('ok');
    expect(checkTarget(model(['rk3588']), board('rockchip,rk3588f')).verdict).toBe('ok');
    expect(checkTarget(model(['rk3588s']), board('rk3588')).verdict).toBe('ok');
  });

  it('lets rk3566 and rk3568 run each other’s models, and rv1103/rv1106 too', () => {
    expect(checkTarget(model(['rk3566']), board('rk3568')).verdict).toBe('ok');
    expect(checkTarget(model(['rk3568']), board('rk3566')).verdict).toBe('ok');
    expect(checkTarget(model(['rv1106']), board('rv1103')).verdict).toBe('ok');
  });

  it('refuses a model built for another NPU, naming both and the fix', () => {
    const f = checkTarget(model(['rk3566']), board('rk3588'));
    expect(f).toMatchObject({ verdict: 'error', code: 'RKNN_TARGET_MISMATCH' });
    expect(f.message).toContain('yolov5s.rknn');
    expect(f.message).toContain('rk3566');
    expect(f.message).toContain('orangepi5');
    expect(f.hint).toContain("target_platform='rk3588'");
    expect(checkTarget(model(['rk3588']), board('rk3576')).verdict).toBe('error');
  });

  it('warns instead of guessing when the SoC or the model target is unknown', () => {
    expect(checkTarget(model(['rk3588']), board(null))).toMatchObject({
      verdict: 'warning',
      code: 'RKNN_BOARD_SOC_UNKNOWN',
    });
    expect(checkTarget(model([]), board('rk3588'))).toMatchObject({
      verdict: 'warning',
      code: 'RKNN_MODEL_TARGET_UNKNOWN',
    });
    expect(checkTarget(model(['rk1808']), board('rk1808'))).toMatchObject({
      verdict: 'warning',
      code: 'RKNN_BOARD_SOC_UNSUPPORTED',
    });
  });
});

describe('checkRuntime', () => {
  it('flags the classic "Invalid RKNN model version": toolkit newer than the board runtime', () => {
    const f = checkRuntime(
      model(['rk3588'], '1.6.0'),
      board('rk3588', '1.5.0 (e6fe0c678@2023-05-25T08:09:20)'),
    );
    expect(f).toMatchObject({ verdict: 'error', code: 'RKNN_RUNTIME_TOO_OLD' });
    expect(f.message).toContain('Invalid RKNN model version');
    expect(f.message).toContain('1.6.0');
    expect(f.message).toContain('1.5.0');
    expect(f.hint).toMatch(/Update librknnrt\.so on the board to 1\.6\.0 or newer/);
    expect(f.hint).toContain('rknn-toolkit2 1.5.0');
  });

  it('names librknnmrt.so for RV1103/RV1106 boards', () => {
    const f = checkRuntime(model(['rv1106'], '2.3.0'), board('rv1106', '1.6.0'));
    expect(f.verdict).toBe('error');
    expect(f.message).toContain('librknnmrt.so 1.6.0');
  });

  it('accepts a runtime equal to or newer than the toolkit', () => {
    expect(checkRuntime(model(['rk3588'], '2.3.0'), board('rk3588', '2.3.0')).verdict).toBe('ok');
    expect(checkRuntime(model(['rk3588'], '1.5.2'), board('rk3588', '2.3.0')).verdict).toBe('ok');
    expect(
      checkRuntime(
        model(['rk3588'], '2.0.0b0'),
        board('rk3588', '2.0.0b0 (35a6907d79@2024-03-24T10:31:14)'),
      ).verdict,
    ).toBe('ok');
  });

  it('orders a beta before its release', () => {
    expect(checkRuntime(model(['rk3588'], '2.0.0'), board('rk3588', '2.0.0b0')).verdict).not.toBe(
      'ok',
    );
    expect(checkRuntime(model(['rk3588'], '2.0.0b0'), board('rk3588', '2.0.0')).verdict).toBe('ok');
  });

  it('warns (not errors) when only the patch level of the toolkit is newer', () => {
    expect(checkRuntime(model(['rk3588'], '1.5.2'), board('rk3588', '1.5.0'))).toMatchObject({
      verdict: 'warning',
      code: 'RKNN_RUNTIME_PATCH_OLDER',
    });
  });

  it('warns when either version is unknown', () => {
    expect(checkRuntime(model(['rk3588'], null), board('rk3588')).verdict).toBe('warning');
    expect(checkRuntime(model(['rk3588']), board('rk3588', null)).verdict).toBe('warning');
  });
});

describe('validateCoreMask', () => {
  it('accepts 0 (auto) everywhere', () => {
    for (const soc of ['rk3588', 'rk3576', 'rk3566', 'rv1106', null])
      expect(validateCoreMask(soc, 0).verdict).toBe('ok');
  });

  it('allows 1/2/4, 3 and 7 on rk3588 (three cores)', () => {
    for (const m of [1, 2, 4, 3, 7]) expect(validateCoreMask('rk3588', m).verdict).toBe('ok');
    expect(validateCoreMask('rk3588s', 7).verdict).toBe('ok');
  });

  it('refuses masks that need a third core on rk3576 (two cores)', () => {
    for (const m of [1, 2, 3]) expect(validateCoreMask('rk3576', m).verdict).toBe('ok');
    for (const m of [4, 7]) {
      const f = validateCoreMask('rk3576', m);
      expect(f).toMatchObject({ verdict: 'error', code: 'RKNN_CORE_MASK_UNSUPPORTED' });
      expect(f.message).toContain('rk3576 has 2');
      expect(f.hint).toBe('On rk3576 use 0, 1, 2, 3.');
    }
  });

  it('refuses multi-core masks on single-core SoCs', () => {
    for (const soc of ['rk3566', 'rk3568', 'rk3562', 'rv1106', 'rv1103']) {
      expect(validateCoreMask(soc, 3).verdict).toBe('error');
      expect(validateCoreMask(soc, 7).verdict).toBe('error');
      expect(validateCoreMask(soc, 2).verdict).toBe('error');
      expect(validateCoreMask(soc, 1).verdict).toBe('ok');
    }
  });

  it('refuses values that are not core masks', () => {
    for (const m of [5, 6, 8, -1, 1.5, Number.NaN]) {
      expect(validateCoreMask('rk3588', m)).toMatchObject({
        verdict: 'error',
        code: 'RKNN_CORE_MASK_INVALID',
      });
    }
  });

  it('warns about a non-zero mask when the SoC is unknown', () => {
    expect(validateCoreMask(null, 7).verdict).toBe('warning');
  });

  it('describes masks in words', () => {
    expect(describeCoreMask(3)).toBe('cores 0+1');
    expect(describeCoreMask(7)).toBe('cores 0+1+2');
  });
});

describe('checkCompatibility', () => {
  it('gives the worst verdict, with its message and hint on top', () => {
    const r = checkCompatibility(model(['rk3566'], '2.3.0'), board('rk3588', '1.4.0'));
    expect(r.verdict).toBe('error');
    expect(r.findings.map((f) => f.verdict)).toEqual(['error', 'error']);
    expect(r.message).toContain('built for rk3566');
    expect(r.hint).toBeTruthy();
  });

  it('says the model runs on the board when all is well', () => {
    const r = checkCompatibility(model(['rk3588'], '2.3.0'), board('rk3588s', '2.3.0'), {
      coreMask: 7,
    });
    expect(r.verdict).toBe('ok');
    expect(r.findings).toHaveLength(3);
    expect(r.message).toBe(
      'Model yolov5s.rknn runs on board orangepi5 (rk3588s, librknnrt.so 2.3.0).',
    );
  });

  it('includes the core-mask finding when a mask is given', () => {
    const r = checkCompatibility(model(['rk3576'], '2.3.0'), board('rk3576', '2.3.0'), {
      coreMask: 7,
    });
    expect(r.verdict).toBe('error');
    expect(r.findings.at(-1)?.code).toBe('RKNN_CORE_MASK_UNSUPPORTED');
  });
});

describe('board naming', () => {
  it('uses a given label as is ("this machine")', () => {
    const f = checkTarget(model(['rk3588']), {
      soc: null,
      librknnrtVersion: null,
      label: 'this machine',
    });
    expect(f.message).toContain('The SoC of this machine is not known');
  });
});
