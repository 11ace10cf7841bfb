/**
 * Which ABI a `.node` file was built against, read from the symbol names it exports (ELF,
 * Mach-O and PE all keep them as plain strings):
 * - Node-API addons export `napi_register_module_v1` (or call `napi_module_register`): they load
 *   in any Node or Electron with that Node-API version, so they need no rebuild.
 * - V8-ABI addons (nan, raw V8) export `node_register_module_v<NODE_MODULE_VERSION>` or call
 *   `node_module_register`: they load only in the runtime they were compiled for, so electron
 *   must rebuild them against its own headers (@electron/rebuild does, for packages with a
 *   binding.gyp at their root).
 * - Anything else named .node (e.g. better-sqlite3's test_extension.node, a SQLite extension) is
 *   not a Node addon at all.
 */
import { readFileSync } from 'node:fs';

export type AddonAbi = 'node-api' | 'v8-abi' | 'not-an-addon';

export interface AddonInfo {
  abi: AddonAbi;
  /** NODE_MODULE_VERSION from node_register_module_vNNN, when present */
  moduleVersion?: number;
}

export function classifyAddon(bytes: Buffer): AddonInfo {
  const text = bytes.toString('latin1');
  if (text.includes('napi_register_module_v1') || text.includes('napi_module_register'))
    return { abi: 'node-api' };
  const versioned = /node_register_module_v(\d+)/.exec(text);
  if (versioned) return { abi: 'v8-abi', moduleVersion: Number(versioned[1]) };
  if (text.includes('node_module_register')) return { abi: 'v8-abi' };
  return { abi: 'not-an-addon' };
}

export function classifyAddonFile(file: string): AddonInfo {
  return classifyAddon(readFileSync(file));
}
