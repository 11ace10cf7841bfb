import type { FlagName } from './types';

export interface FlagInfo {
  name: FlagName;
  description: string;
  default: boolean;
  /** What the flag does in this app (the board-runtime flags are passed on to boards). */
  effect: 'app' | 'board';
}

/** The Coral runtime's flags. Each is also a built-in patch of the same name. */
export const FLAGS: Record<FlagName, FlagInfo> = {
  stream_manager: {
    name: 'stream_manager',
    description: 'Stream live benchmark samples and telemetry to the UI and CLI.',
    default: true,
    effect: 'app',
  },
  camera: {
    name: 'camera',
    description: 'Camera capture on the board runtime.',
    default: true,
    effect: 'board',
  },
  sink: {
    name: 'sink',
    description: 'Result sinks on the board runtime.',
    default: true,
    effect: 'board',
  },
  buffer_sink: {
    name: 'buffer_sink',
    description: 'In-memory buffer sink on the board runtime.',
    default: true,
    effect: 'board',
  },
  metric_sink: {
    name: 'metric_sink',
    description: 'Persist benchmark runs and their metrics to the run history.',
    default: true,
    effect: 'app',
  },
  video_sink: {
    name: 'video_sink',
    description: 'Video output sink on the board runtime.',
    default: true,
    effect: 'board',
  },
  webrtc: {
    name: 'webrtc',
    description: 'WebRTC streaming on the board runtime.',
    default: true,
    effect: 'board',
  },
  plugins: {
    name: 'plugins',
    description: 'Load backend plugin packages from the plugin directories.',
    default: true,
    effect: 'app',
  },
  auto_patch_rknn: {
    name: 'auto_patch_rknn',
    description: 'Activate the RKNN adapter automatically on a Rockchip platform.',
    default: true,
    effect: 'app',
  },
};

export function flagEnvName(name: FlagName): string {
  return `CORAL_ENABLE_${name.toUpperCase()}`;
}

/** Board-runtime flags as CORAL_ENABLE_* environment for commands run on a board. */
export function boardFlagEnv(flags: Record<FlagName, { value: boolean }>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const info of Object.values(FLAGS)) {
    env[flagEnvName(info.name)] = flags[info.name].value ? '1' : '0';
  }
  return env;
}
