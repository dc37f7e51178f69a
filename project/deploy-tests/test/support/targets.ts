import { randomBytes } from 'node:crypto';
import { envOf, readDockerfile } from './dockerfile.js';
import { composeEnvironment, requiredFromShell } from './env.js';
import { k8sObjects, readText, readYaml } from './files.js';
import { compositionOnly, containerEnvironment, find, mainContainer } from './k8s.js';

export interface DeployedService {
  /**
   * The full environment the process sees, with committed defaults (no deploying-shell overrides).
   * What a deployment demands from its operator (${VAR:?...}, a Secret made by a documented step) is
   * filled with a fresh random value, as an operator would: never a value written in the repository.
   */
  environment: Record<string, string>;
  /** The variables this deployment sets on purpose for the service (typos show up here). */
  explicit: string[];
}

export type Target = 'compose' | 'swarm' | 'k8s';

export const targets: Target[] = ['compose', 'swarm', 'k8s'];

const imageEnv = (name: string) => envOf(readDockerfile(name).at(-1)!);

export const operatorValue = () => randomBytes(32).toString('hex');

export function deployed(target: Target, name: string): DeployedService {
  if (target === 'k8s') {
    const objects = k8sObjects();
    const deployment = find(objects, 'Deployment', name);
    if (!deployment) throw new Error(`project/k8s has no Deployment ${name}`);
    const container = mainContainer(deployment.object);
    return {
      environment: { ...imageEnv(name), ...containerEnvironment(container, objects) },
      explicit: (container.env ?? [])
        .map((e: { name: string }) => e.name)
        .filter((name: string) => !compositionOnly(container).includes(name)),
    };
  }
  const parts = target === 'compose' ? ['docker-compose.yml'] : ['project', 'swarm.yml'];
  const service = readYaml(...parts).services[name];
  if (!service) throw new Error(`${target} has no service ${name}`);
  const shell = Object.fromEntries(
    requiredFromShell(readText(...parts)).map((key) => [key, operatorValue()]),
  );
  const environment = composeEnvironment(service.environment, shell);
  return { environment: { ...imageEnv(name), ...environment }, explicit: Object.keys(environment) };
}
