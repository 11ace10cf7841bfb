import type { Command } from 'commander';
import type { CliContext } from '../context';
import * as runtime from './runtime';
import * as diag from './diag';
import * as bench from './bench';
import * as rknn from './rknn';
import * as serve from './serve';
import * as boards from './boards';

export interface CommandModule {
  register(program: Command, ctx: CliContext): void;
}

/**
 * Every command group of `coral`. A room that adds commands adds one module here.
 * Order is the order of `coral --help`.
 */
export const commandModules: CommandModule[] = [runtime, bench, rknn, boards, diag, serve];
