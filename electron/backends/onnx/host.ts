/**
 * The ONNX worker process: the only place onnxruntime loads and runs models, so a native crash
 * (or an out-of-memory kill) ends this process, not the app. Started by OnnxWorker (worker.ts);
 * bundled as its own entry (`onnx-host`) in the built app.
 */
import { parentChannel } from '../../runtime/child-process';
import { toCoralError } from '../../runtime/errors';
import { runDriverLoop } from '../../bench/loop';
import { OnnxDriver, createSession, describeMetadata, ortInfo } from './driver';
import type { HostMessage, HostRequest } from './protocol';

const parent = parentChannel();
const send = (msg: HostMessage) => parent?.send(msg);
const runs = new Map<number, AbortController>();

async function handle(req: HostRequest): Promise<void> {
  switch (req.type) {
    case 'info':
      send({ type: 'info', id: req.id, info: ortInfo() });
      return;
    case 'load': {
      const t0 = performance.now();
      const session = await createSession(req.model, req.options);
      const sessionCreateMs = performance.now() - t0;
      const info = {
        sessionCreateMs,
        inputs: describeMetadata(session.inputMetadata),
        outputs: describeMetadata(session.outputMetadata),
      };
      await session.release();
      send({ type: 'loaded', id: req.id, info });
      return;
    }
    case 'bench': {
      const controller = new AbortController();
      runs.set(req.id, controller);
      try {
        const result = await runDriverLoop(new OnnxDriver(req.model, req.options), {
          options: req.options,
          signal: controller.signal,
          sink: {
            samples: (values) =>
              send({
                type: 'samples',
                id: req.id,
                values: values instanceof Float64Array ? values : Float64Array.from(values),
              }),
            phase: (phase) => send({ type: 'phase', id: req.id, phase }),
            warn: (message) => send({ type: 'warn', id: req.id, message }),
          },
        });
        send({ type: 'result', id: req.id, result });
      } finally {
        runs.delete(req.id);
      }
      return;
    }
    case 'cancel':
      runs.get(req.id)?.abort();
      return;
  }
}

if (!parent) {
  console.error('The ONNX worker must be started by Coral Studio (it talks over an IPC channel).');
  process.exit(2);
}
// Ctrl-C in a terminal reaches the whole process group; the app decides how to stop a run
// (it sends `cancel`, so the samples so far come back), not the signal.
process.on('SIGINT', () => {});
// The app went away (closed, crashed, killed): nothing left to report to.
parent.onDisconnect(() => process.exit(0));
parent.onMessage((message) => {
  const req = message as HostRequest;
  handle(req).catch((e: unknown) =>
    send({ type: 'error', id: req.id, error: toCoralError(e, 'ONNX_WORKER_ERROR').toJSON() }),
  );
});
send({ type: 'ready', pid: process.pid });
