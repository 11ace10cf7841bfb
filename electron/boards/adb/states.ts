/** What each adb device state means for the user, and what to do about it. */
export type AdbDeviceState =
  | 'device'
  | 'unauthorized'
  | 'offline'
  | 'no-permissions'
  | 'recovery'
  | 'bootloader'
  | 'sideload'
  | 'authorizing'
  | 'connecting'
  | 'unknown';

export interface AdbDeviceInfo {
  serial: string;
  state: AdbDeviceState;
  /** True when commands can run. */
  ready: boolean;
  /** What the state means, for the user. */
  message: string;
  hint?: string;
  /** `adb+tcp://host:port` devices were connected over the network. */
  network: boolean;
}

export function explainAdbState(serial: string, raw: string): AdbDeviceInfo {
  const network = /^[\w.-]+:\d+$/.test(serial);
  const base = { serial, network };
  switch (raw) {
    case 'device':
    case 'emulator':
      return {
        ...base,
        state: 'device',
        ready: true,
        message: `${serial} is connected and ready.`,
      };
    case 'unauthorized':
      return {
        ...base,
        state: 'unauthorized',
        ready: false,
        message: `${serial} has not authorized this computer for debugging.`,
        hint: "Accept the 'Allow USB debugging?' prompt on the board. Without a screen, copy ~/.android/adbkey.pub into the board's /data/misc/adb/adb_keys (Android) or /etc/adb_keys and restart adbd.",
      };
    case 'offline':
      return {
        ...base,
        state: 'offline',
        ready: false,
        message: `${serial} is attached but its adbd does not answer (offline).`,
        hint: network
          ? 'Check that the board is up and adbd listens on that port; `adb disconnect` then connect again.'
          : 'Replug the cable, or restart adbd on the board; `adb reconnect offline` can help.',
      };
    case 'authorizing':
    case 'connecting':
      return {
        ...base,
        state: raw,
        ready: false,
        message: `${serial} is ${raw}; it should be ready in a moment.`,
      };
    case 'recovery':
    case 'bootloader':
    case 'sideload':
      return {
        ...base,
        state: raw,
        ready: false,
        message: `${serial} is in ${raw} mode, not running its normal system.`,
        hint: 'Reboot the board into its normal system to use it.',
      };
    default:
      if (/permission/i.test(raw) || raw === 'no') {
        return {
          ...base,
          state: 'no-permissions',
          ready: false,
          message: `This user may not open the USB device ${serial}.`,
          hint: 'Add a udev rule for the board (Rockchip vendor id 2207) with MODE="0666", reload udev rules and replug.',
        };
      }
      return {
        ...base,
        state: 'unknown',
        ready: false,
        message: `${serial} is in the state "${raw}", which Coral does not know.`,
      };
  }
}
