// electron-builder afterPack hook (electron-builder.yml: afterPack). Runs after the app is laid
// out and before it is signed and put into an installer: flips Coral Studio's Electron fuses
// and reads them back, so a build whose fuses did not take fails here instead of shipping.
import { flipFuses, getCurrentFuseWire } from '@electron/fuses';
import {
  ARCH_NAMES,
  electronBinaryPath,
  fuseConfig,
  fuseMismatches,
  removedRequiredFuses,
} from './fuses.mjs';

export default async function afterPack(context) {
  const platform = context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  const binary = electronBinaryPath({
    appOutDir: context.appOutDir,
    platform,
    productFilename: context.packager.appInfo.productFilename,
    executableName: context.packager.executableName,
  });
  const removed = removedRequiredFuses(await getCurrentFuseWire(binary));
  if (removed.length > 0) {
    throw new Error(
      `${binary}: this Electron has removed the fuses ${removed.join(', ')}; update scripts/packaging/fuses.mjs`,
    );
  }
  await flipFuses(binary, fuseConfig({ platform, arch }));
  const problems = fuseMismatches(await getCurrentFuseWire(binary));
  if (problems.length > 0) {
    throw new Error(`Electron fuses of ${binary} are not as required:\n  ${problems.join('\n  ')}`);
  }
  console.log(`  • electron fuses set  binary=${binary} platform=${platform} arch=${arch}`);
}
