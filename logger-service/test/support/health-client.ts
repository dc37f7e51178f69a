import * as grpc from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

type CheckMethod = (
  request: { service: string },
  options: grpc.CallOptions,
  callback: (err: grpc.ServiceError | null, response?: { status: string }) => void,
) => void;

/** Calls `grpc.health.v1.Health/Check` the way a probe (grpc_health_probe, Kubernetes) does. */
export async function checkHealth(address: string, service = ''): Promise<string> {
  const Client = grpc.makeClientConstructor(
    healthService as unknown as grpc.ServiceDefinition,
    'grpc.health.v1.Health',
  );
  const client = new Client(address, grpc.credentials.createInsecure()) as unknown as grpc.Client & {
    Check: CheckMethod;
  };
  try {
    return await new Promise((resolve, reject) => {
      client.Check({ service }, { deadline: Date.now() + 5000 }, (err, response) =>
        err ? reject(err) : resolve(response?.status ?? ''),
      );
    });
  } finally {
    client.close();
  }
}
