import { readFile } from 'node:fs/promises';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from '../config';

type TemporalConfig = Pick<
  Config,
  | 'TEMPORAL_ADDRESS'
  | 'TEMPORAL_NAMESPACE'
  | 'TEMPORAL_API_KEY'
  | 'TEMPORAL_TLS'
  | 'TEMPORAL_TLS_CERT_PATH'
  | 'TEMPORAL_TLS_KEY_PATH'
>;

/**
 * Connection options shared by the client (API) and the worker: plain for the
 * local dev server, TLS with an API key or client certificate for Temporal
 * Cloud or a secured cluster.
 */
export async function temporalConnectionOptions(
  config: TemporalConfig,
): Promise<ConnectionOptions & NativeConnectionOptions> {
  if (!config.TEMPORAL_ADDRESS) {
    throw new Error('TEMPORAL_ADDRESS is not set: start the local stack or point it at a Temporal server');
  }
  const hasCert = Boolean(config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH);
  const useTls = config.TEMPORAL_TLS ?? (Boolean(config.TEMPORAL_API_KEY) || hasCert);
  const clientCertPair =
    config.TEMPORAL_TLS_CERT_PATH && config.TEMPORAL_TLS_KEY_PATH
      ? {
          crt: await readFile(config.TEMPORAL_TLS_CERT_PATH),
          key: await readFile(config.TEMPORAL_TLS_KEY_PATH),
        }
      : undefined;
  return {
    address: config.TEMPORAL_ADDRESS,
    tls: useTls ? { clientCertPair } : false,
    apiKey: config.TEMPORAL_API_KEY,
    metadata: config.TEMPORAL_API_KEY ? { 'temporal-namespace': config.TEMPORAL_NAMESPACE } : undefined,
  };
}

/** The one Temporal client of a process. */
export async function createTemporalClient(config: TemporalConfig): Promise<Client> {
  const connection = await Connection.connect(await temporalConnectionOptions(config));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}
