import type { BackendAdapter } from '../../runtime/types';

/** Rockchip NPUs through librknnrt; boards are reached over ssh/adb regardless of this status. */
const rknnAdapter: BackendAdapter = {
  name: 'rknn',
  displayName: 'Rockchip RKNN',
  version: '0.1.0',
  modelFormats: ['.rknn'],
  supports: (platform) =>
    platform === 'rknn' ||
    `no local Rockchip NPU (platform ${platform}); boards are still reachable over ssh and adb`,
  activate() {
    return { unavailable: 'the native librknnrt addon is not built yet' };
  },
};

export default rknnAdapter;
