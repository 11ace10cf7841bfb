// Electron fuses for Coral Studio's packaged builds. Plain ESM JavaScript (typed by fuses.d.mts)
// because electron-builder loads the afterPack hook with Node alone, without a TS loader.
// Imports nothing from Electron: tests check this config and flip a fuse wire without it.
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/**
 * The fuse states every packaged build must have, by @electron/fuses option name.
 * Fuses not listed keep Electron's default.
 * - RunAsNode off: the app binary cannot be turned into a plain Node interpreter through
 *   ELECTRON_RUN_AS_NODE (this also disables child_process.fork in the main process: use
 *   worker_threads or utilityProcess).
 * - NODE_OPTIONS and --inspect* off: no code injection through the environment or the CLI.
 * - OnlyLoadAppFromAsar + EmbeddedAsarIntegrityValidation on: Electron loads only app.asar and
 *   (macOS, Windows) checks it against the hash electron-builder embeds in the binary.
 * - Cookie encryption on: Chromium's cookie store is encrypted with the OS keychain.
 */
export const REQUIRED_FUSES = Object.freeze({
  RunAsNode: false,
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  OnlyLoadAppFromAsar: true,
  EnableEmbeddedAsarIntegrityValidation: true,
  EnableCookieEncryption: true,
});

/** electron-builder's `Arch` enum values (builder-util), by name. */
export const ARCH_NAMES = Object.freeze({
  0: 'ia32',
  1: 'x64',
  2: 'armv7l',
  3: 'arm64',
  4: 'universal',
});

/** The @electron/fuses config for one packaged build. */
export function fuseConfig({ platform, arch }) {
  const config = {
    version: FuseVersion.V1,
    // Flipping fuses breaks the ad-hoc signature of an arm64 macOS binary; re-sign ad hoc so an
    // unsigned dev build still starts (a real signature is applied afterwards when configured).
    resetAdHocDarwinSignature: (platform === 'darwin' || platform === 'mas') && arch === 'arm64',
  };
  for (const [name, enabled] of Object.entries(REQUIRED_FUSES)) {
    const index = FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses has no fuse named ${name}`);
    config[index] = enabled;
  }
  return config;
}

/**
 * The file whose fuse wire is flipped, as electron-builder lays the app out: the .app bundle on
 * macOS (@electron/fuses finds the framework inside), the .exe on Windows, the executable on
 * Linux (named after `executableName`, not the product name).
 */
export function electronBinaryPath({ appOutDir, platform, productFilename, executableName }) {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return `${appOutDir}/${productFilename}.app`;
    case 'win32':
      return `${appOutDir}/${productFilename}.exe`;
    case 'linux':
      return `${appOutDir}/${executableName ?? productFilename}`;
    default:
      throw new Error(`unknown Electron platform "${platform}"`);
  }
}

/**
 * Required fuses that this Electron marks as removed ('r'): flipping such a byte does nothing
 * (Electron ignores it), so the build must stop and the fuse list be revisited.
 */
export function removedRequiredFuses(wire) {
  return Object.keys(REQUIRED_FUSES).filter((name) => wire[FuseV1Options[name]] === 114);
}

const STATE_NAMES = Object.freeze({ 48: 'off', 49: 'on', 114: 'removed' });

/**
 * Compares a fuse wire read back from a binary (@electron/fuses getCurrentFuseWire) with
 * REQUIRED_FUSES; returns one line per fuse that is not in the required state.
 */
export function fuseMismatches(wire) {
  const problems = [];
  for (const [name, enabled] of Object.entries(REQUIRED_FUSES)) {
    const state = wire[FuseV1Options[name]];
    const want = enabled ? 49 : 48;
    if (state !== want) {
      const got =
        state === undefined ? 'absent from the wire' : (STATE_NAMES[state] ?? `byte ${state}`);
      problems.push(`${name}: expected ${enabled ? 'on' : 'off'}, found ${got}`);
    }
  }
  return problems;
}
