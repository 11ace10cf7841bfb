/**
 * A virtual board that accepts only a password (taken from SIM_PASSWORD, kept in memory):
 * `coral board-sim --password` asks on a terminal, which a test does not have. Prints its ssh
 * target and host-key fingerprint as one JSON line; stops on SIGTERM.
 */
import { VirtualBoard } from '../../electron/boards/sim';

const vb = await VirtualBoard.start({
  profile: process.env.SIM_PROFILE ?? 'rv1106-luckfox-pico',
  password: process.env.SIM_PASSWORD ?? '',
  authorizedKeys: [],
  sshPort: 0,
  adbPort: null,
});
console.log(JSON.stringify({ ssh: vb.targets().ssh, fingerprint: vb.hostKeyFingerprint }));
process.once('SIGTERM', () => {
  void vb.stop().then(() => process.exit(0));
});
