import type { FuseConfig } from '@electron/fuses';

export type RequiredFuseName =
  | 'RunAsNode'
  | 'EnableNodeOptionsEnvironmentVariable'
  | 'EnableNodeCliInspectArguments'
  | 'OnlyLoadAppFromAsar'
  | 'EnableEmbeddedAsarIntegrityValidation'
  | 'EnableCookieEncryption';

export declare const REQUIRED_FUSES: Readonly<Record<RequiredFuseName, boolean>>;
export declare const ARCH_NAMES: Readonly<Record<number, string>>;
export type ElectronPlatform = 'darwin' | 'mas' | 'win32' | 'linux';
export declare function fuseConfig(target: {
  platform: ElectronPlatform;
  arch: string;
}): FuseConfig;
export declare function electronBinaryPath(target: {
  appOutDir: string;
  platform: ElectronPlatform;
  productFilename: string;
  executableName?: string;
}): string;
export declare function fuseMismatches(wire: Readonly<Record<number, number | string>>): string[];
export declare function removedRequiredFuses(
  wire: Readonly<Record<number, number | string>>,
): RequiredFuseName[];
