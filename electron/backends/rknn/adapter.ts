/**
 * The built-in `rknn` backend adapter. On a Rockchip board (platform `rknn`) it activates when
 * the native addon and librknnrt are usable here, and otherwise stays listed with the exact
 * reason (addon not built, build failed, library missing...). Boards are reached over ssh/adb
 * whatever this adapter's local status is.
 */
import { detectPlatform } from '../../runtime/platform';
import type { ActivationContext, ActivationResult, BackendAdapter } from '../../runtime/types';
import { APP_VERSION } from '../../runtime/version';
import { rknnLocalStatus } from './local';
import { socInfo } from './platforms';

/** The environment the adapter looks at: CORAL_* from the runtime config, LD_LIBRARY_PATH from the process. */
function adapterEnv(ctx: ActivationContext): NodeJS.ProcessEnv {
  return {
    ...(process.env.LD_LIBRARY_PATH ? { LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH } : {}),
    ...ctx.config.env,
  };
}

const rknnAdapter: BackendAdapter = {
  name: 'rknn',
  displayName: 'Rockchip RKNN',
  version: APP_VERSION,
  modelFormats: ['.rknn'],
  supports: (platform) =>
    platform === 'rknn' ||
    `no local Rockchip NPU (platform ${platform}); boards are still reachable over ssh and adb`,
  activate(ctx): ActivationResult {
    const status = rknnLocalStatus(adapterEnv(ctx));
    const detail: Record<string, unknown> = {
      addon: status.addon.ok ? status.addon.path : status.addon.state,
      libraryPath: status.library.path ?? null,
      libraryFromEnv: status.library.fromEnv,
    };
    if (!status.available) {
      ctx.log.warn('rknn', `Local NPU path unavailable: ${status.reason}`, { status });
      return { unavailable: status.reason ?? 'the local NPU path is unavailable', detail };
    }
    const soc = detectPlatform().soc ?? null;
    const info = socInfo(soc);
    ctx.log.info(
      'rknn',
      `librknnrt ${status.library.version ?? '(version unknown)'} at ${status.library.path}`,
    );
    return {
      detail: {
        ...detail,
        librknnrtVersion: status.library.version ?? null,
        soc,
        npuCores: info?.npuCores ?? null,
      },
    };
  },
};

export default rknnAdapter;
