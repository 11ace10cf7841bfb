import zlib from 'node:zlib';
import { CoralError } from '../runtime/errors';
import type { RoomMigrations } from '../runtime/database';
import type { BenchStats } from './types';

/** How the samples blob is encoded; stored per row so the format can change later. */
export const SAMPLES_CODEC = 'f64le-deflate';

/**
 * The history room's schema. migrations[i] takes it from version i to i + 1; never edit a
 * released step, append a new one.
 */
export const HISTORY_MIGRATIONS: RoomMigrations = {
  room: 'history',
  migrations: [
    (db) => {
      db.exec(`
        CREATE TABLE runs (
          id TEXT PRIMARY KEY,
          label TEXT,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          adapter TEXT NOT NULL,
          target TEXT NOT NULL,
          model_path TEXT NOT NULL,
          model_sha256 TEXT NOT NULL,
          model_size INTEGER NOT NULL,
          model_format TEXT NOT NULL,
          options TEXT NOT NULL,
          status TEXT NOT NULL
            CHECK (status IN ('running', 'finished', 'failed', 'cancelled', 'interrupted')),
          stats TEXT,
          sample_count INTEGER NOT NULL DEFAULT 0,
          samples BLOB,
          samples_codec TEXT,
          error TEXT,
          warnings TEXT NOT NULL DEFAULT '[]',
          extra TEXT NOT NULL DEFAULT '{}',
          owner_pid INTEGER
        );
        CREATE INDEX runs_started_at ON runs (started_at DESC);
      `);
    },
    // v2: "the same model on another target/day" lookups (runs compare, the UI's history filter).
    (db) => {
      db.exec('CREATE INDEX runs_model ON runs (model_sha256, target, started_at DESC);');
    },
  ],
};

export function encodeSamples(samples: Float64Array): Buffer {
  const le = Buffer.alloc(samples.length * 8);
  for (let i = 0; i < samples.length; i++) le.writeDoubleLE(samples[i], i * 8);
  return zlib.deflateRawSync(le);
}

export function decodeSamples(blob: Buffer, codec: string | null | undefined): Float64Array {
  if (codec !== SAMPLES_CODEC) {
    throw new CoralError(
      'HISTORY_BAD_SAMPLES',
      `Stored samples use an unknown encoding (${codec}).`,
      {
        hint: 'The run was saved by a newer Coral Studio; update to read its samples.',
      },
    );
  }
  const raw = zlib.inflateRawSync(blob);
  const out = new Float64Array(raw.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = raw.readDoubleLE(i * 8);
  return out;
}

export function emptyStats(): BenchStats {
  return {
    count: 0,
    sessionCreateMs: null,
    firstInferenceMs: null,
    min: null,
    max: null,
    mean: null,
    stddev: null,
    p50: null,
    p90: null,
    p95: null,
    p99: null,
    p999: null,
    throughput: null,
    wallMs: null,
    peakRssBytes: null,
  };
}
