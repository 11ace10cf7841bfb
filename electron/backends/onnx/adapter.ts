import { createRequire } from 'node:module';
import type { BackendAdapter } from '../../runtime/types';

// Not named `require`: electron-vite's ESM shim declares that name in the bundle.
const requireCjs = createRequire(import.meta.url);

interface OrtModule {
  listSupportedBackends?: () => Array<{ name: string; bundled: boolean }>;
}

/** ONNX Runtime on this machine's CPU (and whatever providers onnxruntime-node bundles). */
const onnxAdapter: BackendAdapter = {
  name: 'onnx',
  displayName: 'ONNX Runtime',
  version: readOrtVersion() ?? 'not installed',
  modelFormats: ['.onnx'],
  supports: () => true,
  activate() {
    // Loading the native binding here is the real check: a broken install fails activation.
    const ort = requireCjs('onnxruntime-node') as OrtModule;
    const providers = (ort.listSupportedBackends?.() ?? [{ name: 'cpu', bundled: true }])
      .filter((b) => b.bundled)
      .map((b) => b.name);
    return { detail: { onnxruntimeVersion: readOrtVersion(), executionProviders: providers } };
  },
};

function readOrtVersion(): string | undefined {
  try {
    return (requireCjs('onnxruntime-node/package.json') as { version: string }).version;
  } catch {
    return undefined;
  }
}

export default onnxAdapter;
