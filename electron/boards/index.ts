/**
 * The boards room: transports (ssh, adb), probe, telemetry, saved boards, virtual boards.
 * The IPC layer and the CLI use BoardsService; the RKNN adapter uses a Transport.
 */
export * from './types';
export { parseTarget, formatTarget, type BoardTarget } from './target';
export { createTransport, appKnownHostsFile, type TransportContext } from './connect';
export { probe, type ProbeReport, type ProbeResult, BoardOutputError } from './probe';
export { TelemetryWatcher, parseTelemetry, type TelemetrySample } from './telemetry';
export { BoardStore, boardsRoom, type SavedBoard, type BoardOptions } from './store';
export { BoardsService, type BoardView, type BoardsEvents, type VirtualBoardInfo } from './service';
export { isCancelled } from './transport-base';
export { VirtualBoard, listShippedProfiles } from './sim';
export { AdbServer, explainAdbState, type AdbDeviceInfo, type AdbServerStatus } from './adb/server';
export { listSshAliases } from './ssh/config';
