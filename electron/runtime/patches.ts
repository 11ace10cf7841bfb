import { FLAGS } from './flags';
import type { ActivationContext, Patch } from './types';

/**
 * Each flag is a built-in patch. Their effects live where the feature is (plugin loading in
 * init, streaming in the bench room, persistence in the history); applying one records it.
 */
export const builtinPatches: Patch[] = Object.values(FLAGS).map((flag): Patch => ({
  name: flag.name,
  description: flag.description,
  apply(_ctx: ActivationContext) {
    // The flag's value is read where its feature lives; nothing global to change here.
  },
  revert() {},
}));
